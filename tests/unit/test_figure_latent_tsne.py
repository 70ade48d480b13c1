import json

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.figures import latent_tsne  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402

LABELS = np.array([0] * 30 + [1] * 10)  # the most common class: 30 of 40, chance 0.75
CLASSES = [str(c) for c in range(10)]


def _separable(offset: float = 0.0) -> np.ndarray:
    """Two far-apart clusters, one per class: every neighbour of a point is of its class."""
    rng = np.random.default_rng(0)
    return (100.0 * LABELS[:, None] + rng.random((len(LABELS), 3)) + offset).astype(np.float32)


def _latents(value):
    """One seed's runs in the config's order; `value(model, latent)` is that run's code."""
    return {(m, z): {"mu": value(m, z), "labels": LABELS} for m in ("ae", "vae") for z in (2, 10)}


def test_compute_on_separable_codes_and_pixels():
    by_seed = {0: _latents(lambda m, z: _separable(z)), 1: _latents(lambda m, z: _separable(-z))}
    numbers = latent_tsne.compute(by_seed, _separable(), LABELS, 10, 5, CLASSES, 0)
    assert numbers.knn_accuracy == {"ae": 1.0, "vae": 1.0}
    assert numbers.knn_accuracy_pixels == 1.0
    assert numbers.chance_accuracy == 0.75
    assert (numbers.n_test, numbers.k_neighbours, numbers.chosen_latent) == (40, 5, 10)
    assert numbers.models == ["ae", "vae"] and numbers.class_names == CLASSES


def test_compute_means_each_runs_accuracy_over_seeds(monkeypatch):
    # a stand-in classifier whose accuracy is the code's first number: the bookkeeping, by hand
    monkeypatch.setattr(latent_tsne, "knn_accuracy", lambda z, labels, k, seed: float(z[0, 0]))
    acc = {("ae", 2): 0.5, ("ae", 10): 0.8, ("vae", 2): 0.4, ("vae", 10): 0.9}

    def code(shift):
        return lambda m, z: np.full((len(LABELS), 2), acc[(m, z)] + shift)

    numbers = latent_tsne.compute(
        {3: _latents(code(0.0)), 1: _latents(code(0.1))}, np.zeros((40, 2)), LABELS, 2, 5, CLASSES, 0
    )
    assert numbers.seeds == [3, 1] and list(numbers.by_seed) == ["3", "1"]  # the config's order
    assert numbers.by_seed["1"].knn_accuracy == {"ae": pytest.approx(0.6), "vae": pytest.approx(0.5)}
    assert numbers.by_seed["3"].knn_accuracy_by_run == {"ae_z2": 0.5, "ae_z10": 0.8, "vae_z2": 0.4, "vae_z10": 0.9}
    assert numbers.knn_accuracy == {"ae": pytest.approx(0.55), "vae": pytest.approx(0.45)}  # chosen size 2
    assert numbers.knn_accuracy_by_run["vae_z10"] == pytest.approx(0.95)
    assert numbers.knn_accuracy_pixels == 0.0


def test_compute_refuses_latents_of_other_test_labels():
    by_seed = {0: _latents(lambda m, z: _separable())}
    with pytest.raises(ValueError, match="disagree on the test labels"):
        latent_tsne.compute(by_seed, _separable(), LABELS[::-1], 10, 5, CLASSES, 0)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = latent_tsne.compute({0: _latents(lambda m, z: _separable())}, _separable(), LABELS, 10, 5, CLASSES, 0)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("latent_tsne", saved)
    assert from_numbers(latent_tsne.Numbers, saved) == numbers
    saved["class_names"] = CLASSES[:9]
    with pytest.raises(NumbersError, match="class_names"):
        check_numbers("latent_tsne", saved)


def _two_seed_numbers():
    by_seed = {0: _latents(lambda m, z: _separable(z)), 1: _latents(lambda m, z: _separable(-z))}
    return latent_tsne.compute(by_seed, _separable(), LABELS, 10, 5, CLASSES, 0)


def test_maps_reads_each_models_map_and_refuses_one_of_other_latents(tmp_path):
    paths = []
    for m, latent in (("ae", 10), ("vae", 10)):
        paths.append(tmp_path / f"tsne_{m}.npz")
        np.savez(paths[-1], xy=np.full((len(LABELS), 2), latent), latent=latent, labels=LABELS)
    xy = latent_tsne.maps(paths, ["vae"], 10, LABELS)
    assert list(xy) == ["vae"] and xy["vae"].shape == (40, 2)
    with pytest.raises(ValueError, match="t-SNE of ae is not of these latents"):
        latent_tsne.maps(paths, ["vae"], 2, LABELS)
    with pytest.raises(ValueError, match="not of these latents"):
        latent_tsne.maps(paths, ["vae"], 10, LABELS[::-1])


def test_latent_sizes_are_the_runs_sizes_in_increasing_order():
    assert latent_tsne.latent_sizes(_two_seed_numbers()) == [2, 10]


def test_draw_maps_draws_one_titled_map_per_model_and_one_legend():
    numbers = _two_seed_numbers()
    fig, axes = plt.subplots(1, 2)
    latent_tsne.draw_maps(axes, {m: _separable()[:, :2] for m in numbers.models}, LABELS, numbers, "digit")
    assert [len(ax.collections[0].get_offsets()) for ax in axes] == [40, 40]
    assert axes[0].get_title() == "AE: 5-NN digit accuracy 1.000 ± 0.000"
    assert axes[0].get_legend() is None and len(axes[1].get_legend().get_texts()) == 10
    plt.close(fig)


def test_draw_accuracy_by_latent_draws_a_line_per_model_and_the_two_references():
    numbers = _two_seed_numbers()
    fig, ax = plt.subplots()
    latent_tsne.draw_accuracy_by_latent(ax, numbers, "digit")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["AE", "VAE", "raw pixels", "chance"]
    # each model: its mean line and a point set per seed; then the pixels and chance lines
    assert len(ax.lines) == 2 * (1 + 2) + 2
    assert list(ax.lines[0].get_xdata()) == [2, 10] and list(ax.lines[0].get_ydata()) == [1.0, 1.0]
    assert ax.lines[-1].get_ydata()[0] == 0.75  # chance
    plt.close(fig)
