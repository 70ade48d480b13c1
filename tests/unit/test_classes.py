"""A dataset knows its classes: names and the word for one class."""

import numpy as np
import pytest

from vaelab.data.classes import KNOWN_CLASSES, ClassesError, dataset_classes, outside_label_name
from vaelab.data.datasets import DataError, load_outside, load_split_files, to_unit_float


def test_known_datasets_name_their_ten_classes():
    assert dataset_classes("mnist").names == tuple("0123456789") and dataset_classes("mnist").noun == "digit"
    fashion = dataset_classes("fashion-mnist")
    assert fashion.noun == "item" and fashion.plural == "items"
    assert (fashion.name(0), fashion.name(1), fashion.name(9)) == ("T-shirt/top", "Trouser", "Ankle boot")
    assert all(len(c.names) == 10 for c in KNOWN_CLASSES.values())


def test_the_config_overrides_a_known_datasets_words():
    renamed = dataset_classes("mnist", [f"d{i}" for i in range(10)], "numeral")
    assert renamed.name(3) == "d3" and renamed.noun == "numeral"
    assert dataset_classes("mnist", None, "figure").names == KNOWN_CLASSES["mnist"].names


def test_an_unknown_dataset_needs_its_names_and_noun():
    with pytest.raises(ClassesError, match="class_names: dataset 'mine'.*class_noun"):
        dataset_classes("mine")
    with pytest.raises(ClassesError, match="class_names: 9 names given"):
        dataset_classes("mine", list("abcdefghi"), "glyph")
    assert dataset_classes("mine", list("abcdefghij"), "glyph").name(9) == "j"


def test_outside_sets_name_their_labels():
    assert outside_label_name("emnist-letters", 1) == "a" and outside_label_name("mnist", 7) == "7"
    with pytest.raises(ValueError):
        outside_label_name("emnist-letters", 0)


def test_mnist_as_the_outside_set_is_its_test_split_in_the_splits_orientation():
    x, y = load_outside("mnist", "data/mnist")
    raw = load_split_files("data/mnist", "mnist")
    assert np.array_equal(x, to_unit_float(raw["test_images"])) and np.array_equal(y, raw["test_labels"])
    with pytest.raises(DataError, match="outside.dataset: 'kmnist' is not a known set"):
        load_outside("kmnist", "data/mnist")
