# Stage 4: one Papermill notebook per analysis. Each rule runs its notebook, keeps the
# executed copy (+ HTML) under <results>/<dataset>/notebooks/, and writes the figure as
# PNG + PDF + JSON (numbers and provenance) under <results>/<dataset>/figures/.


FIGURE_NAMES.append("data_overview")


rule figure_data_overview:
    input:
        notebook="notebooks/data_overview.ipynb",
        split=rules.prepare_data.output.split,
        tsne=rules.tsne_test_images.output.tsne,
    output:
        **figure_outputs("data_overview", category="1. Data"),
    log:
        **notebook_logs("data_overview"),
    benchmark:
        f"{D}/benchmarks/figures/data_overview.tsv"
    params:
        job=notebook_job("data_overview", n_grid=100),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


# Reconstruction: training curves, reconstructions at every latent size, per-digit errors,
# the choice of latent size, compression, and the table of every model's metrics.


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


# Latent space. The chosen latent size is only known once every model is trained, so the
# figures that use it take every model's artifacts and pick in the notebook.


FIGURE_NAMES.append("latent_pca")


rule figure_latent_pca:
    input:
        notebook="notebooks/latent_pca.ipynb",
        latents=model_targets("latents.npz"),
        selection=rules.select_latent.output.selection,
    output:
        **figure_outputs("latent_pca", category="4. Latent space"),
    log:
        **notebook_logs("latent_pca"),
    benchmark:
        f"{D}/benchmarks/figures/latent_pca.tsv"
    params:
        job=notebook_job("latent_pca"),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("latent_tsne")


rule figure_latent_tsne:
    input:
        notebook="notebooks/latent_tsne.ipynb",
        latents=model_targets("latents.npz"),
        tsne=expand(rules.tsne.output.tsne, dataset=config["dataset"], model=config["models"]),
        selection=rules.select_latent.output.selection,
        split=rules.prepare_data.output.split,
    output:
        **figure_outputs("latent_tsne", category="4. Latent space"),
    log:
        **notebook_logs("latent_tsne"),
    benchmark:
        f"{D}/benchmarks/figures/latent_tsne.tsv"
    params:
        job=notebook_job("latent_tsne", k_neighbours=5),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


# needs the models with a 2D latent: the rule always exists, the target only when 2 is trained
if 2 in config["latent_sizes"]:
    FIGURE_NAMES.append("latent_grid_2d")


rule figure_latent_grid_2d:
    input:
        notebook="notebooks/latent_grid_2d.ipynb",
        models=model_targets("model.pt", latent_sizes=[2]),
        latents=model_targets("latents.npz", latent_sizes=[2]),
    output:
        **figure_outputs("latent_grid_2d", category="4. Latent space"),
    log:
        **notebook_logs("latent_grid_2d"),
    benchmark:
        f"{D}/benchmarks/figures/latent_grid_2d.tsv"
    params:
        job=notebook_job("latent_grid_2d", n_grid=15, limit=3.0, cvae_digits=[0, 4, 7]),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


FIGURE_NAMES.append("interpolation")


rule figure_interpolation:
    input:
        notebook="notebooks/interpolation.ipynb",
        models=model_targets("model.pt"),
        latents=model_targets("latents.npz"),
        selection=rules.select_latent.output.selection,
        split=rules.prepare_data.output.split,
    output:
        **figure_outputs("interpolation", category="4. Latent space"),
    log:
        **notebook_logs("interpolation"),
    benchmark:
        f"{D}/benchmarks/figures/interpolation.tsv"
    params:
        job=notebook_job("interpolation", n_pairs=5, n_steps=10),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


# Generation from the prior, scored by the digit classifier (rule train_classifier).


FIGURE_NAMES.append("generation")


rule figure_generation:
    input:
        notebook="notebooks/generation.ipynb",
        models=model_targets("model.pt"),
        selection=rules.select_latent.output.selection,
        classifier=rules.train_classifier.output.model,
        classifier_metrics=rules.train_classifier.output.metrics,
    output:
        **figure_outputs("generation", category="5. Generation"),
    log:
        **notebook_logs("generation"),
    benchmark:
        f"{D}/benchmarks/figures/generation.tsv"
    params:
        job=notebook_job("generation", n_samples=100, confidence_threshold=0.9),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


# Robustness: denoising, anomaly detection against letters (LETTERS_FILES: evaluate.smk),
# imputation of missing pixels.

FIGURE_NAMES.extend(["denoising", "anomaly_detection", "imputation"])


rule figure_denoising:
    input:
        notebook="notebooks/denoising.ipynb",
        split=rules.prepare_data.output.split,
        selection=rules.select_latent.output.selection,
        models=model_targets("model.pt"),
    output:
        **figure_outputs("denoising", category="6. Denoising"),
    log:
        **notebook_logs("denoising"),
    benchmark:
        f"{D}/benchmarks/figures/denoising.tsv"
    params:
        job=notebook_job(
            "denoising",
            gaussian_levels=[0.1, 0.25, 0.5, 0.75],
            salt_pepper_levels=[0.1, 0.25, 0.5],
            n_examples=8,
        ),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


rule figure_anomaly_detection:
    input:
        notebook="notebooks/anomaly_detection.ipynb",
        split=rules.prepare_data.output.split,
        selection=rules.select_latent.output.selection,
        models=model_targets("model.pt"),
        anomaly_scores=model_targets("anomaly_scores.npz"),
        **LETTERS_FILES,
    output:
        **figure_outputs("anomaly_detection", category="7. Anomaly detection"),
    log:
        **notebook_logs("anomaly_detection"),
    benchmark:
        f"{D}/benchmarks/figures/anomaly_detection.tsv"
    params:
        # None: all 10,000 letters; an int: a seeded subset of that many
        job=notebook_job("anomaly_detection", n_letters=None, n_top=10),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL


def imputation_inputs(wildcards):
    """The plain VAE at the imputation latent size, when VAEs are among the trained models."""
    if "vae" not in config["models"]:
        return {}
    return {"vae_model": f"{D}/models/vae_z{IMPUTATION_LATENT}/model.pt".format(dataset=wildcards.dataset)}


rule figure_imputation:
    input:
        unpack(imputation_inputs),
        notebook="notebooks/imputation.ipynb",
        split=rules.prepare_data.output.split,
        masked_model=rules.train_imputation_vae.output.model,
    output:
        **figure_outputs("imputation", category="8. Imputation"),
    log:
        **notebook_logs("imputation"),
    benchmark:
        f"{D}/benchmarks/figures/imputation.tsv"
    params:
        job=notebook_job(
            "imputation",
            latent=IMPUTATION_LATENT,
            plain_vae="vae" in config["models"],
            n_eval=500,
            n_knn_reference=5000,
            n_neighbors=5,
            n_iter=3,
            n_examples=8,
        ),
    threads: job_threads(config["threads"]["notebook"])
    shell:
        NOTEBOOK_SHELL
