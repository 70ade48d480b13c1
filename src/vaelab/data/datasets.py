"""Reading gzip'd IDX files, verifying them, and making the train/validation/test split.

IDX format (LeCun et al.): big-endian header, magic 2051 for images (n, rows, cols),
2049 for labels (n); then uint8 values row-major.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

from vaelab.constants import IMAGE_SIDE
from vaelab.data.registry import KNOWN_DATASETS, SPLIT_FILES

KNOWN_MD5 = {name: known.md5 for name, known in KNOWN_DATASETS.items()}
LETTERS_FILES = KNOWN_DATASETS["emnist-letters"].outside_files

_MAGIC = {2051: 3, 2049: 1}  # magic number -> number of dimensions


class DataError(RuntimeError):
    """A data file is missing, corrupted or malformed."""


def read_idx(path: str | Path, md5: str | None) -> np.ndarray:
    """Read a gzip'd IDX file into a uint8 array, verifying the MD5 of the decompressed bytes.

    `md5=None` skips verification; callers in the pipeline always pass one.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"data file not found: {path} (expected MD5 of its decompressed bytes: {md5})")
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as err:
        raise DataError(f"cannot decompress {path}: {err} (expected MD5 of its decompressed bytes: {md5})") from err
    if md5 is not None:
        actual = hashlib.md5(raw).hexdigest()
        if actual != md5:
            raise DataError(f"checksum mismatch for {path}: MD5 of decompressed bytes is {actual}, expected {md5}")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in _MAGIC:
        raise DataError(f"{path} is not an IDX file of images or labels (magic {magic})")
    ndim = _MAGIC[magic]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise DataError(f"{path}: header says shape {shape} but holds {data.size} values")
    return data.reshape(shape)


def expected_md5(dataset: str, name: str, overrides: dict | None = None) -> str:
    """The MD5 a file must have: from the config's `md5` map first, then the known datasets."""
    if overrides and name in overrides:
        return overrides[name]
    try:
        return KNOWN_MD5[dataset][name]
    except KeyError:
        raise DataError(
            f"no checksum known for {name!r} of dataset {dataset!r}: add it to the config's `md5` map"
        ) from None


def check_images_and_labels(images: np.ndarray, labels: np.ndarray, images_path: Path, labels_path: Path) -> None:
    """Images must be n x 28 x 28 and labels n numbers, as many as the images: a valid IDX file
    of other sizes (a custom dataset whose MD5 is given) would otherwise make a split that
    training cannot use."""
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise DataError(
            f"{images_path}: images of shape {images.shape[1:] if images.ndim == 3 else images.shape}, "
            f"expected {IMAGE_SIDE}x{IMAGE_SIDE} pixels each (an IDX image file of shape n x "
            f"{IMAGE_SIDE} x {IMAGE_SIDE})"
        )
    if labels.ndim != 1:
        raise DataError(
            f"{labels_path}: holds an array of shape {labels.shape}, expected one label per image (an IDX label file)"
        )
    if len(images) != len(labels):
        raise DataError(
            f"{images_path} holds {len(images):,} images but {labels_path} holds {len(labels):,} labels; "
            "expected one label per image"
        )


def load_split_files(data_dir: str | Path, dataset: str, md5: dict | None = None) -> dict[str, np.ndarray]:
    """The four MNIST-layout arrays of a folder, verified (checksums, 28x28 images, one label
    per image), as uint8."""
    data_dir = Path(data_dir)
    paths = {key: data_dir / f"{name}.gz" for key, name in SPLIT_FILES.items()}
    raw = {key: read_idx(paths[key], expected_md5(dataset, name, md5)) for key, name in SPLIT_FILES.items()}
    for part in ("train", "test"):
        check_images_and_labels(
            raw[f"{part}_images"], raw[f"{part}_labels"], paths[f"{part}_images"], paths[f"{part}_labels"]
        )
    return raw


def to_unit_float(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) -> float32 (n, 784) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / 255.0


def make_split(
    raw: dict[str, np.ndarray],
    val_size: int,
    seed: int,
    subset: dict | None = None,
) -> dict[str, np.ndarray]:
    """Split the training images into train/validation by a seeded permutation.

    The chosen indices (into the original training file) are returned with the data so
    anyone can reconstruct the split. `subset` (train/val/test counts) keeps the first
    n of each part, for quick runs.
    """
    n_train_file = len(raw["train_images"])
    if not 0 < val_size < n_train_file:
        raise ValueError(f"val_size must be in (0, {n_train_file}), got {val_size}")
    perm = np.random.default_rng(seed).permutation(n_train_file)
    parts = {
        "train": (raw["train_images"], raw["train_labels"], np.sort(perm[val_size:])),
        "val": (raw["train_images"], raw["train_labels"], np.sort(perm[:val_size])),
        "test": (raw["test_images"], raw["test_labels"], np.arange(len(raw["test_images"]))),
    }
    out = {}
    for part, (images, labels, idx) in parts.items():
        if subset and subset.get(part):
            idx = idx[: subset[part]]
        out[f"x_{part}"] = to_unit_float(images[idx])
        out[f"y_{part}"] = labels[idx].astype(np.int64)
        out[f"idx_{part}"] = idx.astype(np.int64)
    return out


# The out-of-distribution sets the anomaly figure knows (config `outside.dataset`): their files
# (a test split) and whether their images are stored transposed (EMNIST is).
OUTSIDE_FILES = {name: (k.outside_files, k.transposed) for name, k in KNOWN_DATASETS.items() if k.outside_files}


def load_outside(dataset: str, data_dir: str | Path, md5: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The out-of-distribution images of a known set (OUTSIDE_FILES) as float32 (n, 784) in [0, 1],
    in MNIST's orientation, and their labels (EMNIST letters: 1..26, 1 = a; MNIST: 0..9)."""
    if dataset not in OUTSIDE_FILES:
        raise DataError(f"outside.dataset: {dataset!r} is not a known set; choose one of {sorted(OUTSIDE_FILES)}")
    files, transposed = OUTSIDE_FILES[dataset]
    data_dir = Path(data_dir)
    images_path, labels_path = (data_dir / f"{files[k]}.gz" for k in ("images", "labels"))
    images = read_idx(images_path, expected_md5(dataset, files["images"], md5))
    labels = read_idx(labels_path, expected_md5(dataset, files["labels"], md5))
    check_images_and_labels(images, labels, images_path, labels_path)
    if transposed:
        images = np.ascontiguousarray(images.transpose(0, 2, 1))
    return to_unit_float(images), labels.astype(np.int64)


def load_letters(data_dir: str | Path, md5: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """EMNIST letters as float32 (n, 784) in [0, 1], labels 1..26 (1 = a; the shipped partial file holds 1..13).

    EMNIST stores images transposed relative to MNIST; they are transposed back here so
    every array in the project has the same orientation.
    """
    return load_outside("emnist-letters", data_dir, md5)


SPLIT_PARTS = ("train", "val", "test")


def load_split(path: str | Path, parts: tuple[str, ...] = SPLIT_PARTS) -> dict[str, np.ndarray]:
    """Read the split written by the `prepare_data` rule: x_, y_ and idx_ of each of `parts`.

    Asking for the parts a job uses saves reading the rest: the test part is 31 MB of the
    220 MB file, 0.08 s against 0.67 s for the whole split."""
    unknown = sorted(set(parts) - set(SPLIT_PARTS))
    if unknown:
        raise ValueError(f"unknown split part(s) {unknown}; choose from {SPLIT_PARTS}")
    with np.load(path) as npz:
        return {k: npz[k] for k in npz.files if k.split("_", 1)[1] in parts}
