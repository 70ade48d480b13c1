import json
import math
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.figures import latent_grid_2d  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402

PLAIN, CONDITIONAL = SimpleNamespace(conditional=False), SimpleNamespace(conditional=True)
# the AE's latent means: (4, 0) lies outside [-3, 3]^2, (3, 3) on its corner counts as inside
AE_MU = np.array([[0.0, 0.0], [4.0, 0.0], [1.0, -1.0], [3.0, 3.0]])
VAE_MU = np.array([[0.5, 0.5], [-0.5, -0.5]])


def test_share_inside_counts_the_border_as_inside():
    assert latent_grid_2d.share_inside(AE_MU, 3.0) == 0.75
    assert latent_grid_2d.share_inside(AE_MU, 0.5) == 0.25
    assert latent_grid_2d.share_inside(AE_MU, 5.0) == 1.0


def test_compute_the_grid_and_where_the_latent_means_lie():
    nets = {"ae": PLAIN, "vae": PLAIN, "cvae": CONDITIONAL}
    numbers = latent_grid_2d.compute(nets, {"ae": AE_MU, "vae": VAE_MU}, n_grid=3, limit=3, cvae_labels=[0, 4])
    assert numbers.n_grid == 3 and numbers.limit == 3.0 and isinstance(numbers.limit, float)
    assert numbers.grid_values == [-3.0, 0.0, 3.0]
    assert numbers.cvae_labels == [0, 4]
    assert list(numbers.latent_stats) == ["ae", "vae"]
    ae = numbers.latent_stats["ae"]
    # dimension 1: 0, 4, 1, 3 (mean 2, variance 10/4); dimension 2: 0, 0, -1, 3 (mean 1/2, variance 9/4)
    assert ae.mean == [2.0, 0.5]
    assert ae.std == pytest.approx([math.sqrt(2.5), 1.5])
    assert ae.share_inside_grid == 0.75
    assert numbers.latent_stats["vae"].share_inside_grid == 1.0
    assert numbers.latent_stats["vae"].std == [0.5, 0.5]
    assert numbers.ae_latent_mean == ae.mean and numbers.ae_latent_std == ae.std


def test_without_a_conditional_model_or_an_ae():
    numbers = latent_grid_2d.compute({"vae": PLAIN}, {"vae": VAE_MU}, n_grid=5, limit=1.0, cvae_labels=[0, 4])
    assert numbers.cvae_labels == []  # no conditional model: no labels decoded
    assert numbers.grid_values == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert numbers.ae_latent_mean is None and numbers.ae_latent_std is None


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = latent_grid_2d.compute(
        {"ae": PLAIN, "cvae": CONDITIONAL}, {"ae": AE_MU}, n_grid=3, limit=3.0, cvae_labels=[7]
    )
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("latent_grid_2d", saved)
    assert from_numbers(latent_grid_2d.Numbers, saved) == numbers
    check_numbers("latent_grid_2d", {**saved, "ae_latent_mean": None, "ae_latent_std": None})
    with pytest.raises(NumbersError, match=r"'latent_stats\.ae' lacks 'share_inside_grid'"):
        del saved["latent_stats"]["ae"]["share_inside_grid"]
        check_numbers("latent_grid_2d", saved)


def test_decoded_grids_one_per_plain_model_and_one_per_label_of_a_conditional_one(monkeypatch):
    # a stand-in decoder: every image is the label it was decoded with (-1: none)
    def decode(net, z, digit=None):
        return np.full((len(z), 784), -1.0 if digit is None else digit)

    monkeypatch.setattr(latent_grid_2d, "decode", decode)
    nets = {"ae": PLAIN, "cvae": CONDITIONAL, "vae": PLAIN}
    grids = latent_grid_2d.decoded_grids(nets, n_grid=3, limit=2.0, cvae_labels=[0, 7])
    assert list(grids) == [("ae", None), ("vae", None), ("cvae", 0), ("cvae", 7)]
    assert grids[("ae", None)].shape == (9, 784)
    assert grids[("cvae", 0)][0, 0] == 0 and grids[("cvae", 7)][0, 0] == 7 and grids[("vae", None)][0, 0] == -1


def test_draw_grid_centres_each_image_on_its_grid_point():
    numbers = latent_grid_2d.compute({"ae": PLAIN}, {"ae": AE_MU}, n_grid=3, limit=3.0, cvae_labels=[])
    fig, ax = plt.subplots()
    latent_grid_2d.draw_grid(ax, np.zeros((9, 784)), numbers, "AE")
    (image,) = ax.images
    assert image.get_array().shape == (3 * 28, 3 * 28)
    assert image.get_extent() == [-4.5, 4.5, -4.5, 4.5]  # grid points 3 apart: half a step beyond +-3
    assert list(ax.get_xticks()) == [-3, -2, -1, 0, 1, 2, 3]
    plt.close(fig)


def test_draw_latent_means_outlines_the_decoded_square_and_shows_every_point():
    numbers = latent_grid_2d.compute({"ae": PLAIN}, {"ae": AE_MU}, n_grid=3, limit=3.0, cvae_labels=[])
    fig, ax = plt.subplots()
    latents = {"mu": AE_MU, "labels": np.array([0, 1, 2, 3])}
    latent_grid_2d.draw_latent_means(ax, "ae", latents, numbers, [str(c) for c in range(10)], "digit", legend=True)
    (square,) = ax.patches
    assert (square.get_x(), square.get_y(), square.get_width()) == (-3.0, -3.0, 6.0)
    assert ax.get_xlim()[1] > 4.0  # the point at (4, 0), outside the square, stays in view
    assert "75% inside the decoded square" in ax.get_title()
    assert len(ax.get_legend().get_texts()) == 10
    plt.close(fig)
