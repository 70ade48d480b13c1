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
