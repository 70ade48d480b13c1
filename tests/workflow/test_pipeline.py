"""One smoke run of the whole DAG (config/smoke.yaml) in a copy of the project."""

import json
import os
import re

import numpy as np
import pytest
from conftest import SHARED_DATA, result_files, snakemake

pytestmark = pytest.mark.smoke

RESULTS = "results/smoke/mnist"
SEEDS = (0, 1)  # config/smoke.yaml
EPOCHS = 5


def test_every_model_is_trained_and_evaluated_once_per_seed(smoke_tree):
    for model in ("ae", "vae", "cvae"):
        for latent in (2, 10):
            test_mse = set()
            for seed in SEEDS:
                folder = smoke_tree / RESULTS / "models" / f"{model}_z{latent}" / f"seed{seed}"
                for name in ("model.pt", "history.csv", "metrics.json", "latents.npz"):
                    assert (folder / name).stat().st_size > 0, folder / name
                metrics = json.loads((folder / "metrics.json").read_text())
                assert len(metrics["per_class_mse"]) == 10
                assert metrics["epochs"] == EPOCHS
                assert (metrics["test_kl"] is None) == (model == "ae")
                test_mse.add(metrics["test_mse"])
            assert len(test_mse) == len(SEEDS), f"{model}_z{latent}: the seeds trained the same model"
    for seed in SEEDS:
        assert (smoke_tree / RESULTS / f"imputation/vae_masked_z10/seed{seed}/model.pt").exists()
    assert (smoke_tree / RESULTS / "classifier/model.pt").exists()  # trained once
    assert sorted(p.name for p in (smoke_tree / RESULTS / "models/ae_z2").iterdir()) == [f"seed{s}" for s in SEEDS]
    chosen = json.loads((smoke_tree / RESULTS / "selected_latent.json").read_text())["chosen_latent"]
    for model in ("ae", "vae", "cvae"):
        tsne = np.load(smoke_tree / RESULTS / "embeddings" / f"tsne_{model}.npz")
        assert int(tsne["latent"]) == chosen and tsne["xy"].shape == (1000, 2)
    # nothing half-written or left to resume
    assert not list((smoke_tree / RESULTS).rglob(".*.tmp"))
    assert not list((smoke_tree / RESULTS / "checkpoints").glob("*.pt"))


def test_autoencoder_beats_the_mean_image(smoke_tree):
    baselines = json.loads((smoke_tree / RESULTS / "baselines.json").read_text())
    ae = json.loads((smoke_tree / RESULTS / "models/ae_z10/seed0/metrics.json").read_text())
    assert ae["test_mse"] < baselines["mean_image"]["test_mse"]


def test_training_log_has_a_line_per_epoch(smoke_tree):
    log = (smoke_tree / RESULTS / "logs/train/vae_z2_seed1.log").read_text()
    epochs = [line for line in log.splitlines() if line.startswith("train vae z=2: epoch ")]
    assert [line.split(",")[0].rsplit(" ", 1)[1] for line in epochs] == [f"{k}/{EPOCHS}" for k in range(1, EPOCHS + 1)]
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


def test_figure_files_hold_no_time_of_the_run(smoke_tree):
    """What made two runs' figure files differ (issue 36): provenance times, the PDF's
    /CreationDate, papermill's cell times and the random id of its parameters cell."""
    for path in sorted((smoke_tree / RESULTS / "figures").glob("*.json")):
        assert not {"started", "seconds"} & set(json.loads(path.read_text())["provenance"]), path.name
    for path in sorted((smoke_tree / RESULTS / "figures").glob("*.pdf")):
        assert b"/CreationDate" not in path.read_bytes(), path.name
    for path in sorted((smoke_tree / RESULTS / "notebooks").glob("*.ipynb")):
        text = path.read_text()
        assert "start_time" not in text and "iopub." not in text and '"id": "injected-parameters"' in text, path.name


def test_every_figure_has_numbers_of_its_declared_shape(smoke_tree):
    """The shapes in vaelab.publish.numbers accept what the real notebooks write (save_figure checked
    them already; metrics_table writes its JSON itself)."""
    from vaelab.publish.numbers import check_numbers, declared_figures

    jsons = sorted((smoke_tree / RESULTS / "figures").glob("*.json"))
    assert {p.stem for p in jsons} == declared_figures()
    for path in jsons:
        check_numbers(path.stem, json.loads(path.read_text())["numbers"])


