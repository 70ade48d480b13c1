import json

import numpy as np
import pytest

from vaelab.figures import data_overview
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers


def _split():
    """4 training images of pixel values 0.1..0.4, 2 validation, 6 test images of classes 3, 3, 0, 9, 3, 1."""
    x_train = np.repeat(np.array([0.1, 0.2, 0.3, 0.4], np.float32)[:, None], 784, axis=1)
    return {
        "x_train": x_train,
        "y_train": np.array([0, 1, 2, 3]),
        "x_val": np.zeros((2, 784), np.float32),
        "y_val": np.array([4, 5]),
        "x_test": np.zeros((6, 784), np.float32),
        "y_test": np.array([3, 3, 0, 9, 3, 1]),
    }


def test_compute_counts_and_the_grids_labels():
    numbers = data_overview.compute(_split(), n_grid=4, n_classes=10)
    assert (numbers.n_train, numbers.n_val, numbers.n_test) == (4, 2, 6)
    assert numbers.test_count_per_class == [1, 1, 0, 3, 0, 0, 0, 0, 0, 1]
    assert numbers.mean_train_pixel == pytest.approx(0.25)
    assert numbers.grid_labels == [3, 3, 0, 9]


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = data_overview.compute(_split(), n_grid=6, n_classes=10)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("data_overview", saved)
    assert from_numbers(data_overview.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'test_count_per_class' must be \[integer\] of 10"):
        check_numbers("data_overview", {**saved, "test_count_per_class": [1, 5]})
