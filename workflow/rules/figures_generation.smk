# Figures: generation (see figures.smk for the pattern).
# A small CNN digit classifier scores the digits the models make from their prior.

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
        "{PY} -m vaelab.classifier --split {input.split} {params.flags} --seed {params.seed}"
        " --device {params.device} --threads {params.torch_threads}"
        " --out-model {output.model} --out-metrics {output.metrics} > {log} 2>&1"


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
