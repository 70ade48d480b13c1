"""Figure model_selection: validation MSE of every model against latent size (mean over seeds, and
each seed's, from the models' metrics.json), the models' mean that the selection rule reads and
its threshold, with PCA of the same dimension and the mean image (baselines.json) as references,
and the latent size chosen (selected_latent.json)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.compression import pca_curve
from vaelab.figures.result import LatentKey, SeedKey
from vaelab.runs import mean_nested, models_and_latents, nested

Table = dict[str, dict[LatentKey, float]]  # {model: {latent: value}}


@dataclass
class SeedNumbers:
    val_mse: Table


@dataclass
class Numbers:
    chosen_latent: int
    rule: str  # the selection rule, in words
    tolerance: float  # relative to the best latent size's mean over models
    val_mse: Table  # mean over seeds: what the rule reads
    mean_val_mse_over_models: dict[LatentKey, float]
    threshold: float  # the best mean over models times (1 + tolerance)
    pca_val_mse: dict[LatentKey, float]
    mean_image_val_mse: float
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def mean_over_models(val_mse: Table, models: list[str], latents: list[int]) -> dict[LatentKey, float]:
    """{latent: the models' mean validation MSE}, as the rule averages them (selection.choose_latent)."""
    return {str(z): float(np.mean([val_mse[m][str(z)] for m in models])) for z in latents}


def compute(runs_by_seed: dict[int, dict[tuple[str, int], dict]], baselines: dict, selection: dict) -> Numbers:
    """`runs_by_seed`: {seed: {(model, latent): metrics}} (vaelab.publish.figures.load_metrics_by_seed);
    `baselines`: baselines.json; `selection`: selected_latent.json (its latent, rule and tolerance)."""
    models, latents = models_and_latents(next(iter(runs_by_seed.values())))
    val_mse_by_seed = {seed: nested(runs, "val_mse") for seed, runs in runs_by_seed.items()}
    val_mse = mean_nested(list(val_mse_by_seed.values()))
    tolerance = float(selection["tolerance"])
    mean = mean_over_models(val_mse, models, latents)
    return Numbers(
        chosen_latent=int(selection["chosen_latent"]),
        rule=selection["rule"],
        tolerance=tolerance,
        val_mse=val_mse,
        mean_val_mse_over_models=mean,
        threshold=min(mean.values()) * (1 + tolerance),
        pca_val_mse=pca_curve(baselines, "val", latents),
        mean_image_val_mse=float(baselines["mean_image"]["val_mse"]),
        seeds=list(runs_by_seed),
        by_seed={str(seed): SeedNumbers(val_mse=v) for seed, v in val_mse_by_seed.items()},
    )