def test_nothing_left_to_do(smoke_tree):
    out = snakemake("-n", "--configfile", "config/smoke.yaml", cwd=smoke_tree).stdout
    assert "Nothing to be done" in out
    # how the run was started is in the rebuild commands but not recorded (issue 22): started
    # otherwise, nothing reruns
    for launch in (["--cores", "1"], ["--profile", "profiles/slurm"]):
        out = snakemake("-n", *launch, "--configfile", "config/smoke.yaml", cwd=smoke_tree).stdout
        assert "Nothing to be done" in out, (launch, out[-3000:])


def test_a_figure_drawn_again_is_the_same_bytes(smoke_tree):
    """A figure job run a second time writes each of its files byte for byte as the first: PNG,
    PDF, JSON, the executed notebook and its HTML (its time is in its benchmark file and log
    only). The files' modification times are put back after, so the tree stays up to date."""
    name = "training_curves"  # a quick one
    files = [smoke_tree / RESULTS / f"figures/{name}.{ext}" for ext in ("png", "pdf", "json")]
    files += [smoke_tree / RESULTS / f"notebooks/{name}.{ext}" for ext in ("ipynb", "html")]
    before = {path: (path.read_bytes(), path.stat()) for path in files}
    target = str(files[0].relative_to(smoke_tree))
    snakemake("--cores", "2", "--force", target, "--configfile", "config/smoke.yaml", cwd=smoke_tree)
    changed = [path.name for path in files if path.read_bytes() != before[path][0]]
    for path, (_, stat) in before.items():
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert changed == []
    assert "Nothing to be done" in snakemake("-n", "--configfile", "config/smoke.yaml", cwd=smoke_tree).stdout


FASHION_RESULTS = "results/smoke-fashion"  # apart from the MNIST smoke run's report
FASHION_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def _strings(value):
    """Every string of a JSON document, its keys too: a reader takes a key such as
    "mean_error_inside" as words as much as a value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _says_digit(text: str) -> bool:
    """True where a text speaks of digits other than as the outside set's name, "MNIST digits"."""
    return "digit" in text.replace("MNIST digits", "").lower()


