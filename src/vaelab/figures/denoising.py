"""Figure denoising: test images corrupted by Gaussian and salt-and-pepper noise, and each model's
reconstruction of the noisy input (the models at the chosen latent size; the CVAE is given the
true label) and a median filter's. The error to the clean image as MSE and PSNR, against the
noise level, for the noisy input and each method; each method's error on the clean images
itself; from the models of every training seed (mean over seeds, and each seed's) and the test
split.

Two steps: `curves_by_seed` runs every seed's models on the noisy images (the costly part, whose
per-seed curves the figure also draws), `compute` takes them to the figure's numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.denoising import (
    Reconstructor,
    add_noise,
    denoising_curves,
    median_filter_reconstructor,
    model_reconstructor,
)
from vaelab.figures.result import SeedKey
from vaelab.publish.plotting import image_blocks, plot_seeds, seed_mean
from vaelab.runs import MODEL_COLORS, MODEL_NAMES, model_label

PSNR_DEFINITION = "mean over test images of 10*log10(1 / per-image MSE), peak 1.0"
Curves = dict  # one seed's vaelab.analysis.denoising.denoising_curves

METHOD_COLOR = {**MODEL_COLORS, "median": "C5"}
NOISE_TITLE = {"gaussian": "Gaussian noise", "salt_pepper": "Salt-and-pepper noise"}


@dataclass
class SeedNumbers:
    mse_denoised: dict[str, dict[str, list[float]]]  # {method: {noise kind: [MSE to the clean image per level]}}
    psnr_denoised: dict[str, dict[str, list[float]]]
    mse_clean: dict[str, float]  # {method: its MSE on the clean images: the floor of its output}


@dataclass
class Numbers(SeedNumbers):
    noise: dict[str, list[float]]  # {noise kind: [levels]}
    mse_noisy: dict[str, list[float]]  # {noise kind: [MSE of the noisy input per level]}
    psnr_noisy: dict[str, list[float]]
    psnr_clean: dict[str, float]
    chosen_latent: int
    models: list[str]
    median_size: int
    n_test: int
    psnr_definition: str
    example_indices: list[int]  # the test images drawn
    example_labels: list[int]
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]  # the models' curves of each seed, the median filter's not


def ordered_models(names) -> list[str]:
    """AE, VAE, CVAE (those present), then any other model in alphabetical order."""
    names = set(names)
    return [m for m in MODEL_NAMES if m in names] + sorted(names - set(MODEL_NAMES))


def curves_by_seed(
    x_test: np.ndarray, y_test: np.ndarray, models_by_seed: dict[int, dict], noise: dict[str, list[float]], seed: int
) -> dict[int, Curves]:
    """{seed: its models' denoising curves}: every seed's models denoise the same noisy images
    (`noise`: {kind: [levels]}, drawn with `seed`). `models_by_seed`: {seed: {model: network}},
    the seeds in the config's order; the first seed's models name the models."""
    names = ordered_models(next(iter(models_by_seed.values())))
    return {
        s: denoising_curves(x_test, y_test, {m: model_reconstructor(nets[m]) for m in names}, noise, seed)
        for s, nets in models_by_seed.items()
    }


def compute(
    seed_curves: dict[int, Curves],
    x_test: np.ndarray,
    y_test: np.ndarray,
    chosen_latent: int,
    median_size: int,
    n_examples: int,
    seed: int,
) -> Numbers:
    """The figure's numbers from `curves_by_seed(...)` of the same test images: the models' curves
    as their mean over seeds, and the median filter's (the same for every seed) beside them."""
    seeds = list(seed_curves)
    first = seed_curves[seeds[0]]
    models, noise = list(first["mse_clean"]), first["noise"]
    mean = {
        key: {
            m: {kind: seed_mean([seed_curves[s][key][m][kind] for s in seeds]).tolist() for kind in noise}
            for m in models
        }
        for key in ("mse_denoised", "psnr_denoised")
    }
    for key in ("mse_clean", "psnr_clean"):  # each model's error on the clean images (sigma = 0)
        mean[key] = {m: float(seed_mean([seed_curves[s][key][m] for s in seeds])) for m in models}
    median = denoising_curves(x_test, y_test, {"median": median_filter_reconstructor(median_size)}, noise, seed)
    for key in mean:
        mean[key]["median"] = median[key]["median"]
    examples = np.arange(n_examples)
    return Numbers(
        **mean,
        noise=noise,
        mse_noisy=first["mse_noisy"],
        psnr_noisy=first["psnr_noisy"],
        chosen_latent=int(chosen_latent),
        models=models,
        median_size=int(median_size),
        n_test=int(len(x_test)),
        psnr_definition=PSNR_DEFINITION,
        example_indices=examples.tolist(),
        example_labels=np.asarray(y_test)[examples].tolist(),
        seeds=seeds,
        by_seed={
            str(s): SeedNumbers(
                mse_denoised=curves["mse_denoised"],
                psnr_denoised=curves["psnr_denoised"],
                mse_clean=curves["mse_clean"],
            )
            for s, curves in seed_curves.items()
        },
    )


def reconstructors(models: dict[str, object], median_size: int) -> dict[str, Reconstructor]:
    """The examples' methods: {model: the network as a reconstructor}, then the median filter."""
    return {
        **{m: model_reconstructor(net) for m, net in models.items()},
        "median": median_filter_reconstructor(median_size),
    }


# --- drawing: the examples shown, and the figure's panels


def method_label(method: str, median_size: int) -> str:
    """'AE', 'VAE', 'CVAE' (vaelab.runs.model_label), 'median 3×3'."""
    return f"median {median_size}×{median_size}" if method == "median" else model_label(method)


def level_label(kind: str, level: float) -> str:
    """A noise level as the figure names it: 'σ = 0.1', '10% of pixels'."""
    return f"σ = {level:g}" if kind == "gaussian" else f"{level:.0%} of pixels"


def example_blocks(
    x: np.ndarray, y: np.ndarray, kind: str, levels: list[float], methods: dict[str, Reconstructor], seed: int
) -> list[list[np.ndarray]]:
    """For each noise level, the rows of images shown: the clean images `x`, the noisy ones (drawn
    with `seed`, as the curves' are) and each method's output of them."""
    blocks = []
    for level in levels:
        noisy = add_noise(x, kind, level, seed)
        blocks.append([x, noisy, *[reconstruct(noisy, y) for reconstruct in methods.values()]])
    return blocks


def draw_examples(ax, numbers: Numbers, kind: str, blocks: list[list[np.ndarray]], class_noun: str) -> None:
    """The example_blocks of one noise kind: a block per level, rows clean / noisy / each method."""
    methods = [*numbers.models, "median"]
    rows = ["clean", "noisy", *[f"{method_label(m, numbers.median_size)} output" for m in methods]]
    image_blocks(ax, blocks, [level_label(kind, v) for v in numbers.noise[kind]], rows)
    ax.set_title(
        f"{NOISE_TITLE[kind]}: the first {len(numbers.example_indices)} test {class_noun}s at each level "
        f"(models at latent size {numbers.chosen_latent}, training seed {numbers.seeds[0]})",
        fontsize=13,
        pad=28,
    )


def draw_curves(
    ax, numbers: Numbers, seed_curves: dict[int, Curves], metric: str, kind: str, legend: bool = False
) -> None:
    """The error (`metric`: "mse" or "psnr") to the clean image against the noise level of one
    noise kind: of the noisy input, each model (mean over seeds, and each seed's) and the median
    filter; with a legend naming them if `legend`. Each method starts at level 0: its error on
    the clean images, the floor its output cannot beat."""
    levels = numbers.noise[kind]
    at = [0.0, *levels]
    ax.plot(levels, getattr(numbers, f"{metric}_noisy")[kind], "k--", marker="o", label="noisy input")
    for m in numbers.models:
        each_seed = [
            [seed_curves[s][f"{metric}_clean"][m], *seed_curves[s][f"{metric}_denoised"][m][kind]]
            for s in numbers.seeds
        ]
        plot_seeds(ax, at, each_seed, color=METHOD_COLOR.get(m), label=method_label(m, numbers.median_size))
    median = [getattr(numbers, f"{metric}_clean")["median"], *getattr(numbers, f"{metric}_denoised")["median"][kind]]
    label = method_label("median", numbers.median_size) + " filter"
    ax.plot(at, median, "^:", color=METHOD_COLOR["median"], label=label)
    ax.set_xticks(at, [f"{v:g}" if kind == "gaussian" else f"{v:.0%}" for v in at])
    ax.set_xlabel("noise standard deviation σ" if kind == "gaussian" else "share of pixels set to black or white")
    if metric == "mse":
        ax.set_ylabel("MSE to the clean image (log scale)")
        ax.set_yscale("log")
    else:
        ax.set_ylabel("PSNR to the clean image (dB)")
    ax.set_title(f"{metric.upper()}, {NOISE_TITLE[kind]}")
    ax.grid(alpha=0.3, which="both")
    if legend:
        ax.legend(fontsize=9)
