import csv
import io

import numpy as np
import pytest
import torch

from vaelab import runs
from vaelab.analysis import compression, reconstruction
from vaelab.models.autoencoders import AE
from vaelab.publish import tables
from vaelab.train import history


def _runs():
    """Two models x two latent sizes with made-up metrics (per_class_mse of digit d = base + d/100)."""
    runs = {}
    for model, base in (("vae", 0.5), ("ae", 0.1)):
        for latent in (10, 2):
            per_class = [base / latent + d / 100 for d in range(10)]
            per_class[3], per_class[7] = per_class[7], per_class[3]  # 3 is harder than 7
            runs[(model, latent)] = {
                "test_mse": base / latent,
                "val_mse": base / latent + 0.01,
                "per_class_mse": per_class,
                "test_bce": 0.2,
                "test_kl": None if model == "ae" else 3.5,
                "test_neg_elbo": None if model == "ae" else 40.25,
                "n_parameters": 1000 + latent,
                "epochs": 8,
            }
    return runs


def test_ordered_runs_puts_models_in_registry_order_then_latent():
    keys = [("cvae", 2), ("vae", 10), ("ae", 10), ("vae", 2), ("ae", 2)]
    assert runs.ordered_runs(keys) == [("ae", 2), ("ae", 10), ("vae", 2), ("vae", 10), ("cvae", 2)]
    assert runs.models_and_latents(keys) == (["ae", "vae", "cvae"], [2, 10])


def test_first_of_each_class():
    labels = np.array([3, 1, 0, 1, 2, 3, 0])
    assert reconstruction.first_of_each_class(labels, n_classes=4).tolist() == [2, 1, 4, 0]
    with pytest.raises(ValueError, match=r"\[4\]"):
        reconstruction.first_of_each_class(labels, n_classes=5)


def test_random_of_each_class_is_random_within_each_class_and_seeded():
    labels = np.tile(np.arange(4), 50)
    a = reconstruction.random_of_each_class(labels, 2, seed=0, n_classes=4)
    assert labels[a].tolist() == [0, 0, 1, 1, 2, 2, 3, 3] and len(set(a)) == 8
    assert np.array_equal(a, reconstruction.random_of_each_class(labels, 2, seed=0, n_classes=4))
    draws = np.array([reconstruction.random_of_each_class(labels, 1, seed=s, n_classes=4) for s in range(20)])
    assert len(np.unique(draws[:, 0])) > 5  # not the first of its class every time
    with pytest.raises(ValueError, match=r"class\(es\) \[4\]"):
        reconstruction.random_of_each_class(labels, 1, seed=0, n_classes=5)


def test_seeded_pick_is_distinct_sorted_and_repeatable():
    a = reconstruction.seeded_pick(1000, 10, seed=0)
    assert len(set(a.tolist())) == 10
    assert a.tolist() == sorted(a.tolist())
    assert a.min() >= 0 and a.max() < 1000
    assert np.array_equal(a, reconstruction.seeded_pick(1000, 10, seed=0))
    assert not np.array_equal(a, reconstruction.seeded_pick(1000, 10, seed=1))
    assert reconstruction.seeded_pick(5, 5, seed=3).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        reconstruction.seeded_pick(5, 6, seed=0)


def test_reconstruct_returns_images_and_their_mse():
    torch.manual_seed(0)
    model = AE(latent_dim=2, hidden=[8]).eval()
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    images, mse = reconstruction.reconstruct(model, x, np.array([0, 1, 2]))
    assert images.shape == (3, 784) and mse.shape == (3,)
    np.testing.assert_allclose(mse, ((images - x) ** 2).mean(axis=1), rtol=1e-6)


def test_pca_reconstruct_is_exact_for_data_in_the_subspace():
    rng = np.random.default_rng(0)
    basis = rng.random((2, 784)) * 0.1
    x_train = (rng.random((50, 2)) @ basis).astype(np.float32)
    out = reconstruction.pca_reconstruct(x_train, x_train[:4], n_components=2)
    np.testing.assert_allclose(out, x_train[:4], atol=1e-5)


def test_nested():
    metrics = _runs()
    assert runs.nested(metrics, "test_mse") == {"ae": {"2": 0.05, "10": 0.01}, "vae": {"2": 0.25, "10": 0.05}}


def test_nearest_latent_and_compression_ratio():
    assert compression.nearest_latent([2, 5, 10, 20], 10) == 10
    assert compression.nearest_latent([2, 20], 10) == 20  # log scale: 20 is 2x away, 2 is 5x away
    assert compression.nearest_latent([5, 20], 10) == 5  # a tie on a log scale takes the smaller
    assert compression.compression_ratio(10) == pytest.approx(78.4)
    assert compression.compression_ratio(2) == pytest.approx(392.0)
    assert compression.bits_ratio(10) == pytest.approx(6272 / 320)  # 19.6x: float32 codes against bytes
    assert compression.bits_ratio(10, compression.LABEL_BITS) == pytest.approx(6272 / (320 + 3.3219), rel=1e-4)
    assert compression.nats_to_bits(np.log(2) * 5) == pytest.approx(5.0)


