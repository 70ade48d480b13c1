# What a run builds: the models' settings as command-line flags, the targets of `all`, what
# each figure reads and writes, and the report's inputs.


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
    """config['subset'] as flags, sorted: a param is in the cache keys, which must not depend on
    the order a config file lists the parts in."""
    return " ".join(f"--subset-{part} {n}" for part, n in sorted(config.get("subset", {}).items()) if n)


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
            f"known: {sorted(ARTIFACTS)} (ARTIFACTS in workflow/rules/targets.smk)"
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
