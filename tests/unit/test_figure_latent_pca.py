import json

import numpy as np
import pytest

from vaelab.figures import latent_pca
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers

# four latent means, centred, their axes uncorrelated: PC1 is the first axis (variance 20/3), PC2
# the second (1/3); class 0 lies at -3 and -1 along PC1, class 1 at 1 and 3
MU = np.array([[-3.0, 0.5], [-1.0, -0.5], [1.0, -0.5], [3.0, 0.5]])
LABELS = np.array([0, 0, 1, 1])


def test_compute_projects_each_model_and_summarises_pc1_per_class():
    latents = {"ae": {"mu": MU, "labels": LABELS}, "vae": {"mu": 2 * MU, "labels": LABELS}}
    with pytest.warns(RuntimeWarning):  # class 2 has no test image: its mean and spread are NaN
        numbers = latent_pca.compute(latents, chosen_latent=2, seed=0, n_classes=3)
    assert numbers.chosen_latent == 2 and numbers.models == ["ae", "vae"] and numbers.n_test == 4
    assert numbers.explained_variance_ratio["ae"] == pytest.approx([20 / 21, 1 / 21])
    assert numbers.pc1_mean_per_class["ae"][:2] == pytest.approx([-2.0, 2.0])
    assert numbers.pc1_std_per_class["ae"][:2] == pytest.approx([1.0, 1.0])
    assert numbers.pc1_mean_per_class["vae"][:2] == pytest.approx([-4.0, 4.0])
    assert numbers.pc1_std_per_class["vae"][:2] == pytest.approx([2.0, 2.0])
    assert np.isnan(numbers.pc1_mean_per_class["ae"][2])


def test_pc1_densities_pad_the_grid_by_a_tenth():
    grid, density = latent_pca.pc1_densities(MU[:, 0], LABELS, n_classes=3)
    assert grid[0] == pytest.approx(-3.6) and grid[-1] == pytest.approx(3.6) and len(grid) == 300
    assert density.shape == (3, 300) and np.isnan(density[2]).all()
    assert grid[density[0].argmax()] == pytest.approx(-2, abs=0.05)


def test_its_json_has_the_declared_shape_and_reads_back():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 5)
    numbers = latent_pca.compute({"ae": {"mu": rng.normal(size=(50, 3)), "labels": labels}}, 3, 0, 10)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("latent_pca", saved)
    assert from_numbers(latent_pca.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'pc1_std_per_class\.ae' must be \[number or null\] of 10"):
        check_numbers("latent_pca", {**saved, "pc1_std_per_class": {"ae": [0.5] * 9}})


def test_pca_2d_finds_the_long_axis_and_fixes_sign():
    rng = np.random.default_rng(0)
    z = np.zeros((500, 3))
    z[:, 2] = rng.normal(scale=10.0, size=500)
    z[:, 0] = rng.normal(scale=1.0, size=500)
    xy, ratio = latent_pca.pca_2d(z, seed=0)
    assert xy.shape == (500, 2)
    assert ratio[0] > 0.95 and ratio[0] + ratio[1] == pytest.approx(1.0, abs=1e-6)
    # PC1 follows z[:, 2] with a positive sign, whatever the solver chose
    assert np.corrcoef(xy[:, 0], z[:, 2])[0, 1] > 0.99
    with pytest.raises(ValueError):
        latent_pca.pca_2d(z[:, :1], seed=0)


def test_digit_densities_integrate_to_one_and_mark_absent_digits():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(-3, 0.5, 200), rng.normal(3, 0.5, 200)])
    labels = np.repeat([0, 1], 200)
    grid = np.linspace(-8, 8, 801)
    dens = latent_pca.digit_densities(values, labels, grid, n_classes=10)
    assert dens.shape == (10, 801)
    np.testing.assert_allclose(np.trapezoid(dens[:2], grid, axis=1), 1.0, atol=1e-3)
    assert grid[dens[0].argmax()] == pytest.approx(-3, abs=0.3)
    assert grid[dens[1].argmax()] == pytest.approx(3, abs=0.3)
    assert np.isnan(dens[2:]).all()