def test_pca_curve_and_loss_curves():
    baselines = {"pca": {"2": {"val_mse": 0.5, "test_mse": 0.4}, "10": {"val_mse": 0.2, "test_mse": 0.1}}}
    assert compression.pca_curve(baselines, "test", [2, 10, 50]) == {"2": 0.4, "10": 0.1}
    assert compression.pca_curve(baselines, "val", [10]) == {"10": 0.2}
    hist = {("vae", 2): [{"train_loss": 3.0}, {"train_loss": 2.0}], ("ae", 2): [{"train_loss": 1.0}]}
    curves = history.loss_curves(hist, "train_loss")
    assert list(curves) == ["ae", "vae"]
    assert curves == {"ae": {"2": [1.0]}, "vae": {"2": [3.0, 2.0]}}


def _two_seeds():
    """_runs() as seed 0, and seed 3 with every test MSE 0.01 higher."""
    other = {key: {**m, "test_mse": m["test_mse"] + 0.01} for key, m in _runs().items()}
    return {0: _runs(), 3: other}


def test_metrics_rows_csv_every_seed_and_markdown_mean_sd_n():
    baselines = {"pca": {"2": {"test_mse": 0.06, "val_mse": 0.07}, "10": {"test_mse": 0.03, "val_mse": 0.04}}}
    rows = tables.metrics_rows(_two_seeds(), baselines)
    assert [(r["model"], r["latent"], r["seed"]) for r in rows] == [
        (m, z, s) for m in ("ae", "vae") for z in (2, 10) for s in (0, 3)
    ]
    assert list(rows[0]) == tables.TABLE_COLUMNS
    assert rows[2]["pca_test_mse"] == 0.03 and rows[2]["params"] == 1010 and rows[2]["test_kl"] is None
    assert rows[4]["test_neg_elbo"] == 40.25

    parsed = list(csv.DictReader(io.StringIO(tables.rows_to_csv(rows))))
    assert len(parsed) == 8
    assert parsed[0]["model"] == "ae" and parsed[0]["seed"] == "0" and parsed[0]["test_kl"] == ""
    assert float(parsed[0]["test_mse"]) == 0.05 and float(parsed[1]["test_mse"]) == pytest.approx(0.06)
    assert float(parsed[7]["val_mse"]) == pytest.approx(0.06)

    summary = tables.summary_rows(rows)
    assert [(r["model"], r["latent"], r["n"]) for r in summary] == [
        ("ae", 2, 2),
        ("ae", 10, 2),
        ("vae", 2, 2),
        ("vae", 10, 2),
    ]
    assert summary[0]["test_mse"]["mean"] == pytest.approx(0.055)
    assert summary[0]["test_mse"]["sd"] == pytest.approx(0.01 / 2**0.5)  # sample sd of two values 0.01 apart
    assert summary[0]["val_mse"] == {"mean": pytest.approx(0.06), "sd": 0.0}
    assert summary[0]["test_kl"] is None

    md = tables.rows_to_markdown(summary).splitlines()
    assert md[0].startswith("| model | latent | n | test_mse |")
    assert md[1].count("---") == len(tables.SUMMARY_COLUMNS)
    assert len(md) == 2 + 4
    # no training time: the table is a result file, the same bytes for the same seeds
    assert md[2] == "| AE | 2 | 2 | 0.0550 ± 0.0071 | 0.0600 | 0.0600 | 0.2000 | – | – | 1,002 | 8 |"
    assert md[5].split(" | ")[7:9] == ["3.50", "40.25"]
    assert tables.markdown_table("\n".join(md))[1][0][:3] == ["AE", "2", "2"]


def test_one_seed_gives_sd_zero_and_n_one():
    summary = tables.summary_rows(tables.metrics_rows({0: _runs()}, {"pca": {}}))
    assert {r["n"] for r in summary} == {1} and summary[0]["test_mse"]["sd"] == 0.0


def test_metrics_rows_without_pca_baseline_leaves_cell_empty():
    rows = tables.metrics_rows({0: {("ae", 3): _runs()[("ae", 2)]}}, {"pca": {}})
    assert rows[0]["pca_test_mse"] is None


def test_two_significant_figures_without_an_exponent():
    from vaelab.publish.plotting import two_significant

    assert [two_significant(v) for v in (21.3, 8.43, 0.052, 143.0, 99.96, 0.0)] == [
        "21",
        "8.4",
        "0.052",
        "140",
        "100",
        "0",
    ]
