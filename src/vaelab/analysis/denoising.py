"""Denoising: corrupt test images with seeded noise and score a model's reconstruction of them.

Images are float arrays (n, 784) in [0, 1]. A "reconstructor" is any function
(x, y) -> x_hat on such arrays; `model_reconstructor` wraps a trained model as one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vaelab.analysis.metrics import reconstruct_array
from vaelab.constants import IMAGE_SIDE

Reconstructor = Callable[[np.ndarray, np.ndarray], np.ndarray]


def add_gaussian_noise(x: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """x + N(0, sigma^2) per pixel, clipped to [0, 1]."""
    return np.clip(x + rng.normal(0.0, sigma, size=x.shape), 0.0, 1.0).astype(np.float32)


def add_salt_pepper(x: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Each pixel, with probability `fraction`, set to 0 or 1 (each equally likely)."""
    hit = rng.random(x.shape) < fraction
    salt = rng.random(x.shape) < 0.5
    out = x.astype(np.float32, copy=True)
    out[hit] = salt[hit].astype(np.float32)
    return out


NOISE = {"gaussian": add_gaussian_noise, "salt_pepper": add_salt_pepper}


def add_noise(x: np.ndarray, kind: str, level: float, seed: int) -> np.ndarray:
    """Noise of one kind and level, seeded by (seed, kind, level) so every setting's noise is
    the same whatever other settings are drawn and in whatever order."""
    if kind not in NOISE:
        raise ValueError(f"unknown noise kind {kind!r}; choose from {sorted(NOISE)}")
    rng = np.random.default_rng([seed, list(NOISE).index(kind), int(round(level * 10_000))])
    return NOISE[kind](x, level, rng)


def per_image_mse(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ((a - b) ** 2).mean(axis=1)


def psnr(mse, peak: float = 1.0):
    """Peak signal-to-noise ratio in dB: 10 log10(peak^2 / MSE). MSE 0 gives +inf."""
    mse = np.asarray(mse, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(peak**2 / mse)


def mean_psnr(a: np.ndarray, b: np.ndarray, peak: float = 1.0, floor: float = 1e-10) -> float:
    """Mean over images of each image's PSNR (MSE floored so a perfect image stays finite)."""
    return float(psnr(np.maximum(per_image_mse(a, b), floor), peak).mean())


def model_reconstructor(model) -> Reconstructor:
    """A trained model as a numpy function (x, y) -> reconstruction with z = mu."""
    return lambda x, y: reconstruct_array(model, x, y)


def median_filter_reconstructor(size: int) -> Reconstructor:
    """The classical denoiser as a reconstructor: each image's size x size median filter
    (edges: the nearest pixel repeated); labels are not read."""
    from scipy.ndimage import median_filter

    if size < 1:
        raise ValueError(f"the median filter's size must be >= 1, got {size}")

    def reconstruct(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        images = np.asarray(x, np.float32).reshape(len(x), IMAGE_SIDE, IMAGE_SIDE)
        return median_filter(images, size=(1, size, size), mode="nearest").reshape(len(x), -1)

    return reconstruct


def denoising_curves(
    x: np.ndarray,
    y: np.ndarray,
    reconstructors: dict[str, Reconstructor],
    noise: dict[str, list[float]],
    seed: int,
) -> dict:
    """MSE to the clean images and mean PSNR, for the noisy input and each reconstructor's
    output, at every noise kind and level (lists follow the order of `noise[kind]`); and each
    reconstructor's error on the clean images themselves (`mse_clean`, `psnr_clean`): the floor
    its output cannot go below, which a noisy input at low noise may already beat."""
    out = {
        "noise": {k: [float(v) for v in levels] for k, levels in noise.items()},
        "mse_clean": {},
        "psnr_clean": {},
        "mse_noisy": {k: [] for k in noise},
        "psnr_noisy": {k: [] for k in noise},
        "mse_denoised": {m: {k: [] for k in noise} for m in reconstructors},
        "psnr_denoised": {m: {k: [] for k in noise} for m in reconstructors},
    }
    for name, reconstruct in reconstructors.items():
        clean = reconstruct(x, y)
        out["mse_clean"][name] = float(per_image_mse(clean, x).mean())
        out["psnr_clean"][name] = mean_psnr(clean, x)
    for kind, levels in noise.items():
        for level in levels:
            noisy = add_noise(x, kind, level, seed)
            out["mse_noisy"][kind].append(float(per_image_mse(noisy, x).mean()))
            out["psnr_noisy"][kind].append(mean_psnr(noisy, x))
            for name, reconstruct in reconstructors.items():
                denoised = reconstruct(noisy, y)
                out["mse_denoised"][name][kind].append(float(per_image_mse(denoised, x).mean()))
                out["psnr_denoised"][name][kind].append(mean_psnr(denoised, x))
    return out
