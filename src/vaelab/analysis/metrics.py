"""Test-set metrics of a trained model, and the per-image errors later figures build on."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from vaelab.train.losses import kl_divergence, reconstruction_loss


@torch.no_grad()
def encode_decode(model, x: torch.Tensor, y: torch.Tensor, batch_size: int = 2048):
    """(reconstructions with z = mu, mu, logvar-or-None) for all of x, batched."""
    model.eval()
    recons, mus, logvars = [], [], []
    for i in range(0, len(x), batch_size):
        xb, yb = x[i : i + batch_size], y[i : i + batch_size]
        mu, logvar = model.encode(xb, yb)
        recons.append(model.decode(mu, yb))
        mus.append(mu)
        if logvar is not None:
            logvars.append(logvar)
    return torch.cat(recons), torch.cat(mus), (torch.cat(logvars) if logvars else None)


def reconstruct_array(model, x, y=None) -> np.ndarray:
    """Reconstructions (z = mu) of numpy images x as numpy; labels y are only read by the
    CVAE (None: all zeros, for unconditional models)."""
    xt = torch.from_numpy(np.asarray(x, dtype=np.float32))
    yt = torch.zeros(len(xt), dtype=torch.long) if y is None else torch.from_numpy(np.asarray(y, dtype=np.int64))
    recon, _, _ = encode_decode(model, xt, yt)
    return recon.numpy()


def per_image_mse(recon: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error over pixels, one value per image."""
    return (recon - x).pow(2).mean(dim=1)


def per_class_mean(values: np.ndarray, labels: np.ndarray, n_classes: int = 10) -> list[float]:
    """Mean of `values` for each label 0..n_classes-1 (NaN where a class is absent)."""
    return [float(values[labels == c].mean()) if np.any(labels == c) else float("nan") for c in range(n_classes)]


@torch.no_grad()
def negative_elbo_per_image(
    model, x, y, recon_kind: str, n_samples: int, seed: int = 0, batch_size: int = 2048
) -> torch.Tensor:
    """Monte-Carlo estimate of each image's -ELBO, in the units of the training loss: the KL
    term in closed form plus the reconstruction term averaged over `n_samples` draws of
    z ~ q(z|x), from a generator seeded by `seed`.

    For `mse` the reconstruction term is the summed squared error, i.e. the Gaussian
    negative log-likelihood with unit variance up to an additive constant.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    model.eval()
    gen = torch.Generator(device=x.device).manual_seed(seed)
    out = []
    for i in range(0, len(x), batch_size):
        xb, yb = x[i : i + batch_size], y[i : i + batch_size]
        mu, logvar = model.encode(xb, yb)
        if logvar is None:
            raise ValueError(f"{type(model).__name__} is not variational: it has no ELBO")
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)
        rec = torch.zeros(len(xb), device=x.device)
        for _ in range(n_samples):
            eps = torch.randn(mu.shape, generator=gen, device=mu.device, dtype=mu.dtype)
            recon = model.decode(mu + torch.exp(0.5 * logvar) * eps, yb)
            rec += reconstruction_loss(recon, xb, recon_kind, per_image=True)
        out.append(rec / n_samples + kl)
    return torch.cat(out)


@torch.no_grad()
def test_metrics(
    model, x: torch.Tensor, y: torch.Tensor, recon_kind: str, elbo_samples: int, seed: int
) -> tuple[dict, np.ndarray]:
    """Metrics of `model` on (x, y) and the latent means, as numpy. The reconstruction
    metrics use z = mu; the -ELBO averages `elbo_samples` draws of z per image (from `seed`),
    the objective of training and of the validation curve."""
    recon, mu, logvar = encode_decode(model, x, y)
    mse_per_image = per_image_mse(recon, x).cpu().numpy()
    labels = y.cpu().numpy()
    variational = logvar is not None
    metrics = {
        "test_mse": float(mse_per_image.mean()),
        "test_bce": float(F.binary_cross_entropy(recon.clamp(1e-7, 1 - 1e-7), x).item()),
        "test_kl": float(kl_divergence(mu, logvar).item()) if variational else None,
        "test_neg_elbo": (
            float(negative_elbo_per_image(model, x, y, recon_kind, elbo_samples, seed).mean()) if variational else None
        ),
        "neg_elbo_z_samples": int(elbo_samples) if variational else None,
        "per_class_mse": per_class_mean(mse_per_image, labels),
        "n_test": int(len(x)),
    }
    return metrics, mu.cpu().numpy()
