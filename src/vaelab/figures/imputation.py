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
from vaelab.publish.plotting import seed_mean

METHODS = ("masked_vae", "vae", "mean_image", "knn")


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
    numbers: Numbers, x_train: np.ndarray, x_test: np.ndarray, vaes: dict[str, object], seed: int
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """(images, {kind: masks}, {kind: {method: imputations}}) of the test images drawn:
    `vaes` {"masked_vae": ..., "vae": ...} of the first training seed, fed back as often as
    that seed chose. The masks are the first rows of the test masks `compute` drew."""
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
