"""Figure reconstructions: test images drawn at random, `per_class` of each class, and their
reconstructions by each model at the chosen latent size; each shown image's MSE per pixel, their
mean, and each model's mean over the whole test set beside it (the sample is small)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.reconstruction import random_of_each_class, reconstruct


@dataclass
class Numbers:
    chosen_latent: int
    test_indices: list[int]  # the images shown, into the test set, class by class
    labels: list[int]  # their labels
    mse_mean: dict[str, float]  # {model: MSE per pixel, mean over the images shown}
    test_set_mse: dict[str, float]  # {model: MSE per pixel, mean over the whole test set}
    mse_per_image: dict[str, list[float]]  # {model: [MSE per pixel of each image shown]}


def compute(
    nets: dict, x_test: np.ndarray, y_test: np.ndarray, chosen_latent: int, per_class: int, seed: int
) -> Numbers:
    """`nets`: {model: its model at the chosen latent size}, in the order the figure shows them;
    `per_class` images of each class are drawn from the test set with `seed`."""
    idx = random_of_each_class(y_test, per_class, seed)
    x, y = x_test[idx], y_test[idx]
    mse = {m: reconstruct(net, x, y)[1] for m, net in nets.items()}
    return Numbers(
        chosen_latent=int(chosen_latent),
        test_indices=idx.tolist(),
        labels=y.tolist(),
        mse_mean={m: float(per_image.mean()) for m, per_image in mse.items()},
        test_set_mse={m: float(reconstruct(net, x_test, y_test)[1].mean()) for m, net in nets.items()},
        mse_per_image={m: per_image.tolist() for m, per_image in mse.items()},
    )
