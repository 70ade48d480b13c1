import json

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab import models  # noqa: E402
from vaelab.figures import compression  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402

# made-up test MSE per (model, latent) of seed 0; seed 1 adds 0.002 everywhere
MSE = {("ae", 2): 0.05, ("ae", 10): 0.02, ("vae", 2): 0.06, ("vae", 10): 0.04}
# PCA is worse than the VAE at latent size 2, better at 10
BASELINES = {"pca": {"2": {"test_mse": 0.07}, "10": {"test_mse": 0.03}}, "mean_image": {"test_mse": 0.1}}
Y_TEST = np.array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 1])  # the first of class c is at 9 - c


def _runs(offset=0.0, kl=5.0):
    """One seed's metrics: the AE has no KL term (null), the VAE's is `kl` nats at every size."""
    return {(m, z): {"test_mse": mse + offset, "test_kl": kl if m == "vae" else None} for (m, z), mse in MSE.items()}


def _compute(target_latent=8):
    return compression.compute({0: _runs(), 1: _runs(0.002, kl=7.0)}, BASELINES, Y_TEST, target_latent)


def test_compute_picks_the_latent_nearest_the_target_and_its_rates():
    numbers = _compute()
    assert numbers.latent_used == 10  # 8 is nearer 10 than 2 on a log scale
    assert numbers.compression_ratio == pytest.approx(78.4)
    assert numbers.compression_ratio_bits == pytest.approx(784 * 8 / 320)
    assert numbers.compression_ratio_bits_cvae == pytest.approx(784 * 8 / (320 + np.log2(10)))
    assert numbers.kl_nats == {"vae": pytest.approx(6.0)}  # mean of 5 and 7; the AE has none
    assert _compute(target_latent=3).latent_used == 2


def test_compute_means_over_seeds_and_keeps_each_seeds_errors():
    numbers = _compute()
    assert numbers.test_mse["ae"] == {"2": pytest.approx(0.051), "10": pytest.approx(0.021)}
    assert numbers.by_seed["1"].test_mse["vae"]["10"] == pytest.approx(0.042)
    assert numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    assert numbers.pca_test_mse == {"2": 0.07, "10": 0.03}
    assert numbers.vae_worse_than_pca_at == [10]  # 0.041 > 0.03; at 2, 0.061 < 0.07
    assert numbers.mean_image_test_mse == 0.1


def test_compute_shows_the_first_test_image_of_each_class():
    numbers = _compute()
    assert numbers.test_indices == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert numbers.labels == list(range(10))


def test_reconstructions_by_each_model_then_pca():
    torch.manual_seed(0)
    net = models.build("ae", latent_dim=2, hidden=[16])
    rng = np.random.default_rng(0)
    # training images in a 2-D subspace: PCA with 2 components gives them back exactly
    x_train = (0.5 + 0.1 * rng.standard_normal((50, 2)) @ rng.standard_normal((2, 784)) / 10).astype(np.float32)
    shown = compression.reconstructions({"ae": net}, x_train, x_train[:3], np.zeros(3, int), latent=2, seed=0)
    assert list(shown) == ["ae", "pca"]
    assert shown["ae"].shape == (3, 784)
    np.testing.assert_allclose(shown["pca"], np.clip(x_train[:3], 0, 1), atol=1e-5)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = _compute()
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("compression", saved)
    assert from_numbers(compression.Numbers, saved) == numbers
    saved["by_seed"]["seed1"] = saved["by_seed"].pop("1")
    with pytest.raises(NumbersError, match="seed"):
        check_numbers("compression", saved)


def test_rate_text_gives_the_bits_and_each_models_kl():
    text = compression.rate_text(_compute())
    assert text.startswith("a code of 10 float32 numbers (320 bits) for 784 8-bit pixels (6272 bits)")
    assert "19.6× fewer bits (CVAE, with its label: 19.4×)" in text
    assert text.endswith("rate as KL to the prior: VAE 6.0 nats (8.7 bits)")


def test_draw_rate_distortion_draws_each_curve_and_marks_where_the_vae_is_worse():
    fig, ax = plt.subplots()
    compression.draw_rate_distortion(ax, _compute(), [2, 10])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["AE", "VAE", "PCA", "mean image", "VAE worse than PCA"]
    # each model's mean and its two seeds' markers, PCA, the mean image, the latent size shown, the red ring
    assert len(ax.lines) == 2 * 3 + 1 + 1 + 1 + 1
    (ring,) = [line for line in ax.lines if line.get_label() == "VAE worse than PCA"]
    assert list(ring.get_xdata()) == [10] and ring.get_ydata()[0] == pytest.approx(0.041)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "10"]
    plt.close(fig)
