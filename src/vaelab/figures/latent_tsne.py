"""Figure latent_tsne: t-SNE maps of the test images' latent means at the chosen latent size, and
how well classes separate in each code: the accuracy of a k-nearest-neighbour classifier fitted
on half of the test latents and scored on the other half, at every latent size, against raw
pixels and chance; from the models' latents.npz (mean over seeds, and each seed's) and the test
split. The maps themselves come from the `tsne` rule and are only drawn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np

from vaelab.analysis.latent import chance_accuracy, knn_accuracy
from vaelab.figures.result import Length, SeedKey
from vaelab.publish.plotting import log_ticks_x, mean_sd_text, plot_seeds, point_size, scatter_by_class, seed_mean
from vaelab.runs import MODEL_COLORS, model_label

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


def maps(tsne_paths: list[str], models: list[str], chosen_latent: int, labels: np.ndarray) -> dict[str, np.ndarray]:
    """{model: its (n, 2) t-SNE map} from the `tsne` rule's tsne_<model>.npz files, each checked to
    be of the latents at `chosen_latent` of the test images labelled `labels`."""
    embeddings = {Path(p).stem.removeprefix("tsne_"): np.load(p) for p in tsne_paths}
    for m, e in embeddings.items():
        if int(e["latent"]) != chosen_latent or not np.array_equal(e["labels"], labels):
            raise ValueError(f"the t-SNE of {m} is not of these latents")
    return {m: embeddings[m]["xy"] for m in models}


def latent_sizes(numbers: Numbers) -> list[int]:
    """The latent sizes of the runs whose accuracy was measured, smallest first."""
    return sorted({int(run.rsplit("_z", 1)[1]) for run in numbers.knn_accuracy_by_run})


def draw_maps(axes, xy: dict[str, np.ndarray], labels: np.ndarray, numbers: Numbers, class_noun: str) -> None:
    """One t-SNE map per model coloured by class, titled with its k-NN accuracy (mean ± sd over
    seeds); the legend beside the last map."""
    of_seeds = list(numbers.by_seed.values())
    for ax, m in zip(axes, numbers.models):
        accuracy = mean_sd_text([of_seed.knn_accuracy[m] for of_seed in of_seeds], ".3f")
        title = f"{model_label(m)}: {numbers.k_neighbours}-NN {class_noun} accuracy {accuracy}"
        size = point_size(len(labels))
        legend = m == numbers.models[-1]
        scatter_by_class(ax, xy[m], labels, numbers.class_names, class_noun, s=size, legend=legend, title=title)
        ax.set_xlabel("t-SNE 1")
        ax.set_ylabel("t-SNE 2")
        ax.set_xticks([])
        ax.set_yticks([])


def draw_accuracy_by_latent(ax, numbers: Numbers, class_noun: str) -> None:
    """The k-NN accuracy against latent size, a line per model (mean over seeds, each seed's
    points), with the accuracy on raw pixels and chance as horizontal lines."""
    sizes = latent_sizes(numbers)
    of_seeds = list(numbers.by_seed.values())
    for m in numbers.models:
        each_seed = [[of_seed.knn_accuracy_by_run[f"{m}_z{k}"] for k in sizes] for of_seed in of_seeds]
        plot_seeds(ax, sizes, each_seed, label=model_label(m), color=MODEL_COLORS.get(m))
    ax.axhline(numbers.knn_accuracy_pixels, color="0.3", ls="--", lw=1, label="raw pixels")
    ax.axhline(numbers.chance_accuracy, color="0.3", ls=":", lw=1, label="chance")
    log_ticks_x(ax, sizes)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("latent size")
    ax.set_ylabel(f"{numbers.k_neighbours}-NN {class_noun} accuracy on the latent means")
    ax.set_title(f"{class_noun.capitalize()} information in the code")
    ax.legend(fontsize=9, frameon=False, loc="lower right")
    ax.grid(alpha=0.3)
