"""Baselines and the choice of latent size (vaelab.analysis.selection)."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from vaelab.analysis.selection import choose_latent, mean_image_mse, pca_mse


def _images(n, d=64, rank=12, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, rank)) @ rng.random((rank, d)) / rank + 0.05 * rng.random((n, d))
    return np.clip(x, 0, 1).astype(np.float32)


@pytest.mark.parametrize("n_train", [500, 40])  # covariance solver; more features than images: full SVD
def test_pca_mse_of_one_fit_equals_a_separate_fit_per_size(n_train):
    x_train, x_test = _images(n_train), _images(200, seed=1)
    got = pca_mse(x_train, {"test": x_test}, [2, 5, 30])
    for k in (2, 5, 30):
        k_fit = min(k, n_train)
        p = PCA(n_components=k_fit, svd_solver="full").fit(x_train)
        want = float(((np.clip(p.inverse_transform(p.transform(x_test)), 0, 1) - x_test) ** 2).mean())
        assert got[k]["test"] == pytest.approx(want, rel=1e-4)
    assert got[2]["test"] > got[5]["test"] > got[30]["test"]


def test_mean_image_mse():
    x_train = np.array([[0.0, 1.0], [1.0, 1.0]])
    assert mean_image_mse(x_train, np.array([[0.5, 0.0]])) == pytest.approx(0.5)


def test_choose_latent_takes_the_smallest_size_within_tolerance():
    val_mse = {"ae": {2: 0.05, 10: 0.021, 50: 0.02}, "vae": {2: 0.06, 10: 0.031, 50: 0.03}}
    assert choose_latent(val_mse, tolerance=0.1) == 10
    assert choose_latent(val_mse, tolerance=0.0) == 50
