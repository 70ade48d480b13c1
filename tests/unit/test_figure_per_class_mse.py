import json

import numpy as np
import pytest

from vaelab.figures import per_class_mse
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers


def _runs(offset=0.0):
    """Two models x two latent sizes, made-up metrics: class c's error is base/latent + c/100, but
    class 3 is harder than class 7."""
    runs = {}
    for model, base in (("vae", 0.5), ("ae", 0.1)):
        for latent in (10, 2):
            per_class = [base / latent + c / 100 + offset for c in range(10)]
            per_class[3], per_class[7] = per_class[7], per_class[3]
            runs[(model, latent)] = {"per_class_mse": per_class}
    return runs


CLASSES = [str(c) for c in range(10)]


def test_per_class_matrix():
    m = per_class_mse.per_class_matrix(_runs(), "ae", [2, 10])
    assert m.shape == (10, 2)
    assert m[0, 0] == pytest.approx(0.05) and m[0, 1] == pytest.approx(0.01)
    assert m[3, 1] == pytest.approx(0.01 + 0.07)


def test_easiest_hardest_per_column():
    matrix = np.array([[0.3, 0.1], [0.1, 0.5], [0.9, 0.2]])
    easiest, hardest = per_class_mse.easiest_hardest(matrix, [2, 10])
    assert easiest == {"2": 1, "10": 0}
    assert hardest == {"2": 2, "10": 1}


def test_class_ranks_and_mean_rank():
    a = np.array([[0.3, 0.1], [0.1, 0.5], [0.9, 0.2]])
    assert per_class_mse.class_ranks(a).tolist() == [[1, 0], [0, 2], [2, 1]]
    b = np.array([[0.0], [1.0], [2.0]])
    # class 0: ranks 1, 0, 0 -> 1/3; class 1: 0, 2, 1 -> 1; class 2: 2, 1, 2 -> 5/3
    assert per_class_mse.mean_rank_per_class([a, b]) == pytest.approx([1 / 3, 1.0, 5 / 3])


def test_compute_means_over_seeds_and_keeps_each_seeds_marks():
    numbers = per_class_mse.compute({0: _runs(), 1: _runs(offset=0.02)}, CLASSES)
    assert numbers.latents == [2, 10] and list(numbers.per_class_mse) == ["ae", "vae"]  # the models' order
    assert numbers.per_class_mse["ae"]["10"][0] == pytest.approx(0.01 + 0.01)  # mean of 0.01 and 0.03
    assert numbers.mean_rank_per_class[0] == 0.0 and numbers.mean_rank_per_class[9] == 9.0
    assert numbers.mean_rank_per_class[3] == 7.0 and numbers.mean_rank_per_class[7] == 3.0
    assert numbers.easiest == {"ae": {"2": 0, "10": 0}, "vae": {"2": 0, "10": 0}}
    assert numbers.hardest["ae"] == {"2": 9, "10": 9}
    assert numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    assert numbers.by_seed["1"].per_class_mse["ae"]["10"][0] == pytest.approx(0.03)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = per_class_mse.compute({0: _runs()}, CLASSES)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("per_class_mse", saved)
    assert from_numbers(per_class_mse.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'by_seed\.0' lacks 'easiest'"):
        del saved["by_seed"]["0"]["easiest"]
        check_numbers("per_class_mse", saved)
