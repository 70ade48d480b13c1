"""Figure latent_pca: each model's test latent means at the chosen latent size, projected by PCA
to two dimensions and coloured by class, and each class's density along PC1, from the latents.npz
of the first training seed's models; its numbers are the share of variance PC1 and PC2 explain
and each class's mean and spread along PC1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np

from vaelab.analysis.embedding import pca
from vaelab.figures.result import Length

PerClass = Annotated[list[float | None], Length(10)]  # one value per class (NaN: no test image of it)


@dataclass
class Numbers:
    chosen_latent: int
    models: list[str]
    n_test: int
    explained_variance_ratio: dict[str, list[float]]  # {model: [share of the variance of PC1, of PC2]}
    pc1_mean_per_class: dict[str, PerClass]
    pc1_std_per_class: dict[str, PerClass]


def pca_2d(z: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, d) latent means -> ((n, 2) PCA coordinates, explained variance ratio of PC1 and PC2).

    Each component's sign is fixed so that its largest loading is positive: the plot does not
    flip between runs that differ only in the solver's sign choice.
    """
    if z.shape[1] < 2:
        raise ValueError(f"need at least 2 latent dimensions, got {z.shape[1]}")
    fit = pca(z, 2, seed)
    signs = np.sign(fit.components_[np.arange(2), np.abs(fit.components_).argmax(axis=1)])
    return fit.transform(z) * signs, fit.explained_variance_ratio_.copy()


def compute(latents: dict[str, dict[str, np.ndarray]], chosen_latent: int, seed: int, n_classes: int) -> Numbers:
    """`latents`: {model: its latents.npz at the chosen latent size ("mu", "labels")}, in the
    figure's order of models; `seed`: the PCA solver's."""
    projected = {m: pca_2d(data["mu"], seed) for m, data in latents.items()}
    # each model's PC1 values of each class
    pc1 = {m: [xy[latents[m]["labels"] == d, 0] for d in range(n_classes)] for m, (xy, _) in projected.items()}
    return Numbers(
        chosen_latent=chosen_latent,
        models=list(latents),
        n_test=int(len(next(iter(latents.values()))["labels"])),
        explained_variance_ratio={m: [float(v) for v in ratio] for m, (_, ratio) in projected.items()},
        pc1_mean_per_class={m: [float(v.mean()) for v in of_class] for m, of_class in pc1.items()},
        pc1_std_per_class={m: [float(v.std()) for v in of_class] for m, of_class in pc1.items()},
    )


def digit_densities(values: np.ndarray, labels: np.ndarray, grid: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, len(grid)) Gaussian kernel density (Scott's bandwidth) of `values` for each
    label; a row of NaN where a label has fewer than 2 distinct values."""
    from scipy.stats import gaussian_kde

    out = np.full((n_classes, len(grid)), np.nan)
    for c in range(n_classes):
        v = values[labels == c]
        if len(np.unique(v)) >= 2:
            out[c] = gaussian_kde(v)(grid)
    return out


def pc1_densities(pc1: np.ndarray, labels: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(grid, (n_classes, 300) density of each class along it): what the lower row draws. The grid
    spans the values and a tenth more on either side, so that the tails show."""
    lo, hi = pc1.min(), pc1.max()
    pad = 0.1 * (hi - lo)
    grid = np.linspace(lo - pad, hi + pad, 300)
    return grid, digit_densities(pc1, labels, grid, n_classes)
