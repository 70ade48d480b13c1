import json

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab import models  # noqa: E402
from vaelab.analysis.denoising import add_noise  # noqa: E402
from vaelab.analysis.metrics import reconstruct_array  # noqa: E402
from vaelab.figures import denoising  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402

X = np.full((4, 784), 0.5, np.float32)  # flat grey images: a median filter gives them back exactly
Y = np.array([3, 1, 4, 1])
NOISE = {"gaussian": [0.1, 0.2], "salt_pepper": [0.5]}


def _curves(mse, psnr, clean):
    """One seed's made-up curves of models ae and vae; vae's errors are twice ae's."""
    return {
        "noise": NOISE,
        "mse_clean": {"ae": clean, "vae": 2 * clean},
        "psnr_clean": {"ae": 30.0, "vae": 20.0},
        "mse_noisy": {"gaussian": [0.01, 0.04], "salt_pepper": [0.12]},
        "psnr_noisy": {"gaussian": [20.0, 14.0], "salt_pepper": [9.0]},
        "mse_denoised": {
            m: {"gaussian": [f * mse, f * mse], "salt_pepper": [f * mse]} for m, f in (("ae", 1), ("vae", 2))
        },
        "psnr_denoised": {m: {"gaussian": [psnr, psnr], "salt_pepper": [psnr]} for m in ("ae", "vae")},
    }


def test_ordered_models():
    assert denoising.ordered_models({"zz", "cvae", "ae", "aa"}) == ["ae", "cvae", "aa", "zz"]


def test_compute_means_the_models_over_seeds_and_adds_the_median_filter():
    seed_curves = {2: _curves(0.01, 20.0, 0.001), 0: _curves(0.03, 24.0, 0.003)}
    numbers = denoising.compute(seed_curves, X, Y, 10, 3, 2, 0)
    assert numbers.models == ["ae", "vae"] and numbers.seeds == [2, 0]
    assert numbers.mse_denoised["ae"] == {"gaussian": pytest.approx([0.02, 0.02]), "salt_pepper": pytest.approx([0.02])}
    assert numbers.mse_denoised["vae"]["salt_pepper"] == pytest.approx([0.04])
    assert numbers.psnr_denoised["vae"]["gaussian"] == pytest.approx([22.0, 22.0])
    assert numbers.mse_clean["ae"] == pytest.approx(0.002) and numbers.mse_clean["vae"] == pytest.approx(0.004)
    assert numbers.psnr_clean["ae"] == 30.0
    # the median filter gives flat images back exactly: MSE 0, PSNR at its floor of 1e-10, 100 dB
    assert numbers.mse_clean["median"] == 0.0 and numbers.psnr_clean["median"] == pytest.approx(100.0)
    assert list(numbers.mse_denoised) == ["ae", "vae", "median"]
    assert numbers.mse_noisy == {"gaussian": [0.01, 0.04], "salt_pepper": [0.12]}
    # each seed's curves are the models' own, the median filter's not among them
    assert numbers.by_seed["0"].mse_denoised["ae"]["gaussian"] == [0.03, 0.03]
    assert list(numbers.by_seed["2"].mse_clean) == ["ae", "vae"]
    assert (numbers.chosen_latent, numbers.median_size, numbers.n_test) == (10, 3, 4)
    assert numbers.example_indices == [0, 1] and numbers.example_labels == [3, 1]


