"""Per-class test errors: the (class x latent) matrices, the easiest and hardest classes, ranks."""

from __future__ import annotations

import numpy as np


def per_class_matrix(runs: dict[tuple[str, int], dict], model: str, latents: list[int]) -> np.ndarray:
    """(10 digits, len(latents)) test MSE of `model`: column j is per_class_mse at latents[j]."""
    return np.array([runs[(model, z)]["per_class_mse"] for z in latents], dtype=float).T


def easiest_hardest(matrix: np.ndarray, latents: list[int]) -> tuple[dict[str, int], dict[str, int]]:
    """Per latent size (column), the digit with the lowest and the highest error."""
    easiest = {str(z): int(np.nanargmin(matrix[:, j])) for j, z in enumerate(latents)}
    hardest = {str(z): int(np.nanargmax(matrix[:, j])) for j, z in enumerate(latents)}
    return easiest, hardest


def class_ranks(matrix: np.ndarray) -> np.ndarray:
    """Rank of each digit (row) within each column: 0 = lowest error. Ties keep row order."""
    order = np.argsort(matrix, axis=0, kind="stable")
    ranks = np.empty_like(order)
    cols = np.arange(matrix.shape[1])
    ranks[order, cols] = np.arange(matrix.shape[0])[:, None]
    return ranks


def mean_rank_per_class(matrices: list[np.ndarray]) -> list[float]:
    """Each digit's rank (0 = easiest) averaged over every column of every matrix."""
    ranks = np.concatenate([class_ranks(m) for m in matrices], axis=1)
    return [float(r) for r in ranks.mean(axis=1)]
