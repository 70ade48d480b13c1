"""Figure imputation: the error on the missing pixels of masked test images (bottom half, centred
square, random half) when a VAE trained on masked inputs, the plain VAE of the same latent size,
the mean training image or k-nearest-neighbour search over the training set fills them in; each
VAE is fed back as often as chosen on validation images. From the split and each training seed's
VAEs: errors are means over seeds, with 95% intervals over the test images."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np

from vaelab.analysis.imputation import (
    choose_passes,
    impute_knn,
    impute_mean_image,
    impute_passes,
    mean_interval,
    missing_mse,
    missing_mse_per_image,
    model_reconstructor,
    seeded_masks,
)
from vaelab.data.masks import MASK_KINDS
from vaelab.figures.result import Interval, Length, SeedKey
from vaelab.publish.plotting import TILE_STEP, seed_mean, tile

METHODS = ("masked_vae", "vae", "mean_image", "knn")
MISSING_RGB = np.array([0.25, 0.45, 0.85])  # missing pixels in the masked input
KIND_COLORS = {"half": "C0", "square": "C2", "random": "C4"}
KIND_LABEL = {
    "half": "bottom half missing",
    "square": "centred 14×14 square missing",
    "random": "50% of pixels missing",
}
METHOD_COLOR = {"masked_vae": "C0", "vae": "C1", "mean_image": "C7", "knn": "C3"}


@dataclass
class MethodMse:
    masked_vae: float
    vae: float | None  # None: no plain VAE of the masked VAE's latent size is trained
    mean_image: float
    knn: float


@dataclass
class SeedNumbers:
    mse_missing: dict[str, MethodMse]  # {mask kind: each method's MSE on the missing pixels}
    # {mask kind: {other method: the masked VAE's error minus its, image by image}}: below 0 = masked VAE better
    masked_vae_minus: dict[str, dict[str, Interval]]


@dataclass
class Numbers:
    mse_missing: dict[str, MethodMse]  # over the test images, each image's error averaged over seeds
    mse_missing_interval: dict[str, dict[str, Annotated[list[float], Length(2)]]]  # {kind: {method: [low, high]}}
    masked_vae_minus: dict[str, dict[str, Interval]]
    passes: dict[str, dict[str, list[int]]]  # {kind: {VAE: passes chosen on validation, per seed}}
    val_mse_per_pass: dict[str, dict[str, list[float]]]  # {kind: {VAE: [MSE after 1..max_passes]}}, seed mean
    test_mse_per_pass: dict[str, dict[str, list[float]]]
    max_passes: int
    n_eval: int
    n_val: int
    n_knn_reference: int
    n_neighbors: int
    latent: int
    missing_share: dict[str, float]  # {kind: share of the pixels missing}
    example_labels: list[int]  # the labels of the test images drawn
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def eval_masks(n_eval: int, seed: int) -> dict[str, np.ndarray]:
    """{kind: (n_eval, 784) masks} of the test images."""
    return {kind: seeded_masks(kind, n_eval, seed + i) for i, kind in enumerate(MASK_KINDS)}


def validation_masks(n_val: int, seed: int) -> dict[str, np.ndarray]:
    """Masks of the validation images, from seeds of their own: choosing the passes never sees a test mask."""
    return {kind: seeded_masks(kind, n_val, seed + len(MASK_KINDS) + i) for i, kind in enumerate(MASK_KINDS)}


def _paired(per_image: dict[str, np.ndarray]) -> dict[str, Interval]:
    """The masked VAE against each other method, image by image."""
    return {
        name: Interval(**mean_interval(per_image["masked_vae"] - e))
        for name, e in per_image.items()
        if name != "masked_vae"
    }


def compute(
    x_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    x_val: np.ndarray,
    masked_vaes: dict[int, object],
    plain_vaes: dict[int, object],
    seed: int,
    n_eval: int,
    n_val: int,
    n_neighbors: int,
    max_passes: int,
    n_examples: int,
) -> Numbers:
    """`masked_vaes`: {training seed: the VAE trained on masked inputs}; `plain_vaes`: {seed: the
    plain VAE of its latent size}, empty when none is trained. The first `n_eval` test and `n_val`
    validation images are masked; neighbours are searched among all of `x_train`."""
    x_eval, y_eval = x_test[:n_eval], y_test[:n_eval]
    x_val = x_val[:n_val]
    masks, val_masks = eval_masks(len(x_eval), seed), validation_masks(len(x_val), seed)
    mean_image = x_train.mean(axis=0)
    baseline = {  # the same for every training seed
        kind: {
            "mean_image": impute_mean_image(x_eval, masks[kind], mean_image),
            "knn": impute_knn(x_train, x_eval, masks[kind], n_neighbors),
        }
        for kind in MASK_KINDS
    }
    seeds = list(masked_vaes)
    seed_mse, seed_per_image, passes, val_per_pass, test_per_pass = {}, {}, {}, {}, {}
    for s in seeds:
        vaes = {"masked_vae": masked_vaes[s]}
        if s in plain_vaes:
            vaes["vae"] = plain_vaes[s]
        errors = {}
        for kind in MASK_KINDS:
            imputed = dict(baseline[kind])
            for name, net in vaes.items():
                rec = model_reconstructor(net)
                best, val_curve = choose_passes(rec, x_val, val_masks[kind], max_passes)
                on_test = impute_passes(rec, x_eval, masks[kind], max_passes)
                imputed[name] = on_test[best - 1]
                passes.setdefault(kind, {}).setdefault(name, []).append(best)
                val_per_pass.setdefault(kind, {}).setdefault(name, []).append(val_curve)
                test_per_pass.setdefault(kind, {}).setdefault(name, []).append(
                    [missing_mse(img, x_eval, masks[kind]) for img in on_test]
                )
            errors[kind] = {name: missing_mse_per_image(img, x_eval, masks[kind]) for name, img in imputed.items()}
        seed_per_image[s] = errors
        seed_mse[s] = {kind: {n: float(e.mean()) for n, e in by_name.items()} for kind, by_name in errors.items()}
    # each image's error averaged over seeds; intervals over the test images
    per_image = {
        kind: {name: seed_mean([seed_per_image[s][kind][name] for s in seeds]) for name in seed_mse[seeds[0]][kind]}
        for kind in MASK_KINDS
    }
    interval = {kind: {name: mean_interval(e) for name, e in by_name.items()} for kind, by_name in per_image.items()}

    def method_mse(values: dict[str, float]) -> MethodMse:
        return MethodMse(**{m: values.get(m) for m in METHODS})

    return Numbers(
        mse_missing={k: method_mse({m: v["mean"] for m, v in d.items()}) for k, d in interval.items()},
        mse_missing_interval={k: {m: [v["low"], v["high"]] for m, v in d.items()} for k, d in interval.items()},
        masked_vae_minus={kind: _paired(by_name) for kind, by_name in per_image.items()},
        passes=passes,
        val_mse_per_pass={k: {n: seed_mean(v).tolist() for n, v in d.items()} for k, d in val_per_pass.items()},
        test_mse_per_pass={k: {n: seed_mean(v).tolist() for n, v in d.items()} for k, d in test_per_pass.items()},
        max_passes=int(max_passes),
        n_eval=int(len(x_eval)),
        n_val=int(len(x_val)),
        n_knn_reference=int(len(x_train)),
        n_neighbors=int(n_neighbors),
        latent=int(masked_vaes[seeds[-1]].latent_dim),
        missing_share={k: float(1 - masks[k].mean()) for k in MASK_KINDS},
        example_labels=y_eval[np.arange(n_examples)].tolist(),
        seeds=seeds,
        by_seed={
            str(s): SeedNumbers(
                mse_missing={k: method_mse(seed_mse[s][k]) for k in MASK_KINDS},
                masked_vae_minus={kind: _paired(by_name) for kind, by_name in seed_per_image[s].items()},
            )
            for s in seeds
        },
    )


def methods(numbers: Numbers) -> list[str]:
    """The methods the figure has numbers for, in METHODS' order (no plain VAE where none is trained)."""
    first = next(iter(numbers.mse_missing.values()))
    return [m for m in METHODS if getattr(first, m) is not None]


