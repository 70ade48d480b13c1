import numpy as np
import pytest

from vaelab.analysis.denoising import add_gaussian_noise, add_noise, add_salt_pepper, denoising_curves, mean_psnr, psnr


def test_psnr_of_known_mse():
    assert psnr(0.01) == pytest.approx(20.0)
    assert psnr(0.001) == pytest.approx(30.0)
    assert psnr(0.25, peak=0.5) == pytest.approx(0.0)
    assert np.isinf(psnr(0.0))


def test_mean_psnr_averages_per_image_psnr():
    clean = np.zeros((2, 4), np.float32)
    noisy = np.array([[0.1] * 4, [0.01] * 4], np.float32)  # per-image MSE 1e-2 and 1e-4
    assert mean_psnr(noisy, clean) == pytest.approx((20.0 + 40.0) / 2, rel=1e-5)


def test_gaussian_noise_is_clipped_and_has_the_asked_spread():
    x = np.full((200, 784), 0.5, np.float32)
    noisy = add_gaussian_noise(x, 0.1, np.random.default_rng(0))
    assert noisy.min() >= 0 and noisy.max() <= 1
    assert noisy.std() == pytest.approx(0.1, rel=0.02)
    assert add_gaussian_noise(x, 5.0, np.random.default_rng(0)).max() == 1.0


def test_salt_pepper_hits_the_asked_fraction_with_black_and_white():
    x = np.full((100, 784), 0.5, np.float32)
    noisy = add_salt_pepper(x, 0.25, np.random.default_rng(0))
    hit = noisy != 0.5
    assert hit.mean() == pytest.approx(0.25, abs=0.01)
    assert set(np.unique(noisy[hit])) == {0.0, 1.0}
    assert (noisy[hit] == 1.0).mean() == pytest.approx(0.5, abs=0.02)
    assert np.array_equal(add_salt_pepper(x, 0.0, np.random.default_rng(0)), x)


def test_add_noise_is_seeded_per_setting():
    x = np.random.default_rng(1).random((5, 784)).astype(np.float32)
    a = add_noise(x, "gaussian", 0.25, seed=3)
    assert np.array_equal(a, add_noise(x, "gaussian", 0.25, seed=3))
    assert not np.array_equal(a, add_noise(x, "gaussian", 0.25, seed=4))
    assert not np.array_equal(a, add_noise(x, "gaussian", 0.5, seed=3))
    with pytest.raises(ValueError, match="unknown noise kind"):
        add_noise(x, "speckle", 0.1, seed=0)


def test_curves_score_noisy_input_and_each_reconstructor():
    x = np.full((50, 784), 0.5, np.float32)
    y = np.zeros(50, np.int64)
    recons = {
        "identity": lambda xn, yn: xn,
        "clean": lambda xn, yn: np.full_like(xn, 0.5),
        "grey": lambda xn, yn: np.full_like(xn, 0.6),
    }
    out = denoising_curves(x, y, recons, {"gaussian": [0.1, 0.2], "salt_pepper": [0.5]}, seed=0)
    assert out["noise"] == {"gaussian": [0.1, 0.2], "salt_pepper": [0.5]}
    assert out["mse_denoised"]["identity"] == out["mse_noisy"]
    assert out["mse_noisy"]["gaussian"][0] == pytest.approx(0.01, rel=0.03)
    assert out["mse_noisy"]["gaussian"][1] == pytest.approx(0.04, rel=0.03)
    # salt and pepper at 50%: half the pixels off by 0.5 -> MSE 0.125
    assert out["mse_noisy"]["salt_pepper"][0] == pytest.approx(0.125, rel=0.02)
    assert out["mse_denoised"]["grey"]["gaussian"] == pytest.approx([0.01, 0.01])
    assert out["psnr_denoised"]["grey"]["salt_pepper"] == pytest.approx([20.0])
    assert out["psnr_denoised"]["clean"]["gaussian"] == pytest.approx([100.0, 100.0])  # MSE floored at 1e-10
    # on clean inputs (sigma = 0): the identity is perfect, a constant 0.6 is off by 0.1 everywhere
    assert out["mse_clean"] == pytest.approx({"identity": 0.0, "clean": 0.0, "grey": 0.01})
    assert out["psnr_clean"]["grey"] == pytest.approx(20.0)


def test_median_filter_removes_isolated_salt_and_keeps_flat_regions():
    from vaelab.analysis.denoising import median_filter_reconstructor

    x = np.zeros((2, 784), np.float32)
    x[1, 28 * 10 : 28 * 20] = 1.0  # image 1: a white band of ten rows
    noisy = x.copy()
    noisy[0, 28 * 5 + 5] = 1.0  # one white pixel on black
    noisy[1, 28 * 15 + 14] = 0.0  # one black pixel inside the band
    out = median_filter_reconstructor(3)(noisy, np.zeros(2))
    assert out.shape == (2, 784) and out.dtype == np.float32
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(median_filter_reconstructor(1)(noisy, None), noisy)  # size 1: unchanged
    with pytest.raises(ValueError, match="size"):
        median_filter_reconstructor(0)
