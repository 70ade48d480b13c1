"""The config is validated against the schema before any job runs."""

import copy
import re

import jsonschema
import pytest
import yaml

from snakemake.utils import update_config

from conftest import ROOT, snakemake

SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def _validate(cfg):
    jsonschema.validate(cfg, SCHEMA)


SMOKE = yaml.safe_load((ROOT / "config/smoke.yaml").read_text())


def test_shipped_configs_are_valid():
    _validate(CONFIG)
    smoke = copy.deepcopy(CONFIG)
    update_config(smoke, SMOKE)  # as Snakemake merges a --configfile: key by key
    _validate(smoke)


def _leaves(d, prefix=""):
    for key, value in d.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def test_smoke_config_holds_only_what_differs():
    publication = dict(_leaves(CONFIG))
    same = [key for key, value in _leaves(SMOKE) if publication.get(key) == value]
    assert not same, f"config/smoke.yaml repeats config.yaml's values of {same}"


TRAINING_SCHEMA = SCHEMA["definitions"]["training"]["properties"]
# (key, value) pairs at and around each bound of `training`
TRAINING_VALUES = [
    ("epochs", 0), ("epochs", 1), ("epochs", -1), ("batch_size", 0), ("batch_size", 1),
    ("lr", 0.0), ("lr", 1e-9), ("lr", -0.1), ("weight_decay", -0.01), ("weight_decay", 0.0),
    ("beta", -1.0), ("beta", 0.0), ("recon_loss", "bce"), ("recon_loss", "l1"),
    ("precision", "bfloat16"), ("precision", "float16"),
]


@pytest.mark.parametrize("key, value", TRAINING_VALUES)
def test_training_code_and_schema_accept_the_same_values(key, value):
    from vaelab.train.loop import TrainConfig

    schema_ok = jsonschema.Draft202012Validator(TRAINING_SCHEMA[key]).is_valid(value)
    settings = {k: v for k, v in CONFIG["training"].items() if k in TrainConfig.__dataclass_fields__}
    try:
        TrainConfig(**{**settings, "seed": 0, key: value})
        code_ok = True
    except ValueError:
        code_ok = False
    assert code_ok == schema_ok, f"{key}={value!r}: schema {'accepts' if schema_ok else 'rejects'}, code does not agree"


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda c: c.__setitem__("models", ["ae", "gan"]), "gan"),
        (lambda c: c.__setitem__("latent_sizes", [2, 0]), "0"),
        (lambda c: c["training"].__setitem__("epochs", -1), "-1"),
        (lambda c: c["training"].__setitem__("epochs", 0), "0 is less than the minimum of 1"),
        (lambda c: c.__setitem__("overrides", {"cvae": {"epochs": 0}}), "0 is less than the minimum of 1"),
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


def test_every_job_declares_log_benchmark_and_threads_and_writes_to_its_log():
    """The brief's rule shape, checked on every job of the smoke DAG (`rule all` aside): a
    job's stderr goes to its declared log, its time and memory to its benchmark file, and
    its `threads:` is what the thread accounting scales (printed by Snakemake when > 1)."""
    out = snakemake("-n", "-p", "--forceall", "--cores", "1024", "--configfile", "config/smoke.yaml").stdout
    blocks = re.split(r"\n(?=(?:local)?rule \w+:\n)", out)
    jobs = [b for b in blocks if re.match(r"(?:local)?rule \w+:\n", b) and not re.match(r"(?:local)?rule all:", b)]
    assert len(jobs) >= 30
    for job in jobs:
        name = job.split(":", 1)[0]
        logs = re.search(r"^\s+log: (.+)$", job, flags=re.M)
        assert logs, f"{name} declares no log"
        assert re.search(r"^\s+benchmark: \S+\.tsv$", job, flags=re.M), f"{name} declares no benchmark"
        assert re.search(r"^\s+threads: \d+$", job, flags=re.M), f"{name} declares no threads"
        first_log = logs.group(1).split(", ")[0]
        assert f"> {first_log} 2>&1" in job or f">{first_log} 2>&1" in job or f"--log {first_log}" in job, \
            f"{name}'s command does not write to its log {first_log}"
