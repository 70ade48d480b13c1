import json

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.figures import training_curves  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402


def _history(base, epochs=3):
    """read_history() rows, made up: train_loss base/epoch, val_loss one above, val_mse a hundredth."""
    return [
        {"epoch": e, "train_loss": base / e, "val_loss": base / e + 1, "val_mse": base / e / 100}
        for e in range(1, epochs + 1)
    ]


def _histories(offset=0.0):
    """One seed: vae before ae on purpose (the figure orders the models), latents 10 before 2."""
    return {
        ("vae", 10): _history(60 + offset),
        ("ae", 10): _history(30 + offset),
        ("ae", 2): _history(120 + offset, epochs=2),
    }


def test_mean_curves_and_finals():
    by_seed = {0: {"ae": {"2": [4.0, 2.0]}}, 1: {"ae": {"2": [2.0, 1.0]}}}
    mean = training_curves.mean_curves(by_seed)
    assert mean == {"ae": {"2": [3.0, 1.5]}}
    assert training_curves.finals(mean) == {"ae": {"2": 1.5}}


def test_seed_curves_orders_models_and_latents():
    curves = training_curves.seed_curves({0: _histories()}, "val_loss")
    assert list(curves) == [0]
    assert list(curves[0]) == ["ae", "vae"] and list(curves[0]["ae"]) == ["2", "10"]
    assert curves[0]["ae"]["10"] == [31.0, 16.0, 11.0]


def test_compute_means_over_seeds_and_keeps_each_seeds_finals():
    numbers = training_curves.compute({0: _histories(), 1: _histories(offset=6.0)})
    # ae z=10: seed 0 gives 30, 15, 10; seed 1 gives 36, 18, 12
    assert numbers.train_loss["ae"]["10"] == pytest.approx([33.0, 16.5, 11.0])
    assert numbers.val_loss["ae"]["10"] == pytest.approx([34.0, 17.5, 12.0])
    assert numbers.val_mse["vae"]["10"] == pytest.approx([0.63, 0.315, 0.21])
    assert numbers.final_train_loss["ae"] == pytest.approx({"2": 61.5, "10": 11.0})
    assert numbers.final_train_loss["vae"] == pytest.approx({"10": 21.0})
    assert numbers.final_val_loss["ae"]["2"] == pytest.approx(62.5)
    assert numbers.final_val_mse["ae"]["2"] == pytest.approx(0.615)
    assert numbers.epochs == {"ae": {"2": 2, "10": 3}, "vae": {"10": 3}}
    assert numbers.objective == training_curves.OBJECTIVE
    assert numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    assert numbers.by_seed["0"].final_train_loss["ae"]["10"] == pytest.approx(10.0)
    assert numbers.by_seed["1"].final_val_loss["vae"]["10"] == pytest.approx(23.0)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = training_curves.compute({0: _histories(), 1: _histories(offset=6.0)})
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("training_curves", saved)
    assert from_numbers(training_curves.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'by_seed\.1' lacks 'final_val_loss'"):
        del saved["by_seed"]["1"]["final_val_loss"]
        check_numbers("training_curves", saved)


def test_latent_styles_give_each_latent_size_its_own_colour_and_marker():
    colors, markers = training_curves.latent_styles([2, 5, 10])
    assert list(colors) == list(markers) == [2, 5, 10]
    assert len({tuple(c) for c in colors.values()}) == 3 and len(set(markers.values())) == 3


def test_draw_model_draws_a_line_and_band_per_trained_latent_size_and_curve():
    histories = {0: _histories(), 1: _histories(offset=6.0)}
    curves = {kind: training_curves.seed_curves(histories, kind) for kind in ("train_loss", "val_loss", "val_mse")}
    colors, markers = training_curves.latent_styles([2, 5, 10])  # 5: trained by no model
    fig, axes = plt.subplots(2, 2)
    training_curves.draw_model(axes[:, 0], "ae", curves, colors, markers)
    training_curves.draw_model(axes[:, 1], "vae", curves, colors, markers)
    top, bottom = axes[:, 0]
    assert (len(top.lines), len(top.collections)) == (4, 4)  # ae: z = 2 and 10, train and val each
    assert (len(bottom.lines), len(bottom.collections)) == (2, 2)
    assert (len(axes[0, 1].lines), len(axes[1, 1].lines)) == (2, 1)  # vae: z = 10 alone
    # the line is the mean over seeds: ae z = 10, validation loss 31, 16, 11 and 37, 19, 13
    assert list(top.lines[3].get_ydata()) == pytest.approx([34.0, 17.5, 12.0])
    assert top.lines[3].get_linestyle() == "--"
    assert top.get_yscale() == bottom.get_yscale() == "log"
    assert "training objective" in top.get_title() and "validation reconstruction" in bottom.get_title()
    plt.close(fig)


def test_legend_handles_name_each_latent_size_then_each_loss():
    colors, markers = training_curves.latent_styles([2, 10])
    labels = [h.get_label() for h in training_curves.legend_handles(colors, markers)]
    assert labels == ["z = 2", "z = 10", "train (mean over the epoch)", "validation (after the epoch)"]
