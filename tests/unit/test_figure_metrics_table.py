import json

import pytest

from vaelab.figures import metrics_table
from vaelab.figures.result import as_numbers, from_numbers
from vaelab.publish.numbers import NumbersError, check_numbers

BASELINES = {"pca": {"2": {"test_mse": 0.06, "val_mse": 0.07}}}


def _metrics(test_mse, kl=None, draws=None):
    m = {"test_mse": test_mse, "val_mse": test_mse + 0.001, "test_bce": 0.2, "n_parameters": 1000, "epochs": 5}
    if kl is not None:
        m.update(test_kl=kl, test_neg_elbo=40.0 + kl, neg_elbo_z_samples=draws)
    return m


def _runs_by_seed():
    """Seeds 3 and 0 (in that order) of a VAE at latent sizes 10 and 2 and an AE at 2; seed 0 has no VAE at 10."""
    return {
        3: {("vae", 10): _metrics(0.03, kl=6.0, draws=4), ("vae", 2): _metrics(0.05, kl=3.0, draws=4),
            ("ae", 2): _metrics(0.04)},
        0: {("vae", 2): _metrics(0.07, kl=5.0, draws=4), ("ae", 2): _metrics(0.04)},
    }  # fmt: skip


def test_rows_per_model_latent_and_seed():
    numbers = metrics_table.compute(_runs_by_seed(), BASELINES)
    assert [(r.model, r.latent, r.seed) for r in numbers.rows] == [
        ("ae", 2, 3), ("ae", 2, 0), ("vae", 2, 3), ("vae", 2, 0), ("vae", 10, 3)
    ]  # fmt: skip
    ae, vae10 = numbers.rows[0], numbers.rows[4]
    assert (ae.test_mse, ae.val_mse, ae.test_bce, ae.params, ae.epochs) == (0.04, 0.041, 0.2, 1000, 5)
    assert ae.test_kl is None and ae.test_neg_elbo is None and ae.pca_test_mse == 0.06
    assert (vae10.test_kl, vae10.test_neg_elbo) == (6.0, 46.0)
    assert vae10.pca_test_mse is None  # no PCA baseline at latent size 10


def test_summary_mean_and_sd_over_seeds():
    numbers = metrics_table.compute(_runs_by_seed(), BASELINES)
    assert [(s.model, s.latent, s.n) for s in numbers.summary] == [("ae", 2, 2), ("vae", 2, 2), ("vae", 10, 1)]
    ae, vae2, vae10 = numbers.summary
    assert (ae.test_mse.mean, ae.test_mse.sd) == (0.04, 0.0) and ae.test_kl is None
    assert vae2.test_mse.mean == pytest.approx(0.06) and vae2.test_mse.sd == pytest.approx(0.02**0.5 / 10)
    assert (vae2.test_kl.mean, vae2.test_kl.sd) == (4.0, pytest.approx(2**0.5))
    assert vae10.test_kl.sd == 0.0 and vae10.pca_test_mse is None and vae10.params.mean == 1000


def test_markdown_note_names_the_elbos_draws():
    assert metrics_table.elbo_draws(_runs_by_seed()) == [4]
    assert "averages 4 draws of z" in metrics_table.markdown_note([4])
    assert metrics_table.elbo_draws({0: {("ae", 2): _metrics(0.04)}}) == []
    assert "averages – draws" in metrics_table.markdown_note([])


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = metrics_table.compute(_runs_by_seed(), BASELINES)
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("metrics_table", saved)
    assert from_numbers(metrics_table.Numbers, saved) == numbers
    assert saved["summary"][1]["test_kl"] == {"mean": 4.0, "sd": pytest.approx(2**0.5)}
    with pytest.raises(NumbersError, match=r"'rows\[0\]' has undeclared 'unknown'"):
        saved["rows"][0]["unknown"] = 1  # a row has exactly the table's columns
        check_numbers("metrics_table", saved)
