"""Per-digit test errors: the (latent x digit) matrices, the easiest and hardest digits, ranks."""

from __future__ import annotations

import numpy as np


def per_digit_matrix(runs: dict[tuple[str, int], dict], model: str, latents: list[int]) -> np.ndarray:
    """(10 digits, len(latents)) test MSE of `model`: column j is per_digit_mse at latents[j]."""
    return np.array([runs[(model, z)]["per_digit_mse"] for z in latents], dtype=float).T


def easiest_hardest(matrix: np.ndarray, latents: list[int]) -> tuple[dict[str, int], dict[str, int]]:
    """Per latent size (column), the digit with the lowest and the highest error."""
    easiest = {str(z): int(np.nanargmin(matrix[:, j])) for j, z in enumerate(latents)}
    hardest = {str(z): int(np.nanargmax(matrix[:, j])) for j, z in enumerate(latents)}
    return easiest, hardest


def digit_ranks(matrix: np.ndarray) -> np.ndarray:
    """Rank of each digit (row) within each column: 0 = lowest error. Ties keep row order."""
    order = np.argsort(matrix, axis=0, kind="stable")
    ranks = np.empty_like(order)
    cols = np.arange(matrix.shape[1])
    ranks[order, cols] = np.arange(matrix.shape[0])[:, None]
    return ranks


def mean_rank_per_digit(matrices: list[np.ndarray]) -> list[float]:
    """Each digit's rank (0 = easiest) averaged over every column of every matrix."""
    ranks = np.concatenate([digit_ranks(m) for m in matrices], axis=1)
    return [float(r) for r in ranks.mean(axis=1)]
