# Shared helpers: the validated config and figure table, settings, targets, thread accounting,
# wildcard constraints, and the command that rebuilds an output.
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


# --- threads -------------------------------------------------------------------------
# A job's threads are the real cores it uses, and torch is set to that many, on every executor.
# Locally, Snakemake trusts --cores, so `--cores 8` on a 2-core machine would run eight 1-thread
# jobs at once: there a job that uses n cores claims n * cores / CPU_COUNT scheduler threads,
# and torch is set to n. On a cluster (an executor that submits jobs, e.g. slurm, and inside
# its jobs) a job's threads are the CPUs it asks for (Slurm's cpus_per_task): no scaling.
CPU_COUNT = len(os.sched_getaffinity(0))


def scheduler_cores():
    try:
        return workflow.cores
    except WorkflowError:  # dry runs need no --cores
        return CPU_COUNT


def runs_locally():
    """True unless the jobs run on a cluster: in the process that submits them (the executor is
    known once the workflow executes, after this file is read) and inside a submitted job."""
    if workflow.remote_exec:
        return False
    plugin = workflow.executor_plugin
    return plugin is None or plugin.common_settings.local_exec


def job_threads(real):
    """The threads of jobs that use `real` cores (a function: it asks for the executor)."""

    def threads(wildcards):
        if not runs_locally():
            return real
        return max(1, real * max(scheduler_cores(), CPU_COUNT) // CPU_COUNT)

    return threads


def torch_threads(wildcards, threads):
    if not runs_locally():
        return threads
    return max(1, min(threads, threads * CPU_COUNT // max(scheduler_cores(), CPU_COUNT)))


# Before a Slurm run submits anything: Slurm answers, every partition asked for exists, every
# job fits on a node (src/vaelab/slurm.py says what to do when not). The executor is known here.
# First, SIGTERM (clusters, `timeout`) stops the run as Ctrl-C does, not after its jobs end.
onstart:
    from vaelab.stopping import stop_on_sigterm

    stop_on_sigterm()
    if workflow.executor_plugin is not None and workflow.executor_plugin.name == "slurm":
        from vaelab.slurm import check_jobs, partitions

        found, problem = partitions()
        if problem is None:
            jobs = [
                (job.rule.name, job.resources.get("slurm_partition"), job.threads, job.resources.get("mem_mb"))
                for job in workflow.dag.needrun_jobs()
            ]
            problem = check_jobs(jobs, found)
        if problem:
            raise WorkflowError(problem)


onerror:
    from vaelab.stopping import explain_stop

    explain_stop()


# --- settings ------------------------------------------------------------------------
def in_key_order(settings):
    """A settings dict sorted by key: Snakemake records params as serialized, so the order in
    which config files list the keys must not rerun a job."""
    return {key: settings[key] for key in sorted(settings)}


def training_settings(model):
    """config['training'] with the model's overrides applied."""
    settings = copy.deepcopy(config["training"])
    settings.update(config.get("overrides", {}).get(model, {}))
    return in_key_order(settings)


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
    """`filename` of every configured model and seed, at every latent size or at those given."""
    return expand(
        f"{MODEL_DIR}/{filename}",
        dataset=config["dataset"],
        model=config["models"],
        latent=latent_sizes or config["latent_sizes"],
        seed=config["seeds"],
    )


def is_drawn(figure):
    """A figure that draws the models of given latent sizes is drawn when all are trained."""
    return set(figure.get("latent_sizes", [])) <= set(config["latent_sizes"])


def figure_target(figure):
    """The file that stands for a figure: its PNG, or a table's CSV."""
    extension = "png" if figure["kind"] == "figure" else "csv"
    return f"{FIG}/{figure['name']}.{extension}"


def all_targets():
    targets = [
        *model_targets("metrics.json"),
        f"{D}/baselines.json",
        f"{D}/selected_latent.json",
        *[figure_target(f) for f in FIGURES if is_drawn(f)],
    ]
    return [*expand(targets, dataset=config["dataset"]), f"{R}/report/index.html", f"{R}/report/ro-crate-metadata.json"]


# --- figures: what each reads and writes ---------------------------------------------------
# The rules themselves are generated in figures.smk. Functions of a figure's table entry; the
# `rules.*` they name are looked up when a rule is made, after every stage's file is read.
def models_at(filename):
    return lambda figure: model_targets(filename, figure.get("latent_sizes"))


def imputation_baseline(figure):
    """The plain VAEs (every seed) of the masked VAE's latent size, where trained (else no input)."""
    if "vae" in config["models"] and IMPUTATION_LATENT in config["latent_sizes"]:
        return expand(
            f"{D}/models/vae_z{IMPUTATION_LATENT}/seed{{seed}}/model.pt",
            dataset=config["dataset"],
            seed=config["seeds"],
        )
    return None


# The artifacts a figure names as inputs: name -> its file(s), given the figure's entry.
ARTIFACTS = {
    "split": lambda figure: rules.prepare_data.output.split,
    "models": models_at("model.pt"),
    "metrics": models_at("metrics.json"),
    "histories": models_at("history.csv"),
    "latents": models_at("latents.npz"),
    "anomaly_scores": models_at("anomaly_scores.npz"),
    "anomaly_baselines": lambda figure: rules.anomaly_baselines.output.scores,
    "baselines": lambda figure: rules.baselines.output.baselines,
    "selection": lambda figure: rules.select_latent.output.selection,
    "tsne": lambda figure: expand(rules.tsne.output.tsne, dataset=config["dataset"], model=config["models"]),
    "tsne_test_images": lambda figure: rules.tsne_test_images.output.tsne,
    "classifier": lambda figure: rules.train_classifier.output.model,
    "classifier_metrics": lambda figure: rules.train_classifier.output.metrics,
    "outside_images": lambda figure: OUTSIDE_FILES["outside_images"],
    "outside_labels": lambda figure: OUTSIDE_FILES["outside_labels"],
    "masked_models": lambda figure: expand(
        rules.train_imputation_vae.output.model, dataset=config["dataset"], seed=config["seeds"]
    ),
    "vae_models": imputation_baseline,
}


def figure_inputs(figure):
    unknown = sorted(set(figure["inputs"]) - set(ARTIFACTS))
    if unknown:
        raise WorkflowError(
            f"{FIGURE_TABLE_PATH}: figure {figure['name']!r} names unknown input(s) {unknown}; "
            f"known: {sorted(ARTIFACTS)} (ARTIFACTS in workflow/rules/common.smk)"
        )
    files = {name: ARTIFACTS[name](figure) for name in figure["inputs"]}
    return {name: path for name, path in files.items() if path is not None}


def figure_outputs(figure):
    """A figure's files: PNG + PDF + JSON (a table: CSV + Markdown + JSON), and its executed
    notebook. The first is marked for `snakemake --report` with the figure's caption."""
    name = figure["name"]
    first, *others = ("png", "pdf", "json") if figure["kind"] == "figure" else ("csv", "md", "json")
    return {
        first: report(
            f"{FIG}/{name}.{first}",
            caption=f"../report/{name}.rst",
            category=figure["category"],
            labels={"figure": name},
        ),
        **{extension: f"{FIG}/{name}.{extension}" for extension in others},
        "notebook": f"{D}/notebooks/{name}.ipynb",
        "html": f"{D}/notebooks/{name}.html",
    }


def papermill_parameters(figure):
    """params function: the notebook's parameters as JSON. Each input is <name>_path (or
    <name>_paths for a list); a figure's PNG is out_figure_path (save_figure writes its PDF
    and JSON beside it), a table's files out_<extension>_path; then the figure's settings."""

    def parameters(wildcards, input, output):
        named_inputs = {name: input[name] for name in figure_inputs(figure)}
        paths = {
            f"{name}_paths" if isinstance(path, list) else f"{name}_path": path for name, path in named_inputs.items()
        }
        if figure["kind"] == "figure":
            paths["out_figure_path"] = output.png
        else:
            paths.update({f"out_{extension}_path": output[extension] for extension in ("csv", "md", "json")})
        settings = config["figures"].get(figure["name"], {})
        if "outside_images" in figure["inputs"]:
            settings = {
                **settings,
                "outside_name": config["outside"]["name"],
                "outside_dataset": config["outside"]["dataset"],
            }
        return json.dumps(
            {
                **paths,
                "dataset": wildcards.dataset,
                **CLASS_WORDS,
                "seed": config["seed"],
                "seeds": config["seeds"],
                **settings,
            }
        )

    return parameters


# --- the report -----------------------------------------------------------------------------
REPORT = f"{R}/report"


def report_figures():
    """{name: {'category', 'caption', 'json', 'html', 'notebook_copy', and 'png' or 'csv' and 'md'}}
    of every figure drawn in this run, in the table's order."""
    figures = {}
    for figure in FIGURES:
        if not is_drawn(figure):
            continue
        files = {key: path.format(dataset=config["dataset"]) for key, path in figure_outputs(figure).items()}
        figures[figure["name"]] = {
            **{key: files[key] for key in ("png", "csv", "md", "json", "html") if key in files},
            "category": figure["category"],
            "caption": repo_path(f"workflow/report/{figure['name']}.rst"),
            "notebook_copy": f"{REPORT}/notebooks/{figure['name']}.html",
        }
    return figures


def report_inputs(key):
    return [files[key] for files in report_figures().values() if key in files]


# --- the run's config as flags ------------------------------------------------------------------
# as configfiles() names it: relative to the working directory, wherever the repository is
MAIN_CONFIGFILE = os.path.relpath(REPO / "config/config.yaml")


def configfiles():
    """The config files of this run in the order Snakemake applies them: config.yaml (the
    Snakefile's), then those given with --configfile."""
    files = [os.path.relpath(c) for c in workflow.configfiles]
    return sorted(files, key=lambda c: c != MAIN_CONFIGFILE)


def _merged_configfiles():
    merged = {}
    for path in configfiles():
        with open(path) as f:
            update_config(merged, yaml.safe_load(f) or {})
    return merged


def _config_value(value):
    """A value as `--config key=value` reads it back (scalars as they are, the rest as JSON)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def config_overrides():
    """{key: value} of every top-level key whose value is not what the config files say: the
    run's --config settings, from what Snakemake made of them."""
    merged = _merged_configfiles()
    return {k: v for k, v in config.items() if merged.get(k) != v}


def run_flags():
    """The --configfile and --config flags that give this run's config: the config files
    after config/config.yaml, then every top-level key that differs from what they say."""
    flags = "".join(f" --configfile {c}" for c in configfiles() if c != MAIN_CONFIGFILE)
    overrides = config_overrides()
    if overrides:
        flags += " --config " + " ".join(shlex.quote(f"{k}={_config_value(v)}") for k, v in overrides.items())
    return flags


# for the commands a figure's provenance and the report give to rebuild an output
RUN_FLAGS = run_flags()


# --- how this run was started (--cores, --profile), for the same commands ---------------------------
def snakemake_argv():
    """The command line of the `snakemake` that was run (none when it was started from Python)."""
    program = Path(sys.argv[0])
    return sys.argv[1:] if "snakemake" in (program.name, program.parent.name) else []


# Worked out by the Snakemake the user started, and handed to the jobs in the environment
# (`envvars:` passes it on to cluster jobs): a job on a cluster is a fresh Snakemake with
# flags of its own. Rules pass it as a function of `output`, which Snakemake does not record,
# so that running with other flags reruns nothing.
LAUNCH_FLAGS_VARIABLE = "VAELAB_LAUNCH_FLAGS"


def snakefile_flag():
    """' -s <Snakefile>' when this run's Snakefile is not the one Snakemake finds in the working
    directory by itself (vaelab run with -s from another project's folder); else ''."""
    main = Path(workflow.main_snakefile).resolve()
    found = [p for p in ("Snakefile", "snakefile", "workflow/Snakefile", "workflow/snakefile") if os.path.exists(p)]
    return "" if found and Path(found[0]).resolve() == main else f" -s {shlex.quote(os.path.relpath(main))}"


if not workflow.remote_exec or LAUNCH_FLAGS_VARIABLE not in os.environ:
    os.environ[LAUNCH_FLAGS_VARIABLE] = (
        launch_flags(snakemake_argv(), scheduler_cores(), os.environ.get("SNAKEMAKE_PROFILE")) + snakefile_flag()
    )


# and the run's config flags: a job's advice to remake a damaged file names the whole command
RUN_FLAGS_VARIABLE = "VAELAB_RUN_FLAGS"  # vaelab.io.remake_command reads both
os.environ[RUN_FLAGS_VARIABLE] = RUN_FLAGS


envvars:
    LAUNCH_FLAGS_VARIABLE,
    RUN_FLAGS_VARIABLE,


LAUNCH_FLAGS = os.environ[LAUNCH_FLAGS_VARIABLE]
