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
def model_targets(filename, latent_sizes=None):
    """`filename` of every configured model, at every latent size or at those given."""
    return expand(
        f"{MODEL_DIR}/{filename}",
        dataset=config["dataset"],
        model=config["models"],
        latent=latent_sizes or config["latent_sizes"],
    )


# Each figures*.smk file appends the names of the figures it defines (a PNG each), and
# any other final outputs (tables) to EXTRA_TARGETS.
FIGURE_NAMES = []
EXTRA_TARGETS = []


def all_targets():
    extra = [f"{D}/baselines.json", f"{D}/selected_latent.json"]
    return [
        *model_targets("metrics.json"),
        *expand(extra, dataset=config["dataset"]),
        *expand(f"{FIG}/{{name}}.png", dataset=config["dataset"], name=FIGURE_NAMES),
        *expand(EXTRA_TARGETS, dataset=config["dataset"]),
        f"{R}/report/index.html",
        f"{R}/report/ro-crate-metadata.json",
    ]


# --- figure notebooks ----------------------------------------------------------------
FIG = f"{D}/figures"


def figure_outputs(name, category):
    """A figure's files: PNG + PDF + JSON (numbers and provenance), and its executed notebook.

    The PNG is marked for `snakemake --report` with the caption workflow/report/<name>.rst.
    """
    return {
        "png": report(
            f"{FIG}/{name}.png",
            caption=f"../report/{name}.rst",
            category=category,
            labels={"figure": name},
        ),
        "pdf": f"{FIG}/{name}.pdf",
        "json": f"{FIG}/{name}.json",
        "notebook": f"{D}/notebooks/{name}.ipynb",
        "html": f"{D}/notebooks/{name}.html",
    }


def notebook_logs(name):
    # the executed notebook is written here as it runs: a failing cell's traceback is kept
    return {"stdout": f"{D}/logs/figures/{name}.log", "notebook": f"{D}/logs/figures/{name}.ipynb"}


def _parameter_name(key, value):
    return f"{key}_paths" if isinstance(value, list) else f"{key}_path"


def notebook_job(name, **settings):
    """params function: the JSON job `python -m vaelab notebook` runs.

    Papermill parameters: every named input as `<name>_path` (`<name>_paths` for lists),
    the figure as `out_figure_path`, any extra outputs as `out_<name>_path`, plus `settings`.
    """

    def job(wildcards, input, output, threads):
        inputs = {k: (list(v) if not isinstance(v, str) else v) for k, v in input.items()}
        outputs = dict(output.items())
        # the notebook is an input so that editing it reruns the figure; it is not a parameter
        parameters = {_parameter_name(k, v): v for k, v in inputs.items() if k != "notebook"}
        if "png" in outputs:
            parameters["out_figure_path"] = outputs["png"]
        for key, path in outputs.items():
            if key not in ("png", "pdf", "notebook", "html") and not (key == "json" and "png" in outputs):
                parameters[f"out_{key}_path"] = path
        parameters.update(dataset=wildcards.dataset, seed=config["seed"], **settings)
        return json.dumps(
            {
                "notebook": inputs.get("notebook", f"notebooks/{name}.ipynb"),
                "parameters": parameters,
                "inputs": inputs,
                "outputs": outputs,
                "wildcards": dict(wildcards.items()),
                "params": settings,
                "log_notebook": notebook_logs(name)["notebook"].format(dataset=wildcards.dataset),
                "configfiles": [os.path.relpath(c) for c in workflow.configfiles if os.path.relpath(c) != "config/config.yaml"],
                "threads": torch_threads(wildcards, threads),
            }
            # --config key=value of this run, for the rebuild command; absent when there are none
            | ({"config_args": dict(workflow.config_settings.config)} if workflow.config_settings.config else {})
        )

    return job


NOTEBOOK_SHELL = "{PY} -m vaelab notebook --rule {rule} --job {params.job:q} > {log.stdout} 2>&1"
