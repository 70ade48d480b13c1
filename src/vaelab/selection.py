"""Baselines and the choice of latent size that later figures use by default."""

from __future__ import annotations

import numpy as np


def pca_mse(x_train: np.ndarray, x_eval: np.ndarray, n_components: int, seed: int = 0) -> float:
    """Per-pixel MSE of reconstructing x_eval from its first `n_components` principal
    components, fitted on x_train: the linear baseline an autoencoder should beat."""
    from vaelab.embedding import pca

    p = pca(x_train, n_components, seed)
    recon = p.inverse_transform(p.transform(x_eval))
    return float(((np.clip(recon, 0, 1) - x_eval) ** 2).mean())


def choose_latent(val_mse: dict[str, dict[int, float]], tolerance: float) -> int:
    """The smallest latent size whose validation MSE, averaged over models, is within
    `tolerance` (relative) of the best latent size's: more dimensions past it buy little."""
    latents = sorted(set.intersection(*(set(v) for v in val_mse.values())))
    if not latents:
        raise ValueError("no latent size was trained for every model")
    mean = {z: float(np.mean([val_mse[m][z] for m in val_mse])) for z in latents}
    best = min(mean.values())
    return next(z for z in latents if mean[z] <= best * (1 + tolerance))
