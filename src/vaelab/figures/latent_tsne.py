"""Figure latent_tsne: t-SNE maps of the test images' latent means at the chosen latent size, and
how well classes separate in each code: the accuracy of a k-nearest-neighbour classifier fitted
on half of the test latents and scored on the other half, at every latent size, against raw
pixels and chance; from the models' latents.npz (mean over seeds, and each seed's) and the test
split. The maps themselves come from the `tsne` rule and are only drawn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

import numpy as np

from vaelab.analysis.latent import chance_accuracy, knn_accuracy
from vaelab.figures.result import Length, SeedKey
from vaelab.publish.plotting import seed_mean

# {(model, latent): its latents.npz (or a dict) with "mu" and "labels"} of one seed
Latents = Mapping[tuple[str, int], Mapping[str, np.ndarray]]


@dataclass
class SeedNumbers:
    knn_accuracy: dict[str, float]  # {model: k-NN accuracy at the chosen latent size}
    knn_accuracy_by_run: dict[str, float]  # {"<model>_z<latent>": k-NN accuracy}, every run


@dataclass
class Numbers(SeedNumbers):
    chosen_latent: int
    models: list[str]  # the models at the chosen latent size, one map each
    n_test: int
    k_neighbours: int
    knn_accuracy_pixels: float  # the same classifier on the raw test images
    chance_accuracy: float  # always guessing the most common class
    class_names: Annotated[list[str], Length(10)]  # the legend's names, label 0 first
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def _seed_numbers(accuracy: dict[str, float], models: list[str], chosen: int) -> SeedNumbers:
    return SeedNumbers(knn_accuracy={m: accuracy[f"{m}_z{chosen}"] for m in models}, knn_accuracy_by_run=accuracy)


def compute(
    latents_by_seed: dict[int, Latents],
    x_test: np.ndarray,
    y_test: np.ndarray,
    chosen_latent: int,
    k_neighbours: int,
    class_names: list[str],
    seed: int,
) -> Numbers:
    """`latents_by_seed`: {seed: {(model, latent): latents}}, the seeds and runs in the config's
    order; `seed`: the k-NN's split of the test images into halves."""
    first = next(iter(latents_by_seed.values()))
    models = [m for (m, z) in first if z == chosen_latent]
    labels = first[(models[0], chosen_latent)]["labels"]
    if not np.array_equal(y_test, labels):
        raise ValueError("latents.npz and the split disagree on the test labels")
    # digit accuracy of k-NN on the latent means (not on the t-SNE map), on every seed
    seed_accuracy = {
        s: {f"{m}_z{z}": knn_accuracy(d["mu"], d["labels"], k=k_neighbours, seed=seed) for (m, z), d in runs.items()}
        for s, runs in latents_by_seed.items()
    }
    seeds = list(seed_accuracy)
    accuracy = {run: float(seed_mean([seed_accuracy[s][run] for s in seeds])) for run in seed_accuracy[seeds[0]]}
    return Numbers(
        **vars(_seed_numbers(accuracy, models, chosen_latent)),
        chosen_latent=int(chosen_latent),
        models=models,
        n_test=int(len(labels)),
        k_neighbours=int(k_neighbours),
        knn_accuracy_pixels=knn_accuracy(x_test, labels, k=k_neighbours, seed=seed),
        chance_accuracy=chance_accuracy(labels),
        class_names=list(class_names),
        seeds=seeds,
        by_seed={str(s): _seed_numbers(acc, models, chosen_latent) for s, acc in seed_accuracy.items()},
    )
