"""Compression: the latent size nearest a target, the compression ratio, the PCA curve."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from vaelab.constants import IMAGE_SIZE


def nearest_latent(latents: Iterable[int], target: int) -> int:
    """The trained latent size closest to `target` on a log scale (the smaller one on a tie)."""
    latents = sorted(latents)
    if not latents:
        raise ValueError("no latent sizes")
    return min(latents, key=lambda z: (round(abs(float(np.log(z / target))), 9), z))


def compression_ratio(latent: int, n_values: int = IMAGE_SIZE) -> float:
    """How many times fewer numbers the code holds than the image: 784 / latent."""
    return n_values / latent


def pca_curve(baselines: dict, split: str, latents: Iterable[int]) -> dict[str, float]:
    """{"latent": PCA <split>_mse} from baselines.json, for the latent sizes asked for that it holds."""
    return {str(z): float(baselines["pca"][str(z)][f"{split}_mse"]) for z in latents if str(z) in baselines["pca"]}
