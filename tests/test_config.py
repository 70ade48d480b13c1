"""The config is validated against the schema before any job runs."""

import copy
import re

import jsonschema
import pytest
import yaml

from conftest import ROOT, snakemake

SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def _validate(cfg):
    jsonschema.validate(cfg, SCHEMA)


def test_shipped_configs_are_valid():
    _validate(CONFIG)
    smoke = copy.deepcopy(CONFIG)
    smoke.update(yaml.safe_load((ROOT / "config/smoke.yaml").read_text()))
    _validate(smoke)


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda c: c.__setitem__("models", ["ae", "gan"]), "gan"),
        (lambda c: c.__setitem__("latent_sizes", [2, 0]), "0"),
        (lambda c: c["training"].__setitem__("epochs", -1), "-1"),
        (lambda c: c.__setitem__("latent_size", [2]), "latent_size"),
        (lambda c: c["training"].__setitem__("lerning_rate", 0.1), "lerning_rate"),
        (lambda c: c.__setitem__("overrides", {"vae": {"betta": 2}}), "betta"),
    ],
)
def test_bad_config_is_rejected(change, key):
    cfg = copy.deepcopy(CONFIG)
    change(cfg)
    with pytest.raises(jsonschema.ValidationError, match=re.escape(key)):
        _validate(cfg)


def test_dry_run_has_one_training_job_per_model_and_latent_size():
    out = snakemake("-n", "--forceall", "--cores", "8").stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert counts["train"] == "18"
    assert counts["evaluate"] == "18"


def test_snakemake_stops_on_a_misspelled_key_before_running_anything():
    proc = snakemake("-n", "--cores", "1", "--config", "latent_sizse=[2]", check=False)
    assert proc.returncode != 0
    assert "latent_sizse" in proc.stdout


def test_snakemake_stops_on_a_nonpositive_latent_size():
    proc = snakemake("-n", "--cores", "1", "--config", "latent_sizes=[0]", check=False)
    assert proc.returncode != 0
    assert "latent_sizes" in proc.stdout


def test_threads_scale_so_cores_8_never_oversubscribes_the_machine():
    import os

    cpus = len(os.sched_getaffinity(0))
    out = snakemake("-n", "--cores", "8", "-p", "--forceall", "results/mnist/models/vae_z20/metrics.json").stdout
    claimed = int(re.search(r"rule train:.*?threads: (\d+)", out, flags=re.S).group(1))
    torch_threads = int(re.search(r"vaelab train .*--threads (\d+)", out).group(1))
    concurrent = 8 // claimed
    assert concurrent * torch_threads <= max(cpus, 1)


def test_changing_one_models_setting_reruns_only_that_model(project_copy):
    # a complete smoke tree is not needed: a dry run compares recorded params
    snakemake("--cores", "2", "--configfile", "config/smoke.yaml", "--until", "evaluate", cwd=project_copy)
    (project_copy / "beta2.yaml").write_text("overrides: {vae: {beta: 2.0}}\n")
    out = snakemake("-n", "--until", "evaluate", "--configfile", "config/smoke.yaml", "beta2.yaml",
                    cwd=project_copy).stdout
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    assert counts.get("train") == "2", out[-3000:]  # vae at the two smoke latent sizes
    assert "model=vae" in out
    assert "model=ae," not in out and "model=cvae" not in out