def test_curves_by_seed_runs_every_seeds_models_on_the_same_noise():
    torch.manual_seed(0)
    nets = {s: {m: models.build(m, latent_dim=2, hidden=[16]) for m in ("vae", "ae")} for s in (1, 0)}
    x = np.random.default_rng(0).random((6, 784)).astype(np.float32)
    y = np.zeros(6, int)
    out = denoising.curves_by_seed(x, y, nets, NOISE, 0)
    assert list(out) == [1, 0] and list(out[1]["mse_clean"]) == ["ae", "vae"]
    assert out[0]["mse_noisy"] == out[1]["mse_noisy"]  # the same noisy images for every seed
    assert out[1]["mse_clean"]["vae"] == pytest.approx(
        float(((reconstruct_array(nets[1]["vae"], x, y) - x) ** 2).mean())
    )
    assert out[0]["mse_clean"]["vae"] != out[1]["mse_clean"]["vae"]  # each seed's own networks

    numbers = denoising.compute(out, x, y, 2, 3, 2, 0)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("denoising", saved)
    assert from_numbers(denoising.Numbers, saved) == numbers
    del saved["by_seed"]["1"]["mse_clean"]
    with pytest.raises(NumbersError, match=r"'by_seed\.1' lacks 'mse_clean'"):
        check_numbers("denoising", saved)


def test_reconstructors_are_the_models_then_the_median_filter():
    net = models.build("ae", latent_dim=2, hidden=[16])
    methods = denoising.reconstructors({"ae": net}, 3)
    assert list(methods) == ["ae", "median"]
    np.testing.assert_array_equal(methods["median"](X, Y), X)
    np.testing.assert_array_equal(methods["ae"](X, Y), reconstruct_array(net, X, Y))


def test_method_and_level_labels():
    assert [denoising.method_label(m, 3) for m in ("ae", "cvae", "new", "median")] == [
        "AE",
        "CVAE",
        "NEW",  # as every figure names a model: vaelab.runs.model_label
        "median 3×3",
    ]
    assert denoising.level_label("gaussian", 0.25) == "σ = 0.25"
    assert denoising.level_label("salt_pepper", 0.1) == "10% of pixels"


def test_example_blocks_show_clean_noisy_and_each_methods_output_per_level():
    methods = {"same": lambda x, y: x, "black": lambda x, y: np.zeros_like(x)}
    blocks = denoising.example_blocks(X[:2], Y[:2], "gaussian", [0.1, 0.2], methods, seed=0)
    assert len(blocks) == 2 and all(len(rows) == 4 for rows in blocks)
    clean, noisy, same, black = blocks[1]
    np.testing.assert_array_equal(clean, X[:2])
    np.testing.assert_array_equal(noisy, add_noise(X[:2], "gaussian", 0.2, 0))  # the curves' noisy images
    np.testing.assert_array_equal(same, noisy)
    assert not black.any()


def test_the_panels_draw_every_method():
    seed_curves = {2: _curves(0.01, 20.0, 0.001), 0: _curves(0.03, 24.0, 0.003)}
    numbers = denoising.compute(seed_curves, X, Y, 10, 3, 2, 0)
    fig, axes = plt.subplots(3)
    denoising.draw_curves(axes[0], numbers, seed_curves, "mse", "gaussian", legend=True)
    # the noisy input, each model's mean and its two seeds, the median filter
    assert len(axes[0].lines) == 1 + 2 * 3 + 1
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["noisy input", "AE", "VAE", "median 3×3 filter"]
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["0", "0.1", "0.2"]
    assert axes[0].get_yscale() == "log"
    denoising.draw_curves(axes[1], numbers, seed_curves, "psnr", "salt_pepper")
    assert axes[1].get_yscale() == "linear" and axes[1].get_legend() is None
    assert list(axes[1].lines[1].get_ydata()) == [30.0, 22.0]  # the AE's mean: on clean images, then at 50%

    methods = {m: lambda x, y: x for m in [*numbers.models, "median"]}
    blocks = denoising.example_blocks(X[:2], Y[:2], "gaussian", NOISE["gaussian"], methods, seed=0)
    denoising.draw_examples(axes[2], numbers, "gaussian", blocks, "digit")
    assert [t.get_text() for t in axes[2].get_xticklabels()] == ["σ = 0.1", "σ = 0.2"]
    rows = [t.get_text() for t in axes[2].get_yticklabels()]
    assert rows == ["clean", "noisy", "AE output", "VAE output", "median 3×3 output"]
    assert axes[2].get_title().startswith("Gaussian noise: the first 2 test digits at each level")
    plt.close(fig)
