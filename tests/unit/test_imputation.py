import numpy as np
import pytest
import torch

from vaelab import models
from vaelab.analysis.imputation import (
    choose_passes,
    fill_missing,
    impute,
    impute_knn,
    impute_mean_image,
    impute_passes,
    mean_interval,
    missing_mse,
    missing_mse_per_image,
    model_reconstructor,
    seeded_masks,
)
from vaelab.data.masks import MASK_KINDS, make_mask, random_training_mask


def test_impute_keeps_observed_pixels_exactly_and_fills_missing_from_the_model():
    rng = np.random.default_rng(0)
    x = rng.random((3, 784)).astype(np.float32)
    mask = seeded_masks("random", 3, seed=1)
    seen = []

    def reconstruct(inp):
        seen.append(inp.copy())
        return np.full_like(inp, 0.25)

    out = impute(reconstruct, x, mask, n_iter=2)
    assert np.array_equal(out[mask == 1], x[mask == 1])
    assert np.all(out[mask == 0] == 0.25)
    # the first pass sees missing pixels as 0, the second the first imputation
    assert np.all(seen[0][mask == 0] == 0) and np.array_equal(seen[0][mask == 1], x[mask == 1])
    assert np.all(seen[1][mask == 0] == 0.25)


def test_impute_with_a_real_model_keeps_observed_pixels():
    torch.manual_seed(0)
    model = models.build("vae", latent_dim=2, hidden=[16])
    x = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    mask = seeded_masks("square", 4, seed=0)
    out = impute(model_reconstructor(model), x, mask, n_iter=3)
    assert np.array_equal(out[mask == 1], x[mask == 1])
    assert not np.allclose(out[mask == 0], x[mask == 0])
    with pytest.raises(ValueError, match="unconditional"):
        model_reconstructor(models.build("cvae", latent_dim=2, hidden=[16]))


def test_missing_mse_ignores_observed_pixels():
    truth = np.zeros((2, 4))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], float)
    imputed = np.array([[9, 9, 1, 2], [9, 9, 9, 3]], float)  # observed errors must not count
    assert missing_mse(imputed, truth, mask) == pytest.approx((1 + 4 + 9) / 3)
    with pytest.raises(ValueError):
        missing_mse(imputed, truth, np.ones((2, 4)))


def test_mean_image_baseline():
    x = np.array([[0.2, 0.4, 0.6]], np.float32)
    mask = np.array([[1, 0, 0]], np.float32)
    out = impute_mean_image(x, mask, np.array([0.5, 0.5, 0.9]))
    assert out == pytest.approx(np.array([[0.2, 0.5, 0.9]]))
    assert fill_missing(x, mask, np.zeros_like(x)) == pytest.approx(np.array([[0.2, 0, 0]]))


def test_knn_baseline_copies_the_nearest_reference_images():
    # reference: two families; an image matching family B on its observed pixels gets B's missing pixels
    a = np.array([0.0, 0.0, 0.1, 0.1])
    b = np.array([1.0, 1.0, 0.9, 0.7])
    reference = np.stack([a] * 3 + [b] * 3).astype(np.float32)
    x = np.array([[1.0, 1.0, 0.0, 0.0]], np.float32)
    mask = np.array([[1, 1, 0, 0]], np.float32)
    out = impute_knn(reference, x, mask, n_neighbors=3)
    assert out == pytest.approx(np.array([[1.0, 1.0, 0.9, 0.7]]))


def test_masks_are_seeded_and_of_the_right_kind():
    half = seeded_masks("half", 2, seed=0).reshape(2, 28, 28)
    assert half[:, :14].min() == 1 and half[:, 14:].max() == 0
    square = seeded_masks("square", 1, seed=0).reshape(28, 28)
    assert square[7:21, 7:21].max() == 0 and square.sum() == 784 - 14 * 14
    r = seeded_masks("random", 50, seed=3)
    assert np.array_equal(r, seeded_masks("random", 50, seed=3))
    assert r.mean() == pytest.approx(0.5, abs=0.01)


def test_knn_baseline_matches_scikit_learns_knn_imputer():
    from sklearn.impute import KNNImputer

    rng = np.random.default_rng(0)
    reference = rng.random((60, 784)).astype(np.float32)
    x = rng.random((7, 784)).astype(np.float32)
    for kind in ("half", "square", "random"):
        mask = seeded_masks(kind, 7, seed=2)
        expected = KNNImputer(n_neighbors=5).fit(reference).transform(np.where(mask > 0, x, np.nan))
        assert np.allclose(impute_knn(reference, x, mask, n_neighbors=5, batch_size=3), expected, atol=1e-5)


