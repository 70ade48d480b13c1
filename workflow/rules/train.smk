# Stage 2: train one model per (model, latent size).


rule train:
    input:
        split=rules.prepare_data.output.split,
    output:
        model=f"{MODEL_DIR}/model.pt",
        history=f"{MODEL_DIR}/history.csv",
    log:
        f"{D}/logs/train/{{model}}_z{{latent}}.log",
    benchmark:
        f"{D}/benchmarks/train/{{model}}_z{{latent}}.tsv"
    # longest first: a larger latent is a longer job (the CVAE: 86 s at z=2 to 105 s at z=100 in
    # the full run of 2026-12-02 on 2 cores), and the last job to start sets how long the other
    # core waits idle
    priority: lambda wildcards: int(wildcards.latent)
    params:
        settings=lambda wc: training_settings(wc.model),
        flags=lambda wc: cli_flags(training_settings(wc.model)),
        seed=config["seed"],
        device=config["device"],
        torch_threads=torch_threads,
        # not an output: Snakemake deletes the outputs of a failed job, and this file must
        # survive a crash so that a rerun resumes from the last finished epoch
        checkpoint=f"{D}/checkpoints/{{model}}_z{{latent}}.pt",
    threads: job_threads(config["threads"]["train"])
    resources:
        gpu=1 if config["device"] == "cuda" else 0,
    shell:
        "{PY} -m vaelab train --split {input.split} --model {wildcards.model} --latent {wildcards.latent}"
        " {params.flags} --seed {params.seed} --device {params.device} --threads {params.torch_threads}"
        " --checkpoint {params.checkpoint} --out-model {output.model} --out-history {output.history}"
        " > {log} 2>&1"


# The digit classifier that scores generated digits (figure_generation).
# Settings of the scorer, not of the study, so not config keys: about 99% test accuracy on
# MNIST in a few minutes on 2 CPU cores.
CLASSIFIER_SETTINGS = {"epochs": 4, "batch_size": 128, "lr": 0.001, "weight_decay": 0.01}


rule train_classifier:
    input:
        split=rules.prepare_data.output.split,
    output:
        model=f"{D}/classifier/model.pt",
        metrics=f"{D}/classifier/metrics.json",
    log:
        f"{D}/logs/train_classifier.log",
    benchmark:
        f"{D}/benchmarks/train_classifier.tsv"
    params:
        settings=CLASSIFIER_SETTINGS,
        flags=cli_flags(CLASSIFIER_SETTINGS),
        seed=config["seed"],
        device=config["device"],
        torch_threads=torch_threads,
    threads: job_threads(config["threads"]["train"])
    resources:
        gpu=1 if config["device"] == "cuda" else 0,
    shell:
        "{PY} -m vaelab.models.classifier --split {input.split} {params.flags} --seed {params.seed}"
        " --device {params.device} --threads {params.torch_threads}"
        " --out-model {output.model} --out-metrics {output.metrics} > {log} 2>&1"


# A VAE trained on randomly masked inputs, for the imputation figure.
# The imputation VAE's latent size: 20 if trained for the other figures, else the largest.
IMPUTATION_LATENT = 20 if 20 in config["latent_sizes"] else max(config["latent_sizes"])
IMPUTATION_DIR = f"{D}/imputation/vae_masked_z{IMPUTATION_LATENT}"


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
    priority: IMPUTATION_LATENT  # longest first, as rule train
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
