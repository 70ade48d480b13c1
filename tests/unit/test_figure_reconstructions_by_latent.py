import json

import numpy as np
import pytest
import torch

from vaelab.figures import reconstructions_by_latent
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers


class Grey:
    """A stand-in model that decodes every image to one grey level: its MSE on an image of
    constant pixels p is (level - p)^2."""

    def __init__(self, level):
        self.level = level

    def eval(self):
        return self

    def encode(self, x, y):
        return x, None

    def decode(self, mu, y):
        return torch.full_like(mu, self.level)


# six images of 4 pixels, classes 2, 0, 1, 0, 2, 1; image i has every pixel i / 10
Y_TEST = np.array([2, 0, 1, 0, 2, 1])
X_TEST = np.repeat(np.arange(6, dtype=np.float32)[:, None] / 10, 4, axis=1)
# first of each class: image 1 (pixels 0.1), image 2 (0.2), image 0 (0.0)
MODELS = {("vae", 2): Grey(0.5), ("ae", 10): Grey(0.1), ("ae", 2): Grey(0.0)}


def _runs(offset):
    return {key: {"test_mse": 0.01 * (i + 1) + offset} for i, key in enumerate([("ae", 2), ("ae", 10), ("vae", 2)])}


def test_compute_shows_the_first_image_of_each_class_and_its_mse():
    numbers = reconstructions_by_latent.compute(X_TEST, Y_TEST, MODELS, {0: _runs(0.0), 1: _runs(0.02)}, 3)
    assert numbers.test_indices == [1, 2, 0] and numbers.labels == [0, 1, 2]
    shown = numbers.mse_on_shown_images
    assert list(shown) == ["ae", "vae"] and list(shown["ae"]) == ["2", "10"]  # the figure's order
    assert shown["ae"]["2"] == pytest.approx((0.01 + 0.04 + 0.0) / 3)
    assert shown["ae"]["10"] == pytest.approx((0.0 + 0.01 + 0.01) / 3)
    assert shown["vae"]["2"] == pytest.approx((0.16 + 0.09 + 0.25) / 3)


def test_compute_means_the_test_mse_over_seeds_and_keeps_each_seeds():
    numbers = reconstructions_by_latent.compute(X_TEST, Y_TEST, MODELS, {3: _runs(0.0), 1: _runs(0.02)}, 3)
    assert numbers.test_mse["ae"] == pytest.approx({"2": 0.02, "10": 0.03})
    assert numbers.test_mse["vae"] == pytest.approx({"2": 0.04})
    assert numbers.seeds == [3, 1] and list(numbers.by_seed) == ["3", "1"]
    assert numbers.by_seed["1"].test_mse["vae"]["2"] == pytest.approx(0.05)


def test_a_class_without_a_test_image_is_an_error():
    with pytest.raises(ValueError, match=r"\[3\]"):
        reconstructions_by_latent.compute(X_TEST, Y_TEST, MODELS, {0: _runs(0.0)}, 4)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = reconstructions_by_latent.compute(X_TEST, Y_TEST, MODELS, {0: _runs(0.0), 1: _runs(0.02)}, 3)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("reconstructions_by_latent", saved)
    assert from_numbers(reconstructions_by_latent.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'mse_on_shown_images\.ae' has a key that is not a latent size: 'z2'"):
        saved["mse_on_shown_images"]["ae"]["z2"] = 0.1
        check_numbers("reconstructions_by_latent", saved)


def test_reconstructions_are_in_the_figures_row_order():
    x, y = X_TEST[[1, 2]], Y_TEST[[1, 2]]
    recons = reconstructions_by_latent.reconstructions(MODELS, x, y)
    assert list(recons) == [("ae", 2), ("ae", 10), ("vae", 2)]
    assert recons[("vae", 2)].shape == (2, 4)
    np.testing.assert_allclose(recons[("ae", 10)], 0.1)
