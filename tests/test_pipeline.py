"""One smoke run of the whole DAG (config/smoke.yaml) in a copy of the project."""

import json

import numpy as np
import pytest

from conftest import SHARED_DATA, snakemake

pytestmark = pytest.mark.smoke

RESULTS = "results/smoke/mnist"


def test_every_model_is_trained_and_evaluated(smoke_tree):
    for model in ("ae", "vae", "cvae"):
        for latent in (2, 10):
            folder = smoke_tree / RESULTS / "models" / f"{model}_z{latent}"
            for name in ("model.pt", "history.csv", "metrics.json", "latents.npz"):
                assert (folder / name).stat().st_size > 0, folder / name
            metrics = json.loads((folder / "metrics.json").read_text())
            assert len(metrics["per_digit_mse"]) == 10
            assert metrics["epochs"] == 8
            assert (metrics["test_kl"] is None) == (model == "ae")
    chosen = json.loads((smoke_tree / RESULTS / "selected_latent.json").read_text())["chosen_latent"]
    for model in ("ae", "vae", "cvae"):
        tsne = np.load(smoke_tree / RESULTS / "embeddings" / f"tsne_{model}.npz")
        assert int(tsne["latent"]) == chosen and tsne["xy"].shape == (1000, 2)
    # nothing half-written or left to resume
    assert not list((smoke_tree / RESULTS).rglob(".*.tmp"))
    assert not list((smoke_tree / RESULTS / "checkpoints").glob("*.pt"))


def test_autoencoder_beats_the_mean_image(smoke_tree):
    baselines = json.loads((smoke_tree / RESULTS / "baselines.json").read_text())
    ae = json.loads((smoke_tree / RESULTS / "models/ae_z10/metrics.json").read_text())
    assert ae["test_mse"] < baselines["mean_image"]["test_mse"]


def test_training_log_has_a_line_per_epoch(smoke_tree):
    log = (smoke_tree / RESULTS / "logs/train/vae_z2.log").read_text()
    epochs = [line for line in log.splitlines() if line.startswith("train vae z=2: epoch ")]
    assert [line.split(",")[0].rsplit(" ", 1)[1] for line in epochs] == [f"{k}/8" for k in range(1, 9)]
    assert "\r" not in log


def test_every_figure_has_png_pdf_and_provenance(smoke_tree):
    figures = smoke_tree / RESULTS / "figures"
    jsons = sorted(figures.glob("*.json"))
    assert len(jsons) >= 1
    for path in jsons:
        data = json.loads(path.read_text())
        prov = data["provenance"]
        assert prov["rule"].startswith("figure_")
        assert all(len(v["sha256"]) == 64 for v in prov["inputs"].values())
        assert prov["command"].startswith("snakemake --cores 2 --force ")
        png = path.with_suffix(".png")
        if png.exists():
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert path.with_suffix(".pdf").exists()


def test_nothing_left_to_do(smoke_tree):
    out = snakemake("-n", "--configfile", "config/smoke.yaml", cwd=smoke_tree).stdout
    assert "Nothing to be done" in out


@pytest.mark.skipif(not (SHARED_DATA / "fashion-mnist").exists(), reason="../shared/data/fashion-mnist not present")
def test_the_study_runs_on_another_folder_of_idx_files(project_copy):
    fashion = SHARED_DATA / "fashion-mnist"
    target = "results/smoke/fashion-mnist/models/ae_z2/metrics.json"
    snakemake("--cores", "2", target, "--configfile", "config/smoke.yaml",
              "--config", "dataset=fashion-mnist", f"data_dir={fashion}", cwd=project_copy)
    split = np.load(project_copy / "results/smoke/fashion-mnist/data/split.npz")
    assert split["y_test"][:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    metrics = json.loads((project_copy / target).read_text())
    assert metrics["test_mse"] < float(((split["x_test"] - split["x_train"].mean(axis=0)) ** 2).mean())


def test_report_is_complete(smoke_tree):
    from vaelab.publish.report import check_report

    index = smoke_tree / "results/smoke/report/index.html"
    assert check_report(index, root=smoke_tree) == []
    html = index.read_text()
    figures = sorted((smoke_tree / RESULTS / "figures").glob("*.json"))
    assert html.count('class="provenance"') == len(figures) >= 16
    claims = json.loads((smoke_tree / "results/smoke/report/claims.json").read_text())
    assert len(claims["claims"]) == 10
    assert {c["status"] for c in claims["claims"]} <= {"holds", "does not hold", "not evaluated"}
