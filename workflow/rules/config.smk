# The validated config and figure table, the paths every rule writes under, wildcard
# constraints, and the repository's own files (read from the workflow's folder).
import copy
import json
import os
import shlex
import sys
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import update_config, validate

from vaelab.config_checks import check_config, check_renamed_keys, check_schema, typed_config_values
from vaelab.data.classes import config_classes
from vaelab.data.datasets import OUTSIDE_FILES as OUTSIDE_IDX, SPLIT_FILES
from vaelab.publish.provenance import launch_flags

# The repository: every file a rule reads from it resolves from here, not from the working
# directory (snakemake -d <project>, or another project's `module`).
REPO = Path(workflow.current_basedir.get_path_or_uri(secret_free=True)).parents[1]


def repo_path(rel):
    """A repository file as rules name it: relative to the working directory when inside it, so that
    records and provenance do not depend on where the clone is; else absolute."""
    path = REPO / rel
    return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)


check_renamed_keys(config)  # an older config's keys, named with their new names
CONFIG_SCHEMA = str(REPO / "workflow/schemas/config.schema.yaml")
# `--config seeds=[0]` arrives as ['0']: Snakemake reads a list or mapping as untyped YAML
update_config(
    config,
    typed_config_values(dict(workflow.config_settings.config), yaml.safe_load(Path(CONFIG_SCHEMA).read_text())),
)
check_schema(config, CONFIG_SCHEMA)  # one line per bad key (Snakemake's message prints the schema)
validate(config, schema="../schemas/config.schema.yaml")
check_config(config)  # cross-field checks: what the schema cannot say
# the dataset's class names and noun: every notebook and caption says them (vaelab.data.classes)
CLASSES = config_classes(config)
CLASS_WORDS = {"class_names": list(CLASSES.names), "class_noun": CLASSES.noun}

# The study's figures: one entry each, in the report's order (see config/figures.yaml).
FIGURE_TABLE_PATH = repo_path("config/figures.yaml")
with open(FIGURE_TABLE_PATH) as table_file:
    FIGURE_TABLE = yaml.safe_load(table_file)
validate(FIGURE_TABLE, schema="../schemas/figures.schema.yaml")
FIGURES = [
    # category: the section as `snakemake --report` and the report number it, "3. Latent space"
    dict(figure, section=section["title"], category=f"{number}. {section['title']}")
    for number, section in enumerate(FIGURE_TABLE["sections"], start=1)
    for figure in section["figures"]
]


def check_figure_table():
    """Every figure has its notebook and caption; settings are only given to known figures."""
    names = [f["name"] for f in FIGURES]
    problems = [f"figure {n!r} is listed twice" for n in sorted({n for n in names if names.count(n) > 1})]
    for name in names:
        for path in (repo_path(f"notebooks/{name}.ipynb"), repo_path(f"workflow/report/{name}.rst")):
            if not os.path.exists(path):
                problems.append(f"figure {name!r} has no {path}")
    for name in sorted(set(config["figures"]) - set(names)):
        problems.append(f"config figures.{name}: no figure {name!r} in {FIGURE_TABLE_PATH}")
    if problems:
        raise WorkflowError(f"{FIGURE_TABLE_PATH}:\n  " + "\n  ".join(problems))


check_figure_table()


# Jobs call `vaelab`: the one installed beside the interpreter running Snakemake, so that a user who
# calls .venv/bin/snakemake without activating the venv still gets the venv's vaelab and torch
# (with --sdm conda, the job's environment comes first).
envvars:
    "PATH",


os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
# Every job's software: with `snakemake --sdm conda`, Snakemake builds this environment and runs
# the jobs in it (a path relative to the rule files)
CONDA_ENV = "../envs/vaelab.yaml"
R = config["results"]
D = f"{R}/{{dataset}}"
# one folder per training replicate: the seed is part of every model's path
MODEL_DIR = f"{D}/models/{{model}}_z{{latent}}/seed{{seed}}"
FIG = f"{D}/figures"


wildcard_constraints:
    dataset=config["dataset"],
    model="|".join(config["models"]),
    latent=r"\d+",
    seed=r"\d+",
