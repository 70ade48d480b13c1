# Stage 4: one Papermill notebook per analysis. Each rule runs its notebook, keeps the
# executed copy (+ HTML) under <results>/<dataset>/notebooks/, and writes the figure as
# PNG + PDF + JSON (numbers and provenance) under <results>/<dataset>/figures/.


FIGURE_NAMES.append("data_overview")


rule figure_data_overview:
    input:
        notebook="notebooks/data_overview.ipynb",
        split=rules.prepare_data.output.split,
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
