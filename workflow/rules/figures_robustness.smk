# Figures: robustness (see figures.smk for the pattern).

# EMNIST letters a-m: out-of-distribution images for the anomaly-detection figure.
LETTERS_DIR = "data/emnist-letters"
LETTERS_FILES = {
    "letters_images": f"{LETTERS_DIR}/emnist-letters-test-images-idx3-ubyte.gz",
    "letters_labels": f"{LETTERS_DIR}/emnist-letters-test-labels-idx1-ubyte.gz",
}

# The imputation VAE's latent size: 20 if trained for the other figures, else the largest.
IMPUTATION_LATENT = 20 if 20 in config["latent_sizes"] else max(config["latent_sizes"])
IMPUTATION_DIR = f"{D}/imputation/vae_masked_z{IMPUTATION_LATENT}"

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


rule train_imputation_vae:
    input:
        split=rules.prepare_data.output.split,
    output:
        model=f"{IMPUTATION_DIR}/model.pt",
        history=f"{IMPUTATION_DIR}/history.csv",
    log:
        f"{D}/logs/train/imputation_vae_z{IMPUTATION_LATENT}.log",
    benchmark:
        f"{D}/benchmarks/train/imputation_vae_z{IMPUTATION_LATENT}.tsv"
    params:
        latent=IMPUTATION_LATENT,
        flags=cli_flags(training_settings("vae")),
        seed=config["seed"],
        device=config["device"],
        torch_threads=torch_threads,
        # not an output, so that it survives a crash (see rule train)
        checkpoint=f"{D}/checkpoints/imputation_vae_z{IMPUTATION_LATENT}.pt",
    threads: job_threads(config["threads"]["train"])
    resources:
        gpu=1 if config["device"] == "cuda" else 0,
    shell:
        "{PY} -m vaelab train --split {input.split} --model vae --latent {params.latent}"
        " {params.flags} --mask-inputs --seed {params.seed} --device {params.device} --threads {params.torch_threads}"
        " --checkpoint {params.checkpoint} --out-model {output.model} --out-history {output.history}"
        " > {log} 2>&1"


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