@pytest.mark.skipif(
    not (SHARED_DATA / "fashion-mnist").exists(),
    reason=f"{SHARED_DATA / 'fashion-mnist'} not present: the Fashion-MNIST smoke run needs its IDX files",
)
def test_the_study_on_fashion_mnist_reads_as_itself(project_copy):
    """The whole DAG on Fashion-MNIST (the overlay, the smoke config, one seed to keep CI short):
    no figure's numbers, caption or the report speak of digits (but as the outside set's name),
    the class names appear, and no claim is judged on a dataset it does not apply to."""
    one_seed = project_copy / "fashion-one-seed.yaml"  # --config would read [0] as a list of strings
    one_seed.write_text(f"seeds: [0]\nresults: {FASHION_RESULTS}\n")
    snakemake(
        "--cores",
        "2",
        "--configfile",
        "config/smoke.yaml",
        "config/fashion-mnist.yaml",
        one_seed.name,
        "--config",
        f"data_dir={SHARED_DATA / 'fashion-mnist'}",
        cwd=project_copy,
    )
    results = project_copy / FASHION_RESULTS
    split = np.load(results / "fashion-mnist/data/split.npz")
    assert split["y_test"][:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    figures = sorted((results / "fashion-mnist/figures").glob("*.json"))
    assert len(figures) >= 16
    for path in figures:
        numbers = json.loads(path.read_text())["numbers"]
        assert not [t for t in _strings(numbers) if _says_digit(t) or "letter" in t.lower()], path.name
    per_class = json.loads((results / "fashion-mnist/figures/per_class_mse.json").read_text())["numbers"]
    tsne = json.loads((results / "fashion-mnist/figures/latent_tsne.json").read_text())["numbers"]
    assert per_class["class_names"] == tsne["class_names"] == list(FASHION_NAMES)
    anomaly = json.loads((results / "fashion-mnist/figures/anomaly_detection.json").read_text())["numbers"]
    assert anomaly["outside"] == {"name": "MNIST digits", "dataset": "mnist"} and anomaly["n_outside"] == 10_000

    html = (results / "report/index.html").read_text()
    text = re.sub(r"data:[^\"')\s]+", "", html)  # images: base64 may spell anything
    # the claims about MNIST are shown, marked not applicable: their words are MNIST's
    text = re.sub(r'<tr data-applies="no">.*?</tr>', "", text, flags=re.S)
    lines = [line for line in text.splitlines() if _says_digit(line)]
    assert not lines, lines[:5]
    assert "Test error per item." in text and "Autoencoders on fashion-mnist" in text
    assert all(name in html for name in ("Trouser", "Ankle boot"))

    claims = json.loads((results / "report/claims.json").read_text())
    status = {c["id"]: c["status"] for c in claims["claims"]}
    for claim in claims["claims"]:
        applies = claim["applies_to"] == "all" or "fashion-mnist" in claim["applies_to"]
        assert (claim["status"] == "not applicable") == (not applies), claim["id"]
    assert status["p"] in ("holds", "does not hold"), claims["claims"][-1]
    finding = next(c for c in claims["claims"] if c["id"] == "c")["finding"]["text"]
    assert finding.startswith("easiest: ") and any(name in finding for name in FASHION_NAMES)
    assert claims["summary"]["not applicable"] == sum(s == "not applicable" for s in status.values()) >= 8
    print("Fashion-MNIST smoke claims:", json.dumps(status))


def test_report_is_complete(smoke_tree):
    from vaelab.publish.report import check_report

    index = smoke_tree / "results/smoke/report/index.html"
    assert check_report(index, root=smoke_tree) == []
    html = index.read_text()
    figures = sorted((smoke_tree / RESULTS / "figures").glob("*.json"))
    assert html.count('class="provenance"') == len(figures) >= 16
    claims = json.loads((smoke_tree / "results/smoke/report/claims.json").read_text())
    assert len(claims["claims"]) == 16 and claims["seeds"] == list(SEEDS)
    assert {c["status"] for c in claims["claims"]} <= {
        "holds",
        "unstable",
        "does not hold",
        "not evaluated",
        "not applicable",
    }
    # on MNIST only the claim about Fashion-MNIST does not apply
    assert [c["id"] for c in claims["claims"] if c["status"] == "not applicable"] == ["p"]
    for claim in claims["claims"]:
        assert list(claim["by_seed"]) == [str(s) for s in SEEDS], claim["id"]
        if claim["status"] not in ("not evaluated", "not applicable"):  # each figure read has each seed's numbers
            assert claim["seeds_judged"] == len(SEEDS), claim
    assert {c["id"]: c["status"] for c in claims["claims"]}["o"] == "not evaluated"  # no Z among a-m


def test_changing_one_figures_setting_reruns_only_that_figure(smoke_tree):
    extra = smoke_tree / "generation100.yaml"
    extra.write_text("figures: {generation: {n_samples: 100, mixture_components: 10, confidence_threshold: 0.9}}\n")
    out = snakemake("-n", "--configfile", "config/smoke.yaml", str(extra), cwd=smoke_tree).stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    for summary in ("total", "all"):
        counts.pop(summary, None)
    # the report shows every figure and the config in its methods, and the crate describes them
    assert set(counts) == {"figure_generation", "report", "crate"}, out[-3000:]


def test_same_seed_gives_the_same_bytes(smoke_tree):
    """A second run of the smoke study's computing jobs (training, evaluation, baselines,
    t-SNE: every rule but the figures, the report and the crate) into another folder writes
    every file byte for byte as the first: no wall-clock time or temporary name in any of
    them. The figures' numbers, tables and claims are compared byte for byte with a second
    whole run by the Slurm tests (test_slurm_results_equal_a_local_runs); this test keeps the
    computing half checked where Slurm cannot run, at a third of a whole run's cost."""
    first = result_files(smoke_tree / "results/smoke", figures=False)
    # the computing jobs' outputs as targets (Snakemake's --until with these rules stops after
    # the first job: "Out of jobs ready to be started, but not all files built yet")
    again = [f"results/again/{name}" for name in first]  # before --configfile/--config, which take lists
    snakemake(
        "--cores", "2", *again, "--configfile", "config/smoke.yaml", "--config", "results=results/again", cwd=smoke_tree
    )
    second = result_files(smoke_tree / "results/again", figures=False)
    assert sorted(first) == sorted(second)
    kinds = {name.rsplit(".", 1)[-1] for name in first}
    assert {"npz", "json", "csv", "pt"} <= kinds and len(first) >= 60
    assert [name for name in first if first[name] != second[name]] == []
    assert not (smoke_tree / "results/again/mnist/figures").exists()  # only the computing jobs ran
    history = (smoke_tree / RESULTS / "models/vae_z2/seed0/history.csv").read_text()
    assert "seconds" not in history.splitlines()[0]
    # the training times are Snakemake's benchmark files', and the report shows them from there
    html = (smoke_tree / "results/smoke/report/index.html").read_text()
    assert "of training over 12 models (Snakemake's benchmark files)" in html
