# Shared helpers: config validation, target lists, thread accounting, wildcard constraints.
import copy
import json
import os
import shlex
import sys

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

# The interpreter running Snakemake runs the jobs too: a user who calls .venv/bin/snakemake
# without activating the venv still gets the venv's vaelab and torch.
PY = shlex.quote(sys.executable)
R = config["results"]
D = f"{R}/{{dataset}}"
MODEL_DIR = f"{D}/models/{{model}}_z{{latent}}"

wildcard_constraints:
    dataset=config["dataset"],
    model="|".join(config["models"]),
    latent=r"\d+",


# --- threads -------------------------------------------------------------------------
# Snakemake trusts --cores, so `--cores 8` on a 2-core machine would run eight 1-thread
# jobs at once. A job that should use n real cores therefore claims n * cores / CPU_COUNT
# scheduler threads, and sets torch to the real count: no more threads run than the machine has.
CPU_COUNT = len(os.sched_getaffinity(0))


def scheduler_cores():
    try:
        return workflow.cores
    except WorkflowError:  # dry runs need no --cores
        return CPU_COUNT


def job_threads(real):
    return max(1, real * max(scheduler_cores(), CPU_COUNT) // CPU_COUNT)


def torch_threads(wildcards, threads):
    return max(1, min(threads, threads * CPU_COUNT // max(scheduler_cores(), CPU_COUNT)))


# --- settings ------------------------------------------------------------------------
def training_settings(model):
    """config['training'] with the model's overrides applied."""
    settings = copy.deepcopy(config["training"])
    settings.update(config.get("overrides", {}).get(model, {}))
    return settings


def cli_flags(settings):
    """{'batch_size': 1024, 'hidden': [400]} -> '--batch-size 1024 --hidden 400'."""
    parts = []
    for key, value in sorted(settings.items()):
        values = value if isinstance(value, list) else [value]
        parts.append(f"--{key.replace('_', '-')} " + " ".join(shlex.quote(str(v)) for v in values))
    return " ".join(parts)


def subset_flags():
    return " ".join(f"--subset-{part} {n}" for part, n in config.get("subset", {}).items() if n)


# --- targets -------------------------------------------------------------------------
def model_targets(filename):
    return expand(
        f"{MODEL_DIR}/{filename}",
        dataset=config["dataset"],
        model=config["models"],
        latent=config["latent_sizes"],
    )


def all_targets():
    return model_targets("metrics.json")
