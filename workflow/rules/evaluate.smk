# Stage 3: test-set metrics and latent means of every trained model.


rule evaluate:
    input:
        split=rules.prepare_data.output.split,
        model=rules.train.output.model,
        history=rules.train.output.history,
    output:
        metrics=f"{MODEL_DIR}/metrics.json",
        latents=f"{MODEL_DIR}/latents.npz",
    log:
        f"{D}/logs/evaluate/{{model}}_z{{latent}}.log",
    benchmark:
        f"{D}/benchmarks/evaluate/{{model}}_z{{latent}}.tsv"
    params:
        torch_threads=torch_threads,
    threads: job_threads(config["threads"]["evaluate"])
    shell:
        "{PY} -m vaelab evaluate --split {input.split} --model-path {input.model} --history {input.history}"
        " --threads {params.torch_threads} --out-metrics {output.metrics} --out-latents {output.latents}"
        " > {log} 2>&1"
