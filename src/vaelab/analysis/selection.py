"""Baselines and the choice of latent size that later figures use by default."""

from __future__ import annotations

import numpy as np


def mean_image_mse(x_train: np.ndarray, x_test: np.ndarray) -> float:
    """Baseline: predict every test image as the mean training image."""
    return float(((x_test - x_train.mean(axis=0, keepdims=True)) ** 2).mean())


def pca_errors(
    x_train: np.ndarray, x_evals: dict[str, np.ndarray], sizes: list[int]
) -> dict[int, dict[str, np.ndarray]]:
    """{k: {name: per-image MSE}} of reconstructing each x_evals[name] from its first k
    principal components, fitted on x_train, for every k in `sizes` (reconstructions clipped
    to the pixels' range [0, 1]).

    One exact fit serves every k: the principal components of a covariance eigendecomposition
    are nested, so the first k of the largest fit are the k-component fit.
    """
    from sklearn.decomposition import PCA

    x_train = np.asarray(x_train)
    k_max = min(max(sizes), *x_train.shape)
    # exact solvers only (a randomized fit's first k components are not a k-component fit)
    solver = "covariance_eigh" if x_train.shape[0] >= x_train.shape[1] else "full"
    fit = PCA(n_components=k_max, svd_solver=solver).fit(x_train)
    out = {}
    for k in sizes:
        components = fit.components_[: min(k, k_max)]
        out[k] = {}
        for name, x in x_evals.items():
            recon = (x - fit.mean_) @ components.T @ components + fit.mean_
            out[k][name] = ((np.clip(recon, 0, 1) - x) ** 2).mean(axis=1)
    return out


def pca_mse(x_train: np.ndarray, x_evals: dict[str, np.ndarray], sizes: list[int]) -> dict[int, dict[str, float]]:
    """{k: {name: per-pixel MSE}} of the k-component PCA reconstruction (`pca_errors`): the
    linear baseline an autoencoder should beat."""
    errors = pca_errors(x_train, x_evals, sizes)
    return {k: {name: float(e.mean()) for name, e in by_name.items()} for k, by_name in errors.items()}


def choose_latent(val_mse: dict[str, dict[int, float]], tolerance: float) -> int:
    """The smallest latent size whose validation MSE, averaged over models, is within
    `tolerance` (relative) of the best latent size's: more dimensions past it buy little."""
    latents = sorted(set.intersection(*(set(v) for v in val_mse.values())))
    if not latents:
        raise ValueError("no latent size was trained for every model")
    mean = {z: float(np.mean([val_mse[m][z] for m in val_mse])) for z in latents}
    best = min(mean.values())
    return next(z for z in latents if mean[z] <= best * (1 + tolerance))


def mean_over_seeds(per_seed: list[dict[str, dict[int, float]]]) -> dict[str, dict[int, float]]:
    """[{model: {latent: value}} of each seed] -> the same averaged over seeds, for the (model,
    latent) pairs every seed has: model selection reads the replicates' mean, not one seed."""
    if not per_seed:
        raise ValueError("no seed given")
    out: dict[str, dict[int, float]] = {}
    for model in per_seed[0]:
        latents = set.intersection(*(set(seed.get(model, {})) for seed in per_seed))
        if latents:
            out[model] = {z: float(np.mean([seed[model][z] for seed in per_seed])) for z in sorted(latents)}
    return out
