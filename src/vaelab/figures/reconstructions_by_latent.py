"""Figure reconstructions_by_latent: the first test image of each class, reconstructed by every
model at every latent size (the first training seed's models), each row labelled with the model's
test MSE from its metrics.json (mean over seeds, and each seed's)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.reconstruction import first_of_each_class, reconstruct
from vaelab.figures.result import LatentKey, SeedKey
from vaelab.runs import mean_nested, nested, ordered_runs

Table = dict[str, dict[LatentKey, float]]  # {model: {latent: value}}


@dataclass
class SeedNumbers:
    test_mse: Table


@dataclass
class Numbers:
    test_indices: list[int]  # the images shown: the first test image of each class
    labels: list[int]
    test_mse: Table  # over the whole test set, mean over seeds
    mse_on_shown_images: Table  # the drawn models' mean MSE over the images shown
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def compute(
    x_test: np.ndarray,
    y_test: np.ndarray,
    models: dict[tuple[str, int], object],
    runs_by_seed: dict[int, dict[tuple[str, int], dict]],
    n_classes: int,
) -> Numbers:
    """`models`: {(model, latent): loaded model} of the seed drawn; `runs_by_seed`: {seed: {(model,
    latent): metrics}} (vaelab.publish.figures.load_metrics_by_seed)."""
    idx = first_of_each_class(y_test, n_classes)
    x, y = x_test[idx], y_test[idx]
    keys = ordered_runs(models)
    shown = {key: float(reconstruct(models[key], x, y)[1].mean()) for key in keys}
    test_mse_by_seed = {seed: nested(runs, "test_mse") for seed, runs in runs_by_seed.items()}
    return Numbers(
        test_indices=idx.tolist(),
        labels=y.tolist(),
        test_mse=mean_nested(list(test_mse_by_seed.values())),
        mse_on_shown_images={
            m: {str(z): shown[(m, z)] for mm, z in keys if mm == m} for m in dict.fromkeys(m for m, _ in keys)
        },
        seeds=list(runs_by_seed),
        by_seed={str(seed): SeedNumbers(test_mse=t) for seed, t in test_mse_by_seed.items()},
    )


def reconstructions(
    models: dict[tuple[str, int], object], x: np.ndarray, y: np.ndarray
) -> dict[tuple[str, int], np.ndarray]:
    """The images drawn: {(model, latent): its reconstructions of x (labels y)}, in the figure's row order."""
    return {key: reconstruct(models[key], x, y)[0] for key in ordered_runs(models)}
