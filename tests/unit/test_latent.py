import numpy as np
import pytest
import torch

from vaelab.analysis import latent
from vaelab.models.autoencoders import build


def clusters(n_per_class=60, n_classes=10, dim=5, spread=0.1, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=10.0, size=(n_classes, dim))
    labels = np.repeat(np.arange(n_classes), n_per_class)
    return centres[labels] + rng.normal(scale=spread, size=(len(labels), dim)), labels


def test_knn_accuracy_separable_clusters_is_near_one():
    z, labels = clusters()
    assert latent.knn_accuracy(z, labels, k=5) > 0.98


def test_knn_accuracy_random_labels_is_near_chance():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(2000, 5))
    labels = rng.integers(0, 10, size=2000)
    assert abs(latent.knn_accuracy(z, labels, k=5) - 0.1) < 0.04


def test_knn_accuracy_needs_enough_points():
    with pytest.raises(ValueError):
        latent.knn_accuracy(np.zeros((6, 2)), np.zeros(6, dtype=int), k=5)


def test_chance_accuracy_is_the_largest_class_share():
    assert latent.chance_accuracy(np.array([0, 0, 0, 1, 2, 2])) == pytest.approx(0.5)


def test_latent_grid_reads_like_an_image():
    points, values = latent.latent_grid(n=3, limit=2.0)
    np.testing.assert_allclose(values, [-2, 0, 2])
    assert points.shape == (9, 2)
    # first row: top of the image, largest z2; z1 grows left to right
    np.testing.assert_allclose(points[:3], [[-2, 2], [0, 2], [2, 2]])
    np.testing.assert_allclose(points[-1], [2, -2])
    assert len(np.unique(points, axis=0)) == 9


def test_interpolation_endpoints_and_even_steps():
    a, b = np.array([1.0, -2.0, 3.0]), np.array([-1.0, 2.0, 0.0])
    path = latent.interpolate(a, b, n_steps=5)
    assert path.shape == (5, 3)
    np.testing.assert_allclose(path[0], a)
    np.testing.assert_allclose(path[-1], b)
    np.testing.assert_allclose(path[2], (a + b) / 2)
    steps = np.diff(path, axis=0)
    np.testing.assert_allclose(steps, np.tile((b - a) / 4, (4, 1)), atol=1e-6)
    with pytest.raises(ValueError):
        latent.interpolate(a, b, n_steps=1)


def test_digit_pairs_use_each_digit_once_for_five_pairs():
    labels = np.repeat(np.arange(10), 7)
    pairs = latent.digit_pairs(labels, n_pairs=5, seed=3)
    assert len(pairs) == 5
    digits = [labels[i] for pair in pairs for i in pair]
    assert sorted(digits) == list(range(10))
    assert all(labels[i] != labels[j] for i, j in pairs)
    assert pairs == latent.digit_pairs(labels, n_pairs=5, seed=3)


def test_digit_pairs_beyond_five_still_differ():
    labels = np.array([0, 1, 2, 0, 1, 2])
    pairs = latent.digit_pairs(labels, n_pairs=4, seed=0)
    assert len(pairs) == 4 and all(labels[i] != labels[j] for i, j in pairs)


@pytest.mark.parametrize("name", ["ae", "cvae"])
def test_decode_matches_the_model(name):
    torch.manual_seed(0)
    model = build(name, latent_dim=2, hidden=[16]).eval()
    z = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    images = latent.decode(model, z, digit=4 if name == "cvae" else None, batch_size=2)
    y = torch.full((5,), 4) if name == "cvae" else None
    expected = model.decode(torch.from_numpy(z), y).detach().numpy()
    assert images.shape == (5, 784)
    np.testing.assert_allclose(images, expected, rtol=1e-6)


def test_decode_cvae_needs_a_digit():
    model = build("cvae", latent_dim=2, hidden=[16])
    with pytest.raises(ValueError):
        latent.decode(model, np.zeros((1, 2), dtype=np.float32))


def test_step_changes_are_even_on_a_linear_fade_and_spike_on_a_jump():
    a, b = np.zeros(784), np.ones(784)
    fade = np.stack([(1 - t) * a + t * b for t in np.linspace(0, 1, 5)])
    np.testing.assert_allclose(latent.step_changes(fade), np.full(4, 0.0625))
    jump = np.stack([a, a, b, b])
    np.testing.assert_allclose(latent.step_changes(jump), [0.0, 1.0, 0.0])


def test_midpoints_are_halfway_between_each_pair():
    z = np.array([[0.0, 0.0], [2.0, 4.0], [-2.0, 1.0]])
    got = latent.midpoints(z, [(0, 1), (1, 2)])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [[1.0, 2.0], [0.0, 2.5]])
    path = latent.interpolate(z[1], z[2], 3)  # an odd number of steps passes through the midpoint
    np.testing.assert_allclose(got[1], path[1])
