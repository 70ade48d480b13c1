import gzip
import hashlib

import numpy as np
import pytest

from conftest import ROOT, SHARED_DATA
from vaelab.data.datasets import DataError, KNOWN_MD5, load_letters, load_split, load_split_files, make_split, read_idx

MNIST = ROOT / "data" / "mnist"


@pytest.fixture(scope="module")
def mnist_raw():
    return load_split_files(MNIST, "mnist")


def test_shipped_mnist_matches_known_facts(mnist_raw):
    assert mnist_raw["train_images"].shape == (60000, 28, 28)
    assert mnist_raw["test_images"].shape == (10000, 28, 28)
    assert mnist_raw["train_labels"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist_raw["test_labels"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert mnist_raw["train_images"].mean() / 255 == pytest.approx(0.1307, abs=1e-4)


def test_split_sizes_are_disjoint_and_seeded(mnist_raw):
    split = make_split(mnist_raw, val_size=6000, seed=0)
    assert split["x_train"].shape == (54000, 784) and split["x_val"].shape == (6000, 784)
    assert split["x_test"].shape == (10000, 784)
    assert split["x_train"].dtype == np.float32
    assert 0.0 <= split["x_train"].min() and split["x_train"].max() <= 1.0
    assert not set(split["idx_train"]) & set(split["idx_val"])
    assert len(set(split["idx_train"]) | set(split["idx_val"])) == 60000
    again = make_split(mnist_raw, val_size=6000, seed=0)
    other = make_split(mnist_raw, val_size=6000, seed=1)
    assert np.array_equal(split["idx_val"], again["idx_val"])
    assert not np.array_equal(split["idx_val"], other["idx_val"])
    # the recorded indices reproduce the data
    assert np.array_equal(split["x_val"][0], mnist_raw["train_images"][split["idx_val"][0]].reshape(-1) / np.float32(255))


def test_subset_keeps_first_n(mnist_raw):
    split = make_split(mnist_raw, val_size=6000, seed=0, subset={"train": 100, "val": 10, "test": 20})
    assert len(split["x_train"]) == 100 and len(split["x_val"]) == 10 and len(split["x_test"]) == 20


def _write_gz(path, raw):
    with gzip.open(path, "wb") as fh:
        fh.write(raw)


def test_load_split_reads_the_parts_asked_for(mnist_raw, tmp_path):
    split = make_split(mnist_raw, val_size=6000, seed=0, subset={"train": 100, "val": 10, "test": 20})
    np.savez(tmp_path / "split.npz", **split)
    whole = load_split(tmp_path / "split.npz")
    assert sorted(whole) == sorted(split)
    test = load_split(tmp_path / "split.npz", parts=("test",))
    assert sorted(test) == ["idx_test", "x_test", "y_test"]
    assert np.array_equal(test["x_test"], split["x_test"])
    with pytest.raises(ValueError, match="unknown split part"):
        load_split(tmp_path / "split.npz", parts=("tset",))


def test_corrupted_file_names_file_and_expected_checksum(tmp_path):
    with gzip.open(MNIST / "t10k-labels-idx1-ubyte.gz", "rb") as fh:
        raw = bytearray(fh.read())
    raw[100] ^= 0xFF  # flip one label byte
    bad = tmp_path / "t10k-labels-idx1-ubyte.gz"
    _write_gz(bad, bytes(raw))
    expected = KNOWN_MD5["mnist"]["t10k-labels-idx1-ubyte"]
    with pytest.raises(DataError, match=expected) as err:
        read_idx(bad, expected)
    assert str(bad) in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="not found.*train-images-idx3-ubyte.gz.*6bbc9ace898e44ae57da46a324031adb"):
        load_split_files(tmp_path, "mnist")


def test_unknown_dataset_needs_checksums(tmp_path):
    with pytest.raises(DataError, match="no checksum known.*md5"):
        load_split_files(tmp_path, "my-digits")


def test_read_idx_checks_header(tmp_path):
    raw = (2051).to_bytes(4, "big") + (2).to_bytes(4, "big") + (2).to_bytes(4, "big") + (2).to_bytes(4, "big") + bytes(7)
    path = tmp_path / "x.gz"
    _write_gz(path, raw)
    with pytest.raises(DataError, match="header says"):
        read_idx(path, hashlib.md5(raw).hexdigest())


def test_letters_are_transposed_to_mnist_orientation():
    images, labels = load_letters(ROOT / "data" / "emnist-letters")
    assert images.shape == (10000, 784) and labels.min() == 1 and labels.max() == 13
    # an upright 'l' is a vertical stroke: its ink spreads over rows, not columns
    l_mean = images[labels == 12].mean(axis=0).reshape(28, 28)
    assert l_mean.sum(axis=1).std() < l_mean.sum(axis=0).std()


@pytest.mark.skipif(not (SHARED_DATA / "fashion-mnist").exists(), reason="../shared/data/fashion-mnist not present")
def test_fashion_mnist_folder_loads():
    raw = load_split_files(SHARED_DATA / "fashion-mnist", "fashion-mnist")
    assert raw["train_labels"][:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert raw["test_labels"][:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
