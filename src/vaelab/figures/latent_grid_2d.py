"""Figure latent_grid_2d: the models with a 2D latent space decode an evenly spaced grid over
[-limit, limit]^2 (the CVAE once per label of `cvae_labels`); beside each unconditional model's
grid, its latent means of the test images. The numbers: the grid, and where the latent means lie
(their mean and spread per dimension, and the share inside the decoded square), from the models
and their latents.npz."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.latent import latent_grid


@dataclass
class LatentStats:
    mean: list[float]  # per latent dimension, over the test images' latent means
    std: list[float]
    share_inside_grid: float  # share of the latent means inside the decoded square


@dataclass
class Numbers:
    n_grid: int  # grid points along each axis
    limit: float  # the grid spans [-limit, limit] along each axis
    grid_values: list[float]  # the grid's values along each axis
    cvae_labels: list[int]  # the labels a conditional model's grid is decoded with; [] without one
    latent_stats: dict[str, LatentStats]  # {model: where its test latent means lie}
    ae_latent_mean: list[float] | None  # the AE's latent_stats mean and std; null without an AE
    ae_latent_std: list[float] | None


def share_inside(mu: np.ndarray, limit: float) -> float:
    """Share of the latent means (rows of `mu`) inside the decoded square [-limit, limit]^2."""
    return float(np.mean(np.all(np.abs(mu) <= limit, axis=1)))


def compute(nets: dict, mu: dict[str, np.ndarray], n_grid: int, limit: float, cvae_labels: list[int]) -> Numbers:
    """`nets`: {model: its 2D model}; `mu`: {model: (n, 2) latent means of the test images}."""
    _, values = latent_grid(n_grid, limit)
    conditional = any(net.conditional for net in nets.values())
    stats = {
        m: LatentStats(
            mean=z.mean(axis=0).tolist(), std=z.std(axis=0).tolist(), share_inside_grid=share_inside(z, limit)
        )
        for m, z in mu.items()
    }
    return Numbers(
        n_grid=int(n_grid),
        limit=float(limit),
        grid_values=values.tolist(),
        cvae_labels=[int(d) for d in cvae_labels] if conditional else [],
        latent_stats=stats,
        ae_latent_mean=stats["ae"].mean if "ae" in stats else None,
        ae_latent_std=stats["ae"].std if "ae" in stats else None,
    )
