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
def negative_elbo(model, x, y, recon_kind: str, seed: int = 0, batch_size: int = 2048) -> float:
    """One-sample Monte-Carlo estimate of -ELBO per image, in the units of the training loss.

    For `mse` the reconstruction term is the summed squared error, i.e. the Gaussian
    negative log-likelihood with unit variance up to an additive constant.
    """
    gen = torch.Generator(device=x.device).manual_seed(seed)
    total = 0.0
    for i in range(0, len(x), batch_size):
        xb, yb = x[i : i + batch_size], y[i : i + batch_size]
        mu, logvar = model.encode(xb, yb)
        eps = torch.randn(mu.shape, generator=gen, device=mu.device, dtype=mu.dtype)
        z = mu + torch.exp(0.5 * logvar) * eps
        rec = reconstruction_loss(model.decode(z, yb), xb, recon_kind)
        total += (rec + kl_divergence(mu, logvar)).item() * len(xb)
    return total / len(x)


@torch.no_grad()
def test_metrics(model, x: torch.Tensor, y: torch.Tensor, recon_kind: str) -> tuple[dict, np.ndarray]:
    """Metrics of `model` on (x, y) and the latent means, as numpy."""
    recon, mu, logvar = encode_decode(model, x, y)
    mse_per_image = per_image_mse(recon, x).cpu().numpy()
    labels = y.cpu().numpy()
    metrics = {
        "test_mse": float(mse_per_image.mean()),
        "test_bce": float(F.binary_cross_entropy(recon.clamp(1e-7, 1 - 1e-7), x).item()),
        "test_kl": float(kl_divergence(mu, logvar).item()) if logvar is not None else None,
        "test_neg_elbo": negative_elbo(model, x, y, recon_kind) if logvar is not None else None,
        "per_digit_mse": per_class_mean(mse_per_image, labels),
        "n_test": int(len(x)),
    }
    return metrics, mu.cpu().numpy()
