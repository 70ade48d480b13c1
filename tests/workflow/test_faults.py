"""Faults a new user met (issue 36): byte-identical reruns and stopping on SIGTERM.

Two whole smoke runs compared byte for byte would double the smoke run's cost, so the
mechanisms that make a figure job's files reproducible are tested here one by one, and
tests/test_pipeline.py::test_same_seed_gives_the_same_bytes compares the computing jobs'
files of two runs. The README lists the files that hold a run's own times and so
differ between runs (benchmarks, logs, index.html, the RO-Crate)."""

import json
import os
import signal
import subprocess
import sys
import time

import matplotlib
import nbformat
import pytest
from conftest import copy_project, snakemake

matplotlib.use("Agg")


def test_a_figures_pdf_carries_no_creation_date(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from vaelab.publish import figures

    monkeypatch.setattr(figures, "check_numbers", lambda name, numbers: None)  # any numbers will do
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    figures.save_figure(fig, tmp_path / "data_overview.png", {})
    assert b"/CreationDate" not in (tmp_path / "data_overview.pdf").read_bytes()


def test_provenance_holds_no_time():
    from vaelab.publish.provenance import REQUIRED_KEYS, record

    prov = record(rule="figure_x", wildcards={}, params={}, inputs={}, outputs=[], command="snakemake --cores 1 x")
    assert not {"started", "seconds"} & set(prov) and not {"started", "seconds"} & set(REQUIRED_KEYS)


def _parameterised_notebook(path):
    cell = nbformat.v4.new_code_cell("n = 1")
    cell.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("print(n * 2)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_an_executed_notebook_and_its_html_are_the_same_bytes_twice(tmp_path, monkeypatch):
    """Papermill stamps every cell with its times and gives the parameters cell it injects a
    random id; the executed copy and its HTML keep neither."""
    import papermill

    from vaelab.publish.notebook import render_html, write_reproducible

    monkeypatch.chdir(tmp_path)
    _parameterised_notebook(tmp_path / "nb.ipynb")
    copies, logs = [], []
    for _ in range(2):  # the same paths each time, as a rerun of the rule
        papermill.execute_notebook(
            "nb.ipynb", "log.ipynb", parameters={"n": 3}, kernel_name="python3", progress_bar=False
        )
        logs.append((tmp_path / "log.ipynb").read_bytes())
        write_reproducible("log.ipynb", "executed.ipynb")
        render_html("executed.ipynb", "executed.html")
        copies.append(((tmp_path / "executed.ipynb").read_bytes(), (tmp_path / "executed.html").read_bytes()))
    assert logs[0] != logs[1]  # papermill's own copy, in the logs, keeps the times
    assert copies[0] == copies[1]
    nb = json.loads(copies[0][0])
    assert [c["id"] for c in nb["cells"]][1] == "injected-parameters"
    assert "6" in "".join(nb["cells"][2]["outputs"][0]["text"])  # what ran is kept


def test_the_reports_build_time_is_reproducible(tmp_path, monkeypatch):
    from vaelab.publish.report import build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time(tmp_path) == "2023-11-14 22:13"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    env = {"GIT_COMMITTER_DATE": "2024-01-02T03:04:05+00:00", "GIT_AUTHOR_DATE": "2024-01-02T03:04:05+00:00"}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "x"]
    subprocess.run(git, cwd=tmp_path, check=True, env={**os.environ, **env})
    assert build_time(tmp_path) == "2024-01-02 03:04"  # the commit's time, not now


@pytest.mark.smoke  # trains a smoke model in a copy of the project (about a minute)
def test_sigterm_stops_the_run_within_seconds_and_keeps_the_checkpoint(tmp_path):
    """`kill -TERM` (clusters, `timeout`) stops Snakemake as Ctrl-C does, not after the running
    training job ends; its checkpoint stays for the resume, and the same command goes on."""
    import psutil

    project = copy_project(tmp_path / "project", git=False)
    target = "results/smoke/mnist/models/ae_z2/seed0/model.pt"
    args = [target, "--configfile", "config/smoke.yaml", "--config", "training={epochs: 1000}"]
    checkpoint = project / "results/smoke/mnist/checkpoints/ae_z2_seed0.pt"
    log = (tmp_path / "snakemake.log").open("w")
    run = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "1", *args], cwd=project, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 300
        while not checkpoint.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert checkpoint.exists(), (tmp_path / "snakemake.log").read_text()[-3000:]
        jobs = psutil.Process(run.pid).children(recursive=True)
        stopping = time.monotonic()
        run.send_signal(signal.SIGTERM)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("Snakemake still runs 30 s after SIGTERM")
        took = time.monotonic() - stopping
    finally:
        if run.poll() is None:  # not stopped: end what this test started
            for process in [*psutil.Process(run.pid).children(recursive=True), psutil.Process(run.pid)]:
                process.kill()
        log.close()
    out = (tmp_path / "snakemake.log").read_text()
    assert run.returncode != 0 and "stopped on SIGTERM" in out, out[-3000:]
    assert not [p for p in jobs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE], (
        f"left running ({took:.1f} s)"
    )
    assert checkpoint.exists()
    assert not list((project / ".snakemake/locks").glob("*"))  # the same command can go on
    assert "train" in snakemake("-n", *args, cwd=project).stdout
