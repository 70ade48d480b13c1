# Stage 3: test-set metrics and latent means of every trained model.

# The out-of-distribution images (config `outside`), scored by every model for the anomaly figure.
OUTSIDE_FILES = {
    f"outside_{part}": f"{config['outside']['data_dir']}/{name}.gz"
    for part, name in OUTSIDE_IDX[config["outside"]["dataset"]][0].items()
}


rule evaluate:
    """Test metrics, latent means, and the anomaly scores (per-image reconstruction errors, and
    the VAE's and CVAE's -ELBO, of the test images and of the outside set): scoring in the model's own job, not in the figure's, spreads
    the CVAEs' ten passes per image over 18 jobs and keeps the figure's redraw to seconds."""
    input:
        **OUTSIDE_FILES,
        split=rules.prepare_data.output.split,
        model=rules.train.output.model,
        history=rules.train.output.history,
    output:
        metrics=f"{MODEL_DIR}/metrics.json",
        latents=f"{MODEL_DIR}/latents.npz",
        anomaly_scores=f"{MODEL_DIR}/anomaly_scores.npz",
    log:
        log=f"{D}/logs/evaluate/{{model}}_z{{latent}}_seed{{seed}}.log",
        benchmark=benchmark_log(f"evaluate/{{model}}_z{{latent}}_seed{{seed}}"),
    cache: True
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["evaluate"])
    resources:
        mem_mb=2000,
        runtime=10,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.evaluate"),
        outside_dataset=config["outside"]["dataset"],
        elbo_samples=config["evaluation"]["elbo_samples"],
    # the outside files' folder from the input, not a param: params are in the cache key, and where
    # the data lies must not change it (its content does)
    shell:
        "vaelab --benchmark {log.benchmark} evaluate --split {input.split} --model-path {input.model} --history {input.history}"
        ' --outside-dir "$(dirname {input.outside_images:q})" --outside-dataset {params.outside_dataset} --elbo-samples {params.elbo_samples} --seed {wildcards.seed}'
        " --threads {resources.torch_threads} --out-metrics {output.metrics}"
        " --out-latents {output.latents} --out-anomaly-scores {output.anomaly_scores} > {log.log} 2>&1"


rule baselines:
    input:
        split=rules.prepare_data.output.split,
    output:
        baselines=f"{D}/baselines.json",
    log:
        log=f"{D}/logs/baselines.log",
        benchmark=benchmark_log("baselines"),
    cache: True
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["evaluate"])
    resources:
        mem_mb=1000,
        runtime=10,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.baselines"),
        latent_sizes=" ".join(map(str, config["latent_sizes"])),
    shell:
        "vaelab --benchmark {log.benchmark} baselines --split {input.split} --latent-sizes {params.latent_sizes}"
        " --threads {resources.torch_threads} --out {output.baselines} > {log.log} 2>&1"


rule anomaly_baselines:
    """Anomaly scores of the test images and the outside set that need no trained model (PCA with
    as many components as each latent size; the distance to the nearest training image), for
    the anomaly figure: a job of its own, beside training."""
    input:
        **OUTSIDE_FILES,
        split=rules.prepare_data.output.split,
    output:
        scores=f"{D}/anomaly_baselines.npz",
    log:
        log=f"{D}/logs/anomaly_baselines.log",
        benchmark=benchmark_log("anomaly_baselines"),
    cache: True
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["evaluate"])
    resources:
        mem_mb=2500,
        runtime=10,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.baselines"),
        outside_dataset=config["outside"]["dataset"],
        latent_sizes=" ".join(map(str, config["latent_sizes"])),
    shell:
        'vaelab --benchmark {log.benchmark} anomaly-baselines --split {input.split} --outside-dir "$(dirname {input.outside_images:q})"'
        " --outside-dataset {params.outside_dataset}"
        " --latent-sizes {params.latent_sizes} --threads {resources.torch_threads} --out {output.scores} > {log.log} 2>&1"


rule select_latent:
    input:
        metrics=model_targets("metrics.json"),
    output:
        selection=f"{D}/selected_latent.json",
    log:
        f"{D}/logs/select_latent.log",
    benchmark:
        f"{D}/benchmarks/select_latent.tsv"
    conda:
        CONDA_ENV
    threads: job_threads(1)  # one real core, in the scheduler's units like every job (threads.smk)
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        tolerance=config["model_selection"]["tolerance"],
    shell:
        "vaelab select-latent --metrics {input.metrics} --tolerance {params.tolerance}"
        " --out {output.selection} > {log} 2>&1"


rule tsne:
    """t-SNE of one model's test latents at the chosen latent size, for the latent_tsne figure, of
    the first seed only (a map is an image; t-SNE is the slowest analysis). Every latent size is
    an input because the choice is only known once they are all trained."""
    input:
        selection=rules.select_latent.output.selection,
        latents=lambda wc: expand(
            f"{MODEL_DIR}/latents.npz", **wc, latent=config["latent_sizes"], seed=config["seeds"][0]
        ),
    output:
        tsne=f"{D}/embeddings/tsne_{{model}}.npz",
    log:
        log=f"{D}/logs/tsne/{{model}}.log",
        benchmark=benchmark_log(f"tsne/{{model}}"),
    cache: True
    # the slowest jobs after select_latent, and the t-SNE figure waits for all three: start them first
    priority: 10
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["evaluate"])
    resources:
        mem_mb=1000,
        runtime=10,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.tsne"),
        seed=config["seed"],
        tsne=config["tsne"],
    shell:
        "vaelab --benchmark {log.benchmark} tsne --latents {input.latents} --selection {input.selection} --seed {params.seed}"
        " --perplexity {params.tsne[perplexity]} --angle {params.tsne[angle]}"
        " --iterations {params.tsne[iterations]} --pca-dims {params.tsne[pca_dims]}"
        " --threads {resources.torch_threads} --out {output.tsne} > {log.log} 2>&1"


rule tsne_test_images:
    """t-SNE of the raw test images, for the data_overview figure: needs only the split, so it
    runs beside the training jobs, and redrawing the figure does not redo it."""
    input:
        split=rules.prepare_data.output.split,
    output:
        tsne=f"{D}/embeddings/tsne_test_images.npz",
    log:
        log=f"{D}/logs/tsne/test_images.log",
        benchmark=benchmark_log("tsne/test_images"),
    cache: True
    conda:
        CONDA_ENV
    threads: job_threads(config["threads"]["evaluate"])
    resources:
        mem_mb=1000,
        runtime=10,
        torch_threads=torch_threads_resource,
    params:
        cache_key=cache_key("vaelab.commands.tsne"),
        seed=config["seed"],
        tsne=config["tsne"],
    shell:
        "vaelab --benchmark {log.benchmark} tsne-images --split {input.split} --seed {params.seed}"
        " --perplexity {params.tsne[perplexity]} --angle {params.tsne[angle]}"
        " --iterations {params.tsne[iterations]} --pca-dims {params.tsne[pca_dims]}"
        " --threads {resources.torch_threads} --out {output.tsne} > {log.log} 2>&1"
