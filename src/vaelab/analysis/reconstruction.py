"""What the reconstruction figures compute: which test images to show and their
reconstructions, by a model or by PCA."""

from __future__ import annotations

import numpy as np


def first_of_each_class(labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Index of the first image of each class 0..n_classes-1, in class order."""
    labels = np.asarray(labels)
    missing = [c for c in range(n_classes) if not np.any(labels == c)]
    if missing:
        raise ValueError(f"no image of class(es) {missing}")
    return np.array([int(np.argmax(labels == c)) for c in range(n_classes)], dtype=np.int64)


def random_of_each_class(labels: np.ndarray, per_class: int, seed: int, n_classes: int = 10) -> np.ndarray:
    """Indices of `per_class` distinct images of each class 0..n_classes-1, drawn at random with
    `seed`, class by class: a sample that weighs the classes equally, which n random images
    need not (a few draws can miss the harder digits)."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    short = [c for c in range(n_classes) if np.sum(labels == c) < per_class]
    if short:
        raise ValueError(f"fewer than {per_class} image(s) of class(es) {short}")
    picks = [np.sort(rng.choice(np.flatnonzero(labels == c), per_class, replace=False)) for c in range(n_classes)]
    return np.concatenate(picks).astype(np.int64)


def seeded_pick(n_total: int, n: int, seed: int) -> np.ndarray:
    """`n` distinct indices into range(n_total), drawn with `seed`, in ascending order."""
    if not 0 < n <= n_total:
        raise ValueError(f"cannot pick {n} of {n_total}")
    return np.sort(np.random.default_rng(seed).choice(n_total, size=n, replace=False)).astype(np.int64)


def reconstruct(model, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reconstructions from z = mu, per-image MSE) of images x with labels y, as numpy."""
    import torch

    from vaelab.analysis.metrics import per_image_mse, reconstruct_array

    recon = reconstruct_array(model, x, y)
    return recon, per_image_mse(torch.from_numpy(recon), torch.from_numpy(np.asarray(x, dtype=np.float32))).numpy()


def pca_reconstruct(x_train: np.ndarray, x: np.ndarray, n_components: int, seed: int = 0) -> np.ndarray:
    """x reconstructed from its first `n_components` principal components (fitted on x_train),
    clipped to [0, 1] as in selection.pca_mse."""
    from vaelab.analysis.embedding import pca

    p = pca(x_train, n_components, seed)
    return np.clip(p.inverse_transform(p.transform(x)), 0, 1)
