import json

import pytest

from vaelab.figures import model_selection
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers

# made-up validation MSE of one seed; vae before ae on purpose (the figure orders the models)
VAL_MSE = {("vae", 2): 0.06, ("vae", 10): 0.04, ("ae", 2): 0.05, ("ae", 10): 0.02, ("ae", 20): 0.01}
BASELINES = {
    "pca": {"2": {"val_mse": 0.07, "test_mse": 1.0}, "10": {"val_mse": 0.03, "test_mse": 1.0}},
    "mean_image": {"val_mse": 0.1},
}
SELECTION = {"chosen_latent": 10, "rule": "the smallest within 10%", "tolerance": 0.1}


def _runs(offset):
    return {key: {"val_mse": v + offset, "test_mse": 1.0} for key, v in VAL_MSE.items() if key != ("ae", 20)}


def test_mean_over_models_per_latent():
    table = {"ae": {"2": 0.05, "10": 0.02}, "vae": {"2": 0.06, "10": 0.04}}
    mean = model_selection.mean_over_models(table, ["ae", "vae"], [2, 10])
    assert mean == pytest.approx({"2": 0.055, "10": 0.03})
    assert list(mean) == ["2", "10"]


def test_compute_means_over_seeds_then_models_with_the_rules_threshold():
    numbers = model_selection.compute({0: _runs(0.0), 1: _runs(0.01)}, BASELINES, SELECTION)
    assert list(numbers.val_mse) == ["ae", "vae"]
    assert numbers.val_mse["ae"] == pytest.approx({"2": 0.055, "10": 0.025})
    assert numbers.mean_val_mse_over_models == pytest.approx({"2": 0.06, "10": 0.035})
    assert numbers.threshold == pytest.approx(0.035 * 1.1)
    assert numbers.pca_val_mse == {"2": 0.07, "10": 0.03}
    assert numbers.mean_image_val_mse == 0.1
    assert (numbers.chosen_latent, numbers.rule, numbers.tolerance) == (10, "the smallest within 10%", 0.1)
    assert numbers.seeds == [0, 1] and numbers.by_seed["1"].val_mse["vae"]["10"] == pytest.approx(0.05)


def test_pca_is_drawn_only_where_the_baselines_have_it():
    runs = {key: {"val_mse": v} for key, v in VAL_MSE.items() if key[0] == "ae"}
    numbers = model_selection.compute({0: runs}, BASELINES, SELECTION)
    assert list(numbers.mean_val_mse_over_models) == ["2", "10", "20"]
    assert list(numbers.pca_val_mse) == ["2", "10"]
    assert numbers.threshold == pytest.approx(0.011)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = model_selection.compute({0: _runs(0.0), 1: _runs(0.01)}, BASELINES, SELECTION)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("model_selection", saved)
    assert from_numbers(model_selection.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'chosen_latent' must be integer, got str"):
        saved["chosen_latent"] = "10"
        check_numbers("model_selection", saved)
