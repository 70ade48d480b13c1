import json

import numpy as np
import pytest
import torch

from vaelab.analysis.reconstruction import random_of_each_class
from vaelab.figures import reconstructions
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers


class Constant:
    """A stand-in model that reconstructs every image as `value` in every pixel."""

    conditional = False

    def __init__(self, value: float):
        self.value = value

    def eval(self):
        return self

    def encode(self, x, y):
        return x, None

    def decode(self, z, y):
        return torch.full_like(z, self.value)


# 30 test images of 4 pixels: image i is i/100 in every pixel and has label i % 10
X_TEST = np.repeat(np.arange(30, dtype=np.float32)[:, None] / 100, 4, axis=1)
Y_TEST = np.arange(30) % 10
NETS = {"zero": Constant(0.0), "half": Constant(0.5)}


def test_compute_draws_each_class_and_scores_the_images_and_the_test_set():
    numbers = reconstructions.compute(NETS, X_TEST, Y_TEST, chosen_latent=2, per_class=1, seed=3)
    assert numbers.chosen_latent == 2
    assert numbers.test_indices == random_of_each_class(Y_TEST, 1, 3).tolist()  # drawn with the seed given
    assert numbers.labels == list(range(10)) == [i % 10 for i in numbers.test_indices]
    assert list(numbers.mse_mean) == ["zero", "half"]  # the models' order
    # the zero model's error on image i is (i/100)^2; the half model's (0.5 - i/100)^2
    expected = [(i / 100) ** 2 for i in numbers.test_indices]
    assert numbers.mse_per_image["zero"] == pytest.approx(expected, rel=1e-5)
    assert numbers.mse_mean["zero"] == pytest.approx(np.mean(expected), rel=1e-5)
    assert numbers.mse_per_image["half"][0] == pytest.approx((0.5 - numbers.test_indices[0] / 100) ** 2, rel=1e-5)
    # over all 30 images: sum of i^2 for i < 30 is 8555
    assert numbers.test_set_mse["zero"] == pytest.approx(8555 / 30 / 1e4, rel=1e-5)
    assert numbers.test_set_mse["half"] == pytest.approx(np.mean((0.5 - np.arange(30) / 100) ** 2), rel=1e-5)


def test_per_class_images_of_each_class_in_class_order():
    numbers = reconstructions.compute(NETS, X_TEST, Y_TEST, chosen_latent=2, per_class=3, seed=0)
    assert numbers.labels == [c for c in range(10) for _ in range(3)]
    assert sorted(numbers.test_indices) == list(range(30))  # 3 of each class: every image
    assert len(numbers.mse_per_image["zero"]) == 30
    assert numbers.mse_mean["zero"] == pytest.approx(numbers.test_set_mse["zero"], rel=1e-5)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = reconstructions.compute(NETS, X_TEST, Y_TEST, chosen_latent=2, per_class=1, seed=0)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("reconstructions", saved)
    assert from_numbers(reconstructions.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'mse_mean\.zero' must be number, got str"):
        check_numbers("reconstructions", {**saved, "mse_mean": {"zero": "low"}})
    with pytest.raises(NumbersError, match=r"'chosen_latent' must be integer, got float"):
        check_numbers("reconstructions", {**saved, "chosen_latent": 2.5})
