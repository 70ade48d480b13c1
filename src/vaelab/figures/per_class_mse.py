"""Figure per_class_mse: test error per class and latent size, each model's easiest and hardest
class, and each class's mean rank, from the models' metrics.json (mean over seeds, and each seed's)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.figures.result import LatentKey, SeedKey
from vaelab.publish.plotting import seed_mean
from vaelab.runs import models_and_latents

Runs = dict[tuple[str, int], dict]  # {(model, latent): metrics} of one seed


@dataclass
class SeedNumbers:
    per_class_mse: dict[str, dict[LatentKey, list[float]]]  # {model: {latent: [mse of class c]}}
    easiest: dict[str, dict[LatentKey, int]]  # {model: {latent: class with the lowest error}}
    hardest: dict[str, dict[LatentKey, int]]


@dataclass
class Numbers(SeedNumbers):
    latents: list[int]
    class_names: list[str]
    mean_rank_per_class: list[float]  # each class's rank (0 = easiest) over every model and latent
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def per_class_matrix(runs: Runs, model: str, latents: list[int]) -> np.ndarray:
    """(classes, len(latents)) test MSE of `model`: column j is per_class_mse at latents[j]."""
    return np.array([runs[(model, z)]["per_class_mse"] for z in latents], dtype=float).T


def easiest_hardest(matrix: np.ndarray, latents: list[int]) -> tuple[dict[str, int], dict[str, int]]:
    """Per latent size (column), the class with the lowest and the highest error."""
    easiest = {str(z): int(np.nanargmin(matrix[:, j])) for j, z in enumerate(latents)}
    hardest = {str(z): int(np.nanargmax(matrix[:, j])) for j, z in enumerate(latents)}
    return easiest, hardest


def class_ranks(matrix: np.ndarray) -> np.ndarray:
    """Rank of each class (row) within each column: 0 = lowest error. Ties keep row order."""
    order = np.argsort(matrix, axis=0, kind="stable")
    ranks = np.empty_like(order)
    cols = np.arange(matrix.shape[1])
    ranks[order, cols] = np.arange(matrix.shape[0])[:, None]
    return ranks


def mean_rank_per_class(matrices: list[np.ndarray]) -> list[float]:
    """Each class's rank (0 = easiest) averaged over every column of every matrix."""
    ranks = np.concatenate([class_ranks(m) for m in matrices], axis=1)
    return [float(r) for r in ranks.mean(axis=1)]


def _seed_numbers(matrices: dict[str, np.ndarray], latents: list[int]) -> SeedNumbers:
    marks = {m: easiest_hardest(mat, latents) for m, mat in matrices.items()}
    return SeedNumbers(
        per_class_mse={m: {str(z): mat[:, j].tolist() for j, z in enumerate(latents)} for m, mat in matrices.items()},
        easiest={m: marks[m][0] for m in matrices},
        hardest={m: marks[m][1] for m in matrices},
    )


def compute(runs_by_seed: dict[int, Runs], class_names: list[str]) -> Numbers:
    """`runs_by_seed`: {seed: {(model, latent): metrics}} (vaelab.publish.figures.load_metrics_by_seed)."""
    models, latents = models_and_latents(next(iter(runs_by_seed.values())))
    seed_matrices = {s: {m: per_class_matrix(runs, m, latents) for m in models} for s, runs in runs_by_seed.items()}
    matrices = {m: seed_mean([mats[m] for mats in seed_matrices.values()]) for m in models}
    mean = _seed_numbers(matrices, latents)
    return Numbers(
        **vars(mean),
        latents=latents,
        class_names=list(class_names),
        mean_rank_per_class=mean_rank_per_class(list(matrices.values())),
        seeds=list(seed_matrices),
        by_seed={str(s): _seed_numbers(mats, latents) for s, mats in seed_matrices.items()},
    )


def matrix(per_class_mse: dict[LatentKey, list[float]], latents: list[int]) -> np.ndarray:
    """One model's {latent: [mse per class]} as the (classes, latents) matrix the heat map draws."""
    return np.array([per_class_mse[str(z)] for z in latents]).T
