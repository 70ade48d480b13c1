# Stage 2: train one model per (model, latent size).


rule train:
    input:
        split=rules.prepare_data.output.split,
    output:
        model=f"{MODEL_DIR}/model.pt",
        history=f"{MODEL_DIR}/history.csv",
    log:
        log=f"{D}/logs/train/{{model}}_z{{latent}}_seed{{seed}}.log",
        benchmark=benchmark_log("train/{model}_z{latent}_seed{seed}"),
    cache: True
    # longest first: a larger latent is a longer job, and the last job to start sets how long
    # the other cores wait idle
    priority: lambda wildcards: int(wildcards.latent)
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["train"])
    # a cluster job's memory (MB) and time limit (min), as every rule's: docs/performance.md#slurm-profile-resources
    resources:
        mem_mb=2500,
        runtime=40,
        gpu=1 if config["device"] == "cuda" else 0,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.train"),
        settings=lambda wc: training_settings(wc.model),
        flags=lambda wc: cli_flags(training_settings(wc.model)),
        device=config["device"],
        # not an output: Snakemake deletes the outputs of a failed job, and this file must
        # survive a crash so that a rerun resumes from the last finished epoch
        checkpoint=f"{D}/checkpoints/{{model}}_z{{latent}}_seed{{seed}}.pt",
    shell:
        "vaelab --benchmark {log.benchmark} train --split {input.split} --model {wildcards.model} --latent {wildcards.latent}"
        " {params.flags} --seed {wildcards.seed} --device {params.device} --threads {resources.torch_threads}"
        " --checkpoint {params.checkpoint} --out-model {output.model} --out-history {output.history}"
        " > {log.log} 2>&1"


# The digit classifier that scores generated digits (figure_generation).


rule train_classifier:
    input:
        split=rules.prepare_data.output.split,
    output:
        model=f"{D}/classifier/model.pt",
        metrics=f"{D}/classifier/metrics.json",
    log:
        log=f"{D}/logs/train_classifier.log",
        benchmark=benchmark_log("train_classifier"),
    cache: True
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["train"])
    resources:
        mem_mb=2000,
        runtime=10,
        gpu=1 if config["device"] == "cuda" else 0,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.classifier"),
        settings=in_key_order(config["classifier"]),
        flags=cli_flags(config["classifier"]),
        seed=config["seed"],
        device=config["device"],
    shell:
        "vaelab --benchmark {log.benchmark} train-classifier --split {input.split} {params.flags} --seed {params.seed}"
        " --device {params.device} --threads {resources.torch_threads}"
        " --out-model {output.model} --out-metrics {output.metrics} > {log.log} 2>&1"


# A VAE trained on randomly masked inputs, for the imputation figure: one per seed, as the grid.
IMPUTATION_LATENT = config["imputation"]["latent"]
IMPUTATION_DIR = f"{D}/imputation/vae_masked_z{IMPUTATION_LATENT}/seed{{seed}}"


rule train_imputation_vae:
    input:
        split=rules.prepare_data.output.split,
    output:
        model=f"{IMPUTATION_DIR}/model.pt",
        history=f"{IMPUTATION_DIR}/history.csv",
    log:
        log=f"{D}/logs/train/imputation_vae_z{IMPUTATION_LATENT}_seed{{seed}}.log",
        benchmark=benchmark_log(f"train/imputation_vae_z{IMPUTATION_LATENT}_seed{{seed}}"),
    cache: True
    priority: IMPUTATION_LATENT  # longest first, as rule train
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["train"])
    resources:
        mem_mb=2500,
        runtime=30,
        gpu=1 if config["device"] == "cuda" else 0,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.train"),
        latent=IMPUTATION_LATENT,
        flags=cli_flags(training_settings("vae")),
        device=config["device"],
        # not an output, so that it survives a crash (see rule train)
        checkpoint=f"{D}/checkpoints/imputation_vae_z{IMPUTATION_LATENT}_seed{{seed}}.pt",
    shell:
        "vaelab --benchmark {log.benchmark} train --split {input.split} --model vae --latent {params.latent}"
        " {params.flags} --mask-inputs --seed {wildcards.seed} --device {params.device} --threads {resources.torch_threads}"
        " --checkpoint {params.checkpoint} --out-model {output.model} --out-history {output.history}"
        " > {log.log} 2>&1"
