# Stage 5: the rendered report (<results>/report/index.html): every figure of the table with
# its caption and provenance, the metrics table, the study's claims checked against this
# run's numbers, and how to rebuild it.


# the front page of `snakemake --report`
report: "../report/workflow.rst"


rule report:
    input:
        figure_json=report_inputs("json"),
        figure_png=report_inputs("png"),
        notebook_html=report_inputs("html"),
        tables=report_inputs("csv") + report_inputs("md"),
        captions=report_inputs("caption"),
        metrics=model_targets("metrics.json"),
        baselines=expand(rules.baselines.output.baselines, dataset=config["dataset"]),
        selection=expand(rules.select_latent.output.selection, dataset=config["dataset"]),
        split=expand(rules.prepare_data.output.split, dataset=config["dataset"]),
        # drawn by `make dag` (graphviz) and committed; left out when absent
        rulegraph=[p for p in [repo_path("docs/rulegraph.svg")] if os.path.exists(p)],
    output:
        html=f"{REPORT}/index.html",
        claims=f"{REPORT}/claims.json",
        notebooks=report_inputs("notebook_copy"),
    log:
        f"{R}/logs/report.log",
    benchmark:
        f"{R}/benchmarks/report.tsv"
    conda:
        CONDA_ENV
    threads: job_threads(1)  # one real core, in the scheduler's units like every job (threads.smk)
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        figures=json.dumps(report_figures()),
        settings=json.dumps(
            {
                "config": config,
                "training": {m: training_settings(m) for m in config["models"]},
            },
            sort_keys=True,
            default=str,
        ),
        # for the rebuild commands; functions of `output`, so Snakemake does not record them:
        # running with other flags (cores, profile, config files) reruns nothing
        launch_flags=lambda wc, output: LAUNCH_FLAGS,
        run_flags=lambda wc, output: RUN_FLAGS,
    shell:
        "vaelab report --figures {params.figures:q} --settings {params.settings:q}"
        " --launch-flags={params.launch_flags:q} --run-flags={params.run_flags:q}"
        " --metrics {input.metrics} --baselines {input.baselines} --selection {input.selection}"
        " --split {input.split} --rulegraph {input.rulegraph} --out {output.html} --out-claims {output.claims} > {log} 2>&1"
