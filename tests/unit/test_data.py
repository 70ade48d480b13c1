import gzip
import hashlib
import re

import numpy as np
import pytest
from conftest import ROOT, SHARED_DATA

from vaelab.data.datasets import KNOWN_MD5, DataError, load_letters, load_split, load_split_files, make_split, read_idx

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
    assert np.array_equal(
        split["x_val"][0], mnist_raw["train_images"][split["idx_val"][0]].reshape(-1) / np.float32(255)
    )


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
    raw = (
        (2051).to_bytes(4, "big") + (2).to_bytes(4, "big") + (2).to_bytes(4, "big") + (2).to_bytes(4, "big") + bytes(7)
    )
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


def _idx(path, magic, shape, md5s):
    raw = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in shape) + bytes(int(np.prod(shape)))
    _write_gz(path, raw)
    md5s[path.name.removesuffix(".gz")] = hashlib.md5(raw).hexdigest()


def _custom_dataset(folder, train_shape=(20, 28, 28), train_labels=20, test_shape=(10, 28, 28), test_labels=10):
    """A folder of valid IDX files in MNIST's names (all zeros), and their MD5 map."""
    md5s = {}
    folder.mkdir(exist_ok=True)
    _idx(folder / "train-images-idx3-ubyte.gz", 2051, train_shape, md5s)
    _idx(folder / "train-labels-idx1-ubyte.gz", 2049, (train_labels,), md5s)
    _idx(folder / "t10k-images-idx3-ubyte.gz", 2051, test_shape, md5s)
    _idx(folder / "t10k-labels-idx1-ubyte.gz", 2049, (test_labels,), md5s)
    return md5s


def test_a_custom_dataset_of_28x28_images_loads(tmp_path):
    md5s = _custom_dataset(tmp_path / "d")
    raw = load_split_files(tmp_path / "d", "my-digits", md5s)
    assert raw["train_images"].shape == (20, 28, 28) and raw["test_labels"].shape == (10,)


@pytest.mark.parametrize("shape", [(20, 28, 29), (20, 29, 28), (20, 14, 14)])
def test_images_that_are_not_28x28_are_refused_naming_the_file(tmp_path, shape):
    md5s = _custom_dataset(tmp_path / "d", train_shape=shape)
    with pytest.raises(
        DataError, match=re.escape(str(tmp_path / "d" / "train-images-idx3-ubyte.gz")) + r".*expected 28x28"
    ) as err:
        load_split_files(tmp_path / "d", "my-digits", md5s)
    assert str(shape[1:]) in str(err.value)


def test_images_and_labels_must_agree_in_number(tmp_path):
    md5s = _custom_dataset(tmp_path / "d", test_labels=9)
    with pytest.raises(
        DataError,
        match=r"t10k-images-idx3-ubyte.gz holds 10 images but .*t10k-labels-idx1-ubyte.gz "
        r"holds 9 labels",
    ):
        load_split_files(tmp_path / "d", "my-digits", md5s)


def test_a_label_file_where_images_belong_is_refused(tmp_path):
    md5s = _custom_dataset(tmp_path / "d")
    _idx(tmp_path / "d" / "train-images-idx3-ubyte.gz", 2049, (20,), md5s)
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz: images of shape"):
        load_split_files(tmp_path / "d", "my-digits", md5s)
