# Figures: latent (see figures.smk for the pattern).
# The chosen latent size is only known once every model is trained, so the figures that
# use it take every model's artifacts and pick in the notebook.


def at_latent_size(filename, latent):
    """`filename` of every model at one latent size."""
    return expand(f"{MODEL_DIR}/{filename}", dataset=config["dataset"], model=config["models"], latent=[latent])


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
        models=at_latent_size("model.pt", 2),
        latents=at_latent_size("latents.npz", 2),
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
