# Figures: recon (see figures.smk for the pattern).
# Training curves, reconstructions at every latent size, per-digit errors, the choice of
# latent size, compression, and the table of every model's metrics.


FIGURE_NAMES.append("training_curves")


rule figure_training_curves:
    input:
        notebook="notebooks/training_curves.ipynb",
        histories=model_targets("history.csv"),
    output:
        **figure_outputs("training_curves", category="2. Models and training"),
    log:
        **notebook_logs("training_curves"),
    benchmark:
        f"{D}/benchmarks/figures/training_curves.tsv"
    params:
        job=notebook_job("training_curves"),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("reconstructions_by_latent")


rule figure_reconstructions_by_latent:
    input:
        notebook="notebooks/reconstructions_by_latent.ipynb",
        split=rules.prepare_data.output.split,
        models=model_targets("model.pt"),
        metrics=model_targets("metrics.json"),
    output:
        **figure_outputs("reconstructions_by_latent", category="3. Compression and reconstruction"),
    log:
        **notebook_logs("reconstructions_by_latent"),
    benchmark:
        f"{D}/benchmarks/figures/reconstructions_by_latent.tsv"
    params:
        job=notebook_job("reconstructions_by_latent"),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("per_digit_mse")


rule figure_per_digit_mse:
    input:
        notebook="notebooks/per_digit_mse.ipynb",
        metrics=model_targets("metrics.json"),
    output:
        **figure_outputs("per_digit_mse", category="3. Compression and reconstruction"),
    log:
        **notebook_logs("per_digit_mse"),
    benchmark:
        f"{D}/benchmarks/figures/per_digit_mse.tsv"
    params:
        job=notebook_job("per_digit_mse"),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("model_selection")


rule figure_model_selection:
    input:
        notebook="notebooks/model_selection.ipynb",
        metrics=model_targets("metrics.json"),
        baselines=rules.baselines.output.baselines,
        selection=rules.select_latent.output.selection,
    output:
        **figure_outputs("model_selection", category="3. Compression and reconstruction"),
    log:
        **notebook_logs("model_selection"),
    benchmark:
        f"{D}/benchmarks/figures/model_selection.tsv"
    params:
        job=notebook_job("model_selection"),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("reconstructions")


rule figure_reconstructions:
    input:
        notebook="notebooks/reconstructions.ipynb",
        split=rules.prepare_data.output.split,
        models=model_targets("model.pt"),
        selection=rules.select_latent.output.selection,
    output:
        **figure_outputs("reconstructions", category="3. Compression and reconstruction"),
    log:
        **notebook_logs("reconstructions"),
    benchmark:
        f"{D}/benchmarks/figures/reconstructions.tsv"
    params:
        job=notebook_job("reconstructions", n_images=10),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("compression")


rule figure_compression:
    input:
        notebook="notebooks/compression.ipynb",
        split=rules.prepare_data.output.split,
        models=model_targets("model.pt"),
        metrics=model_targets("metrics.json"),
        baselines=rules.baselines.output.baselines,
    output:
        **figure_outputs("compression", category="3. Compression and reconstruction"),
    log:
        **notebook_logs("compression"),
    benchmark:
        f"{D}/benchmarks/figures/compression.tsv"
    params:
        job=notebook_job("compression", target_latent=10),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


# A table, not a picture: CSV + Markdown, and the JSON of its rows. Listed by its CSV
# rather than in FIGURE_NAMES (whose targets are PNGs).
EXTRA_TARGETS.append(f"{FIG}/metrics_table.csv")

rule figure_metrics_table:
    input:
        notebook="notebooks/metrics_table.ipynb",
        metrics=model_targets("metrics.json"),
        baselines=rules.baselines.output.baselines,
    output:
        csv=report(
            f"{FIG}/metrics_table.csv",
            caption="../report/metrics_table.rst",
            category="10. Metrics",
            labels={"figure": "metrics_table"},
        ),
        md=f"{FIG}/metrics_table.md",
        json=f"{FIG}/metrics_table.json",
        notebook=f"{D}/notebooks/metrics_table.ipynb",
        html=f"{D}/notebooks/metrics_table.html",
    log:
        **notebook_logs("metrics_table"),
    benchmark:
        f"{D}/benchmarks/figures/metrics_table.tsv"
    params:
        job=notebook_job("metrics_table"),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL
