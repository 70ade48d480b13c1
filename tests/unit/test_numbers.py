"""Every figure's numbers have a declared shape; save_figure refuses numbers of another shape,
naming the figure and the key, and writes nothing. (The smoke run's real numbers are checked
against these shapes in test_pipeline.py.)"""

from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.publish.figures import save_figure  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers, declared_figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIGURE_TABLE = ROOT / "config" / "figures.yaml"

SHARE = {"share": 0.5, "low": 0.47, "high": 0.53, "n": 1000}
GENERATION = {
    "chosen_latent": 10,
    "classifier_test_accuracy": 0.98,
    "n_samples": 1000,
    "n_per_class": 100,
    "mixture_components": 10,
    "sources": {"ae": "AE, z ~ N(0, I)", "vae": "VAE, z ~ N(0, I)"},
    "mean_confidence": {"ae": 0.7, "vae": 0.9},
    "share_confident": {"ae": 0.5, "vae": 0.8},
    "share_confident_pooled": {"ae": SHARE, "vae": SHARE},
    "cvae_conditional_accuracy": None,
    "cvae_conditional_pooled": None,
    "cvae_accuracy_per_class": None,
    "cvae_accuracy_per_class_pooled": None,
    "seeds": [0, 1],
    "by_seed": {
        s: {
            "mean_confidence": {"ae": 0.7, "vae": 0.9},
            "share_confident": {"ae": 0.5, "vae": 0.8},
            "share_confident_interval": {"ae": [0.47, 0.53], "vae": [0.77, 0.83]},
            "cvae_conditional_accuracy": None,
            "cvae_accuracy_per_class": None,
        }
        for s in ("0", "1")
    },
}


def test_every_notebook_has_a_shape_and_every_shape_a_notebook():
    """A figure is named after its notebook (metrics_table included, which writes its JSON itself)."""
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert len(notebooks) >= 16
    assert notebooks == declared_figures()


@pytest.mark.skipif(
    not FIGURE_TABLE.exists(), reason="config/figures.yaml (the table of figures) is not in this tree yet"
)
def test_every_figure_of_the_figure_table_has_a_shape():
    table = yaml.safe_load(FIGURE_TABLE.read_text())
    names = {figure["name"] for section in table["sections"] for figure in section["figures"]}
    assert len(names) >= 16 and names <= declared_figures(), sorted(names - declared_figures())


def test_numbers_of_the_declared_shape_pass():
    check_numbers("generation", GENERATION)
    check_numbers("generation", {**GENERATION, "cvae_conditional_accuracy": 0.9, "cvae_accuracy_per_class": [0.9] * 10})


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"share_confident": [0.5, 0.8]},
            r"^generation\.json numbers: 'share_confident' must be \{sample source: number\}, got list$",
        ),
        ({"share_confident": {"ae": "high"}}, r"'share_confident\.ae' must be number, got str"),
        (
            {"cvae_accuracy_per_class": [0.9] * 9},
            r"'cvae_accuracy_per_class' must be \[number\] of 10 or null, got list",
        ),
        ({"extra": 1}, r"the top level has undeclared 'extra'"),
        ({"chosen_latent": 2.5}, r"'chosen_latent' must be integer, got float"),
    ],
)
def test_a_wrong_shape_is_named_by_its_key(change, message):
    with pytest.raises(NumbersError, match=message):
        check_numbers("generation", {**GENERATION, **change})


def test_keys_of_latent_tables_are_latent_sizes():
    numbers = {"test_indices": [1], "labels": [7], "test_mse": {"ae": {"z2": 0.1}}, "mse_on_shown_images": {}}
    with pytest.raises(NumbersError, match=r"'test_mse\.ae' has a key that is not a latent size: 'z2'"):
        check_numbers("reconstructions_by_latent", numbers)


def test_a_missing_key_is_named():
    numbers = {k: v for k, v in GENERATION.items() if k != "share_confident"}
    with pytest.raises(NumbersError, match=r"^generation\.json numbers: the top level lacks 'share_confident'$"):
        check_numbers("generation", numbers)


def test_numpy_values_are_checked_as_json_stores_them():
    np = pytest.importorskip("numpy")
    check_numbers(
        "generation", {**GENERATION, "chosen_latent": np.int64(10), "share_confident": {"ae": np.float32(0.5)}}
    )


def test_save_figure_refuses_a_wrong_shape_and_writes_nothing(tmp_path):
    fig, _ = plt.subplots()
    out = tmp_path / "generation.png"
    with pytest.raises(NumbersError, match=r"generation\.json numbers: 'share_confident' must be"):
        save_figure(fig, out, {**GENERATION, "share_confident": [0.5]})
    assert list(tmp_path.iterdir()) == []
    save_figure(fig, out, GENERATION)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generation.json", "generation.pdf", "generation.png"]
    plt.close(fig)


def test_a_figure_without_a_declared_shape_is_refused(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(NumbersError, match="figure 'sketch' has no declared shape"):
        save_figure(fig, tmp_path / "sketch.png", {"x": 1})
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []


def test_each_seeds_numbers_have_their_declared_shape():
    with pytest.raises(NumbersError, match=r"'by_seed\.1' lacks 'share_confident'"):
        check_numbers("generation", {**GENERATION, "by_seed": {"1": {"mean_confidence": {}}}})
    with pytest.raises(NumbersError, match=r"'by_seed' has a key that is not a seed: 'first'"):
        check_numbers("generation", {**GENERATION, "by_seed": {"first": GENERATION["by_seed"]["0"]}})
    with pytest.raises(NumbersError, match=r"the top level lacks 'seeds'"):
        check_numbers("generation", {k: v for k, v in GENERATION.items() if k != "seeds"})