def _training_mask_kind_by_kind(shape):
    """The imputation VAE's training masks built the plain way: one assignment per kind."""
    kinds = torch.randint(0, len(MASK_KINDS) + 1, (shape[0],))
    mask = torch.ones(shape)
    for i, kind in enumerate(MASK_KINDS, start=1):
        rows = kinds == i
        if rows.any():
            mask[rows] = make_mask(kind, int(rows.sum()))
    return mask


def test_training_masks_equal_the_kind_by_kind_construction_bit_for_bit():
    # same seed, same draws: training the imputation VAE gives the weights it gave before
    for seed in (0, 1, 2):
        torch.manual_seed(seed)
        expected = _training_mask_kind_by_kind((1024, 784))
        torch.manual_seed(seed)
        assert torch.equal(random_training_mask((1024, 784)), expected)


def test_training_masks_mix_unmasked_and_every_kind_in_quarters():
    torch.manual_seed(0)
    mask = random_training_mask((4000, 784))
    fixed = {"none": torch.ones(784), "half": make_mask("half", 1)[0], "square": make_mask("square", 1)[0]}
    counts = {name: int((mask == row).all(dim=1).sum()) for name, row in fixed.items()}
    counts["random"] = 4000 - sum(counts.values())
    assert set(mask.unique().tolist()) == {0.0, 1.0}
    assert all(900 < c < 1100 for c in counts.values()), counts


def test_impute_passes_are_the_imputations_after_each_pass():
    rng = np.random.default_rng(0)
    x = rng.random((4, 784)).astype(np.float32)
    mask = seeded_masks("half", 4, seed=0)
    shrink = lambda inp: 0.5 * inp + 0.1  # noqa: E731  a pass that changes the missing pixels each time
    passes = impute_passes(shrink, x, mask, 3)
    assert len(passes) == 3
    for k, imputed in enumerate(passes, start=1):
        np.testing.assert_array_equal(imputed, impute(shrink, x, mask, k))
    np.testing.assert_allclose(passes[1][mask == 0], 0.5 * 0.1 + 0.1)
    with pytest.raises(ValueError, match="passes"):
        impute_passes(shrink, x, mask, 0)


def test_choose_passes_takes_the_pass_with_the_lowest_error_and_fewer_on_ties():
    x = np.full((2, 784), 0.5, np.float32)
    mask = seeded_masks("square", 2, seed=0)
    # each pass moves the missing pixels (truth 0.5) halfway to 0.6: 0.3, 0.45, 0.525, 0.5625
    toward = lambda inp: inp + 0.5 * (0.6 - inp)  # noqa: E731
    best, mse = choose_passes(toward, x, mask, 4)
    assert best == 3 and mse == pytest.approx([0.2**2, 0.05**2, 0.025**2, 0.0625**2], rel=1e-4)
    best, _ = choose_passes(lambda inp: np.full_like(inp, 0.5), x, mask, 3)
    assert best == 1  # every pass is perfect: the fewest


def test_missing_mse_per_image_pools_to_missing_mse_for_equal_masks():
    rng = np.random.default_rng(0)
    x, imputed = rng.random((6, 784)), rng.random((6, 784))
    mask = seeded_masks("half", 6, seed=0)
    per_image = missing_mse_per_image(imputed, x, mask)
    assert per_image.shape == (6,)
    assert per_image[0] == pytest.approx(((imputed[0] - x[0]) ** 2)[mask[0] == 0].mean())
    assert per_image.mean() == pytest.approx(missing_mse(imputed, x, mask))


def test_mean_interval_is_the_normal_approximation():
    values = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    got = mean_interval(values)
    half = 1.96 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert got == pytest.approx({"mean": 2.5, "low": 2.5 - half, "high": 2.5 + half, "n": 4})
    with pytest.raises(ValueError, match="at least 2"):
        mean_interval(np.array([1.0]))


def test_knn_with_fewer_references_than_neighbours_is_an_error():
    with pytest.raises(ValueError, match="exceeds"):
        impute_knn(np.zeros((3, 784)), np.zeros((1, 784)), np.ones((1, 784)), n_neighbors=5)
