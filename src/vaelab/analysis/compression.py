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


PIXEL_BITS = 8  # an MNIST pixel is one byte
CODE_BITS = 32  # a latent code holds float32 numbers
LABEL_BITS = float(np.log2(10))  # what the CVAE's decoder also needs: the digit


def bits_ratio(latent: int, extra_bits: float = 0.0, n_pixels: int = IMAGE_SIZE) -> float:
    """How many times fewer bits the code (float32 numbers, plus `extra_bits`, e.g. the CVAE's
    label) takes than the image's 8-bit pixels: 784 * 8 / (32 * latent + extra_bits)."""
    return n_pixels * PIXEL_BITS / (CODE_BITS * latent + extra_bits)


def nats_to_bits(nats: float) -> float:
    """A rate in nats (the VAE's KL term, its natural rate) in bits."""
    return float(nats / np.log(2))


def pca_curve(baselines: dict, split: str, latents: Iterable[int]) -> dict[str, float]:
    """{"latent": PCA <split>_mse} from baselines.json, for the latent sizes asked for that it holds."""
    return {str(z): float(baselines["pca"][str(z)][f"{split}_mse"]) for z in latents if str(z) in baselines["pca"]}
