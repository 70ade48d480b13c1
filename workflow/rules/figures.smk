# Stage 4: one rule figure_<name> per entry of the figure table (config/figures.yaml),
# generated below as showyourwork generates its figure rules. Each runs notebooks/<name>.ipynb
# with Papermill, keeps the executed copy (+ HTML) under <results>/<dataset>/notebooks/, and
# writes the figure as PNG + PDF + JSON (numbers and provenance) under <results>/<dataset>/figures/.


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
    "letters_images": lambda figure: LETTERS_FILES["letters_images"],
    "letters_labels": lambda figure: LETTERS_FILES["letters_labels"],
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
            f"known: {sorted(ARTIFACTS)} (ARTIFACTS in workflow/rules/figures.smk)"
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
        return json.dumps(
            {**paths, "dataset": wildcards.dataset, "seed": config["seed"], "seeds": config["seeds"], **settings}
        )

    return parameters


for figure in FIGURES:

    rule:
        name:
            f"figure_{figure['name']}"
        input:
            **figure_inputs(figure),
            notebook=f"notebooks/{figure['name']}.ipynb",
        output:
            **figure_outputs(figure),
        log:
            # the executed notebook is written here as it runs: a failing cell's traceback is kept
            stdout=f"{D}/logs/figures/{figure['name']}.log",
            notebook=f"{D}/logs/figures/{figure['name']}.ipynb",
        benchmark:
            f"{D}/benchmarks/figures/{figure['name']}.tsv"
        threads: job_threads(config["threads"]["notebook"])
        params:
            # recorded by Snakemake: changing one figure's settings reruns that figure only
            settings=config["figures"].get(figure["name"], {}),
            parameters=papermill_parameters(figure),
            torch_threads=torch_threads,
        shell:
            "{PY} -m vaelab notebook {input.notebook} --rule {rule} --parameters {params.parameters:q}"
            " --executed {output.notebook} --html {output.html} --log-notebook {log.notebook}"
            " --rebuild-flags {RUN_FLAGS:q} --threads {params.torch_threads} > {log.stdout} 2>&1"
