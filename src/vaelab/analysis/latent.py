"""What the latent spaces hold: digit separation, decoded grids and straight-line paths.
(The PCA projection the latent_pca figure draws is in vaelab.figures.latent_pca.)"""

from __future__ import annotations

import numpy as np
import torch


def knn_accuracy(z: np.ndarray, labels: np.ndarray, k: int, seed: int = 0) -> float:
    """Share of digits a k-nearest-neighbour classifier gets right in the space `z`:
    fitted on a random half of the points, scored on the other half."""
    from sklearn.neighbors import KNeighborsClassifier

    if len(z) < 2 * k:
        raise ValueError(f"need at least {2 * k} points for k={k}, got {len(z)}")
    order = np.random.default_rng(seed).permutation(len(z))
    fit, held = order[: len(z) // 2], order[len(z) // 2 :]
    clf = KNeighborsClassifier(n_neighbors=k).fit(z[fit], labels[fit])
    return float(clf.score(z[held], labels[held]))


def chance_accuracy(labels: np.ndarray) -> float:
    """Accuracy of always guessing the most common label: the floor for knn_accuracy."""
    return float(np.bincount(labels).max() / len(labels))


def latent_grid(n: int, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """(n*n, 2) points of an n x n grid over [-limit, limit]^2, and the n values along each axis.

    Points run row by row as an image is read: the first row has the largest z2, and z1 grows
    left to right, so `plotting.tile(decoded, n)` puts each image at its (z1, z2) position.
    """
    values = np.linspace(-limit, limit, n)
    z1, z2 = np.meshgrid(values, values[::-1])
    return np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32), values


def interpolate(z_a: np.ndarray, z_b: np.ndarray, n_steps: int) -> np.ndarray:
    """(n_steps, d) points on the straight line from z_a to z_b, both ends included."""
    if n_steps < 2:
        raise ValueError(f"n_steps must be at least 2, got {n_steps}")
    t = np.linspace(0.0, 1.0, n_steps)[:, None]
    z_a, z_b = np.asarray(z_a, dtype=np.float32), np.asarray(z_b, dtype=np.float32)
    return ((1 - t) * z_a + t * z_b).astype(np.float32)


def digit_pairs(labels: np.ndarray, n_pairs: int, seed: int = 0) -> list[tuple[int, int]]:
    """`n_pairs` pairs of indices (i, j) into `labels` with labels[i] != labels[j].

    The ten digits are shuffled and paired off, so 5 pairs use each digit once; each
    index is a random image of its digit.
    """
    rng = np.random.default_rng(seed)
    present = np.unique(labels)
    if len(present) < 2:
        raise ValueError("need at least two different labels")
    pairs: list[tuple[int, int]] = []
    while len(pairs) < n_pairs:
        digits = rng.permutation(present)
        for a, b in zip(digits[0::2], digits[1::2]):
            if len(pairs) < n_pairs:
                pairs.append(
                    (int(rng.choice(np.flatnonzero(labels == a))), int(rng.choice(np.flatnonzero(labels == b))))
                )
    return pairs


@torch.no_grad()
def decode(model, z: np.ndarray, digit: int | None = None, batch_size: int = 2048) -> np.ndarray:
    """Decode latent points to (n, 784) images; `digit` is the CVAE's condition for every point."""
    model.eval()
    dtype = next(model.parameters()).dtype
    z = torch.as_tensor(np.asarray(z), dtype=dtype)
    y = None
    if model.conditional:
        if digit is None:
            raise ValueError("a conditional model needs the digit to decode")
        y = torch.full((len(z),), int(digit), dtype=torch.long)
    out = [
        model.decode(z[i : i + batch_size], None if y is None else y[i : i + batch_size])
        for i in range(0, len(z), batch_size)
    ]
    return torch.cat(out).numpy()


def midpoints(z: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """(len(pairs), d) codes halfway (t = 0.5) between z[i] and z[j] for each pair (i, j): where
    a straight path is farthest from both ends, so where a gap in the code space would show."""
    z = np.asarray(z, dtype=np.float32)
    i, j = np.asarray(pairs, dtype=np.int64).reshape(-1, 2).T
    return (0.5 * (z[i] + z[j])).astype(np.float32)


def step_changes(images: np.ndarray) -> np.ndarray:
    """(n_steps, 784) images along a path -> (n_steps - 1,) mean squared pixel change between
    neighbours: even values mean a smooth morph, one large value an abrupt switch."""
    images = np.asarray(images, dtype=np.float64)
    return np.mean(np.diff(images, axis=0) ** 2, axis=1)