def examples(
    numbers: Numbers,
    x_train: np.ndarray,
    x_test: np.ndarray,
    masked_vaes: dict[int, object],
    plain_vaes: dict[int, object],
    seed: int,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """(images, {kind: masks}, {kind: {method: imputations}}) of the test images drawn: the VAEs
    of the first training seed (`masked_vaes`, `plain_vaes` as for `compute`), fed back as often
    as that seed chose. The masks are the first rows of the test masks `compute` drew."""
    first = numbers.seeds[0]
    vaes = {"masked_vae": masked_vaes[first], **({"vae": plain_vaes[first]} if first in plain_vaes else {})}
    n = len(numbers.example_labels)
    x = x_test[:n]
    masks = {kind: m[:n] for kind, m in eval_masks(numbers.n_eval, seed).items()}
    mean_image = x_train.mean(axis=0)
    imputed = {}
    for kind, mask in masks.items():
        imputed[kind] = {
            "mean_image": impute_mean_image(x, mask, mean_image),
            "knn": impute_knn(x_train, x, mask, numbers.n_neighbors),
        }
        for name, net in vaes.items():
            passes = numbers.passes[kind][name][0]
            imputed[kind][name] = impute_passes(model_reconstructor(net), x, mask, passes)[-1]
    return x, masks, imputed


def examples_image(
    x: np.ndarray, masks: dict[str, np.ndarray], imputed: dict[str, dict[str, np.ndarray]], methods, gap: int = 8
) -> np.ndarray:
    """One RGB image of `examples`: a block per mask kind, `gap` white pixels apart, whose rows are
    the masked input (missing pixels blue), each method's imputation and the truth."""

    def rgb(gray):
        return np.repeat(gray[..., None], 3, axis=2)

    n = len(x)
    blocks = []
    for kind, mask in masks.items():
        masked = rgb(tile(x * mask, n))
        masked[tile(mask, n, fill=1.0) == 0] = MISSING_RGB
        rows = [masked, *[rgb(tile(imputed[kind][m], n)) for m in methods], rgb(tile(x, n))]
        # a white line between rows
        blocks.append(np.concatenate([np.concatenate([r, np.ones((1, r.shape[1], 3))]) for r in rows])[:-1])
    spacer = np.ones((blocks[0].shape[0], gap, 3))
    return np.concatenate([b for block in blocks for b in (block, spacer)][:-1], axis=1)


def draw_examples(ax, x, masks, imputed, methods, kind_labels: dict, method_labels: dict, gap: int = 8) -> None:
    """Draw examples_image, each block named over it and each row at its left, without a frame."""
    ax.imshow(examples_image(x, masks, imputed, methods, gap), interpolation="nearest")
    width = len(x) * TILE_STEP - 1  # of a block
    centres = [i * (width + gap) + width / 2 for i in range(len(masks))]
    ax.set_xticks(centres, [kind_labels[k] for k in masks], fontsize=12)
    ax.xaxis.tick_top()
    rows = ["masked input", *[method_labels[m] for m in methods], "truth"]
    ax.set_yticks([TILE_STEP * r + 14 for r in range(len(rows))], rows, fontsize=11)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def bar_values(numbers: Numbers, methods) -> tuple[list, list]:
    """For plotting.bar_groups, a series per method over the mask kinds: its error for each
    seed, and its (means, lows, highs) over the test images."""
    values = [
        [[getattr(numbers.by_seed[str(s)].mse_missing[k], m) for k in MASK_KINDS] for s in numbers.seeds]
        for m in methods
    ]
    intervals = [
        (
            [getattr(numbers.mse_missing[k], m) for k in MASK_KINDS],
            *np.array([numbers.mse_missing_interval[k][m] for k in MASK_KINDS]).T,
        )
        for m in methods
    ]
    return values, intervals


def draw_passes(ax, numbers: Numbers, kind_labels: dict, vae_labels: dict) -> None:
    """Draw each VAE's error after each feed-back pass: on validation images (solid), which choose
    the passes, and on test images (dashed), only reported."""
    from matplotlib.lines import Line2D

    steps = np.arange(1, numbers.max_passes + 1)
    markers = {"masked_vae": "o", "vae": "s"}
    for kind in MASK_KINDS:
        for name, marker in markers.items():
            if name not in numbers.val_mse_per_pass[kind]:
                continue
            color = KIND_COLORS[kind]
            ax.plot(steps, numbers.val_mse_per_pass[kind][name], "-", marker=marker, color=color, ms=4)
            ax.plot(steps, numbers.test_mse_per_pass[kind][name], "--", marker=marker, color=color, ms=4, mfc="none")
    ax.set_xticks(steps)
    ax.set_xlabel("feed-back passes")
    ax.set_ylabel("MSE on the missing pixels")
    ax.set_yscale("log")
    ax.set_title("Passes: validation (solid) chooses,\ntest (dashed) only reported", fontsize=11)
    kind_handles = [Line2D([], [], color=KIND_COLORS[k], label=kind_labels[k]) for k in MASK_KINDS]
    vae_handles = [
        Line2D([], [], color="0.3", marker=marker, ls="none", label=vae_labels[name])
        for name, marker in markers.items()
        if name in methods(numbers)
    ]
    ax.legend(handles=kind_handles + vae_handles, fontsize=9, frameon=False)
    ax.grid(alpha=0.3, which="both")
