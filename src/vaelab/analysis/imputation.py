"""Imputation: fill the missing pixels of masked digits, and score only those pixels.

Masks are float arrays (n, 784) with 1 = observed, 0 = missing (see vaelab.data.masks). Missing
pixels are shown to a model as 0, as during the masked VAE's training. Every imputation
keeps the observed pixels exactly and only fills the missing ones.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from vaelab.analysis.metrics import reconstruct_array
from vaelab.data.masks import make_mask

Reconstructor = Callable[[np.ndarray], np.ndarray]


def seeded_masks(kind: str, n: int, seed: int) -> np.ndarray:
    """(n, 784) masks of one kind as numpy; the random kind is drawn from `seed`."""
    return make_mask(kind, n, generator=torch.Generator().manual_seed(seed)).numpy()


def fill_missing(x: np.ndarray, mask: np.ndarray, fill: np.ndarray) -> np.ndarray:
    """Observed pixels from x, missing ones from `fill` (same shape, or broadcastable)."""
    return mask * x + (1.0 - mask) * fill


def model_reconstructor(model) -> Reconstructor:
    """An unconditional model as a numpy function x -> reconstruction with z = mu."""
    if model.conditional:
        raise ValueError("imputation uses unconditional models (a masked digit's label is unknown)")
    return lambda x: reconstruct_array(model, x)


def impute_passes(reconstruct: Reconstructor, x: np.ndarray, mask: np.ndarray, n_passes: int) -> list[np.ndarray]:
    """The imputation after each of 1..n_passes passes: the first fills missing pixels from the
    model's reconstruction of the masked input (missing = 0); each further pass reconstructs
    the previous imputation and refills the missing pixels."""
    if n_passes < 1:
        raise ValueError(f"the number of passes must be >= 1, got {n_passes}")
    current = (mask * x).astype(np.float32)
    out = []
    for _ in range(n_passes):
        current = fill_missing(x, mask, reconstruct(current)).astype(np.float32)
        out.append(current)
    return out


def impute(reconstruct: Reconstructor, x: np.ndarray, mask: np.ndarray, n_iter: int = 1) -> np.ndarray:
    """The imputation after `n_iter` passes (`impute_passes`)."""
    return impute_passes(reconstruct, x, mask, n_iter)[-1]


def choose_passes(
    reconstruct: Reconstructor, x: np.ndarray, mask: np.ndarray, max_passes: int
) -> tuple[int, list[float]]:
    """(number of passes with the lowest missing-pixel MSE, the MSE after each of 1..max_passes
    passes) on (x, mask): meant for validation images, so that the test images are not used
    to choose. Ties go to fewer passes."""
    mse = [missing_mse(imputed, x, mask) for imputed in impute_passes(reconstruct, x, mask, max_passes)]
    return int(np.argmin(mse)) + 1, mse


def impute_mean_image(x: np.ndarray, mask: np.ndarray, mean_image: np.ndarray) -> np.ndarray:
    """Baseline: missing pixels from the mean training image."""
    return fill_missing(x, mask, np.asarray(mean_image, np.float32)[None, :]).astype(np.float32)


def impute_knn(
    x_reference: np.ndarray, x: np.ndarray, mask: np.ndarray, n_neighbors: int = 5, batch_size: int = 256
) -> np.ndarray:
    """Baseline: each missing pixel is the mean of that pixel over the n_neighbors complete
    reference images nearest to the image on its observed pixels.

    This is what scikit-learn's KNNImputer(n_neighbors) computes when fit on complete images
    (its nan-Euclidean distance only rescales each image's distances by a constant, which keeps
    the ranking; tests check the two agree), done with matrix products instead of KNNImputer's
    loop over pixels: 500 images take well under a second instead of about a minute, and the
    whole MNIST training set can be the reference.
    """
    ref = np.asarray(x_reference, np.float64)
    if n_neighbors > len(ref):
        raise ValueError(f"n_neighbors {n_neighbors} exceeds the {len(ref)} reference images")
    ref_sq = ref**2
    out = np.empty_like(np.asarray(x, np.float32))
    for i in range(0, len(x), batch_size):
        xb, mb = np.asarray(x[i : i + batch_size], np.float64), np.asarray(mask[i : i + batch_size], np.float64)
        # squared distance on observed pixels: sum_j m_j (x_j - r_j)^2
        dist = ((mb * xb) ** 2).sum(1, keepdims=True) - 2 * (mb * xb) @ ref.T + mb @ ref_sq.T
        # the k smallest without sorting every row (then in order, ties to the lower index)
        candidates = np.sort(np.argpartition(dist, n_neighbors - 1, axis=1)[:, :n_neighbors], axis=1)
        order = np.argsort(np.take_along_axis(dist, candidates, axis=1), axis=1, kind="stable")
        nearest = np.take_along_axis(candidates, order, axis=1)
        out[i : i + batch_size] = fill_missing(xb, mb, ref[nearest].mean(axis=1))
    return out


def missing_mse_per_image(imputed: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean squared error over each image's missing pixels (NaN for an image with none)."""
    missing = 1.0 - np.asarray(mask, np.float64)
    n_missing = missing.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (missing * (np.asarray(imputed, np.float64) - truth) ** 2).sum(axis=1) / n_missing


def missing_mse(imputed: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> float:
    """Mean squared error over the missing pixels only, pooled over all images."""
    missing = 1.0 - mask
    n_missing = missing.sum()
    if n_missing == 0:
        raise ValueError("the masks hide no pixel")
    return float((missing * (imputed - truth) ** 2).sum() / n_missing)


def mean_interval(values: np.ndarray, z: float = 1.96) -> dict[str, float]:
    """{'mean', 'low', 'high', 'n'}: the mean of `values` and its normal-approximation
    interval mean +- z * sd / sqrt(n) (z = 1.96: 95%). For a paired comparison, pass the
    per-image differences: an interval that excludes 0 is a difference the images support."""
    values = np.asarray(values, np.float64)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        raise ValueError(f"need at least 2 values for an interval, got {len(values)}")
    mean = float(values.mean())
    half = z * float(values.std(ddof=1)) / np.sqrt(len(values))
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": int(len(values))}
