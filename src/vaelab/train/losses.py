"""Reconstruction and KL terms of the (negative) ELBO.

Both are summed over pixels / latent dimensions and averaged over the batch, as in
Kingma & Welling 2014 and PyTorch's examples/vae.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

RECON_LOSSES = ("mse", "bce")


def reconstruction_loss(
    recon: torch.Tensor, x: torch.Tensor, kind: str = "mse", per_image: bool = False
) -> torch.Tensor:
    """Per-image reconstruction error summed over pixels, averaged over the batch (per_image:
    one value per image instead)."""
    if kind == "mse":
        if not per_image:  # the fused reduction: the training step's hot path
            return F.mse_loss(recon, x, reduction="sum") / len(recon)
        per_pixel = (recon - x).pow(2)
    elif kind == "bce":
        per_pixel = F.binary_cross_entropy(recon, x, reduction="none")
    else:
        raise ValueError(f"unknown reconstruction loss {kind!r}; choose from {RECON_LOSSES}")
    per_image_sum = per_pixel.sum(dim=1)
    return per_image_sum if per_image else per_image_sum.mean()


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor | None) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, I)) summed over dimensions, averaged over the batch.

    Closed form from Kingma & Welling 2014, appendix B:
    -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2). Zero for the deterministic AE.
    """
    if logvar is None:
        return mu.new_zeros(())
    return (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()


def loss_terms(model_out, x, kind: str = "mse", beta: float = 1.0) -> dict[str, torch.Tensor]:
    """{'loss', 'recon', 'kl'} for a model's (recon, mu, logvar) output; loss = recon + beta * KL."""
    recon, mu, logvar = model_out
    rec = reconstruction_loss(recon, x, kind)
    kl = kl_divergence(mu, logvar)
    return {"loss": rec + beta * kl, "recon": rec, "kl": kl}
