"""vaelab from another project's folder, whose path holds a space: as a Snakemake module (the
project's workflow/Snakefile: `module vaelab: snakefile: ...; config: config` and
`use rule * from vaelab`, as snakedeploy writes it) and with `snakemake -s <vaelab>/Snakefile
-d <project> --configfile <project>/config.yaml`.

CI time: the whole DAG already runs once per session, in a copy of the repository
(conftest.smoke_tree). Here one more full run, the module way, on a config smaller than the smoke
run's (one seed, one epoch, fewer images): the way with most to get wrong (the project's Snakefile, vaelab's
files read from vaelab's folder by every notebook, caption and the report, and the run crate
rebuilding the DAG from the project's Snakefile). The `-s`/`-d` way resolves the same paths
through the same helper (`repo_path` in workflow/rules/config.smk), so it gets a dry run of the
whole DAG and two figures from the smoke run's cache, which show that outputs land in the project.
"""

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT
from snakemake.utils import update_config


def _snakemake(*args, cwd, check=True):
    cmd = [sys.executable, "-m", "snakemake", *args]
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout[-6000:]}")
    return proc


def _data_dirs():
    """The project's data: vaelab's own files, by absolute path (a project keeps its data anywhere)."""
    return {"data_dir": str(ROOT / "data/mnist"), "outside": {"data_dir": str(ROOT / "data/emnist-letters")}}


def _full_config():
    """What a module needs: a whole config (a module's config replaces vaelab's), the smoke run's
    made smaller."""
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    update_config(config, yaml.safe_load((ROOT / "config/smoke.yaml").read_text()))
    smaller = {
        "results": "results",
        "subset": {"train": 2000},
        "seeds": [0],
        "training": {"epochs": 1},
        "classifier": {"epochs": 1},
        "tsne": {"iterations": 250},
    }
    update_config(config, {**smaller, **_data_dirs()})
    return config


def module_project(folder, config):
    (folder / "workflow").mkdir(parents=True)
    (folder / "config").mkdir()
    (folder / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (folder / "workflow/Snakefile").write_text(
        'configfile: "config/config.yaml"\n\n\n'
        f"module vaelab:\n    snakefile:\n        {json.dumps(str(ROOT / 'Snakefile'))}\n    config:\n        config\n\n\n"
        "use rule * from vaelab\n"
    )
    return folder


def test_a_module_config_without_a_required_key_is_named(tmp_path):
    config = _full_config()
    del config["seeds"]
    project = module_project(tmp_path / "my project", config)
    proc = _snakemake("-n", cwd=project, check=False)
    assert proc.returncode != 0
    assert "'seeds' is a required property" in proc.stdout


@pytest.mark.smoke
def test_vaelab_runs_as_a_module_of_a_project_whose_path_has_a_space(tmp_path):
    project = module_project(tmp_path / "my project", _full_config())
    _snakemake("--cores", "2", cwd=project)
    report = project / "results/report"
    assert (report / "index.html").stat().st_size > 0
    # the run crate: the workflow is vaelab's Snakefile, pointing to vaelab's own Workflow RO-Crate,
    # and the config is the project's
    graph = {e["@id"]: e for e in json.loads((report / "ro-crate-metadata.json").read_text())["@graph"]}
    workflow = graph[graph["./"]["mainEntity"]["@id"]]
    assert workflow["name"].startswith("vaelab")
    workflow_crate = graph[workflow["subjectOf"]["@id"]]
    assert workflow_crate["sha256"] == hashlib.sha256((ROOT / "ro-crate-metadata.json").read_bytes()).hexdigest()
    run = graph["#workflow-run"]
    objects = run["object"] if isinstance(run["object"], list) else [run["object"]]
    assert "config/config.yaml" in {graph[o["@id"]].get("name") for o in objects}
    # every figure was drawn by vaelab's notebook and its caption is in the report
    figures = sorted((project / "results/mnist/figures").glob("*.json"))
    assert len(figures) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    for path in figures:
        notebook = json.loads(path.read_text())["provenance"]["notebook"]
        assert notebook == str(ROOT / "notebooks" / f"{path.stem}.ipynb")


@pytest.mark.smoke
def test_vaelab_runs_from_another_working_directory(tmp_path, smoke_tree):
    """The smoke study the `-s`/`-d` way, with the data elsewhere, sharing the smoke run's output
    cache as a colleague's project would: the whole DAG's dry run, then two figures that read every
    kind of cached result (models, evaluations, the classifier's, t-SNE maps) and the outside set:
    each is taken from the cache (their keys hold nothing of where vaelab, the project or the data
    lie) and the figures are drawn in the project. (The whole study from another folder, report
    and crate included, is the module run's test above.)"""
    project = tmp_path / "my project"
    project.mkdir()
    smoke = yaml.safe_load((ROOT / "config/smoke.yaml").read_text())
    (project / "config.yaml").write_text(yaml.safe_dump({**smoke, **_data_dirs()}))
    flags = ("-s", str(ROOT / "Snakefile"), "-d", str(project), "--configfile", str(project / "config.yaml"))
    dry = _snakemake("-n", "-p", *flags, cwd=tmp_path).stdout
    assert "rule crate:" in dry and "rule figure_latent_tsne:" in dry
    # rebuild commands, run in the project's folder, name vaelab's Snakefile
    launch = re.findall(r"--launch-flags=(.*?) --rebuild-flags", dry)
    assert launch and all("-s " in f and "Snakefile" in f for f in launch)
    cache = smoke_tree / "cache"
    entries = sorted(p.name for p in cache.iterdir())
    env = {**os.environ, "SNAKEMAKE_OUTPUT_CACHE": str(cache)}
    figures = [f"{smoke['results']}/mnist/figures/{name}.png" for name in ("anomaly_detection", "latent_tsne")]
    # the targets first: --cache and --configfile take every word after them
    cmd = [sys.executable, "-m", "snakemake", *figures, "--cores", "2", "--cache", *flags]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout[-6000:]
    # nothing computed and stored (a job computed here would be moved into the cache, then linked)
    moved = re.findall(r"^Moving output file (\S+) to cache\.$", proc.stdout, flags=re.M)
    assert moved == [] and sorted(p.name for p in cache.iterdir()) == entries, moved
    linked = re.findall(r"^Symlinking output file (\S+) from cache\.$", proc.stdout, flags=re.M)
    for kind in ("model.pt", "anomaly_scores.npz", "classifier/model.pt", "tsne_"):
        assert any(kind in path for path in linked), f"no {kind} taken from the cache: {linked}"
    results = project / smoke["results"]
    assert sorted(p.name for p in (results / "mnist/figures").glob("*.json")) == [
        "anomaly_detection.json",
        "latent_tsne.json",
    ]
    assert (project / ".snakemake").is_dir()
