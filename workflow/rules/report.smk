# Stage 5: the rendered report (<results>/report/index.html): every declared figure with its
# caption and provenance, the metrics table, the study's claims checked against this run's
# numbers, and how to rebuild it. Included last, so FIGURE_NAMES is complete here.
from snakemake.io import get_flag_value


# the front page of `snakemake --report`
report: "../report/workflow.rst"


REPORT = f"{R}/report"
# tables drawn by a figure_<name> rule but not listed in FIGURE_NAMES (their target is no PNG)
REPORT_TABLES = ["metrics_table"]
# the files of a figure the report reads, by the output names figure_outputs() gives them
REPORT_FIGURE_FILES = ("png", "json", "html", "csv", "md")


def figure_rule(name):
    if not workflow.is_rule(f"figure_{name}"):
        raise WorkflowError(f"FIGURE_NAMES lists {name!r} but no rule figure_{name} is defined")
    return workflow.get_rule(f"figure_{name}")


def report_figures():
    """{name: {'category', 'caption', 'notebook_copy', 'png', 'json', 'html', ...}} of every
    declared figure, read off its rule: the report follows the rules, not a list of its own."""
    figures = {}
    tables = [t for t in REPORT_TABLES if t not in FIGURE_NAMES and workflow.is_rule(f"figure_{t}")]
    for name in FIGURE_NAMES + tables:
        rule_ = figure_rule(name)
        outputs = dict(getattr(rules, rule_.name).output.items())
        entry = {key: expand(outputs[key], dataset=config["dataset"])[0] for key in REPORT_FIGURE_FILES if key in outputs}
        flags = [get_flag_value(f, "report") for f in rule_.output]
        entry["category"] = next((f.category for f in flags if f and f.category), "Other figures")
        caption = f"workflow/report/{name}.rst"
        if os.path.exists(caption):
            entry["caption"] = caption
        if "html" in entry:
            entry["notebook_copy"] = f"{REPORT}/notebooks/{name}.html"
        figures[name] = entry
    return figures


def report_inputs(key):
    return [f[key] for f in report_figures().values() if key in f]


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
        rulegraph=[p for p in ["docs/rulegraph.svg"] if os.path.exists(p)],
    output:
        html=f"{REPORT}/index.html",
        claims=f"{REPORT}/claims.json",
        notebooks=report_inputs("notebook_copy"),
    log:
        f"{R}/logs/report.log",
    benchmark:
        f"{R}/benchmarks/report.tsv"
    params:
        figures=lambda wc: json.dumps(report_figures()),
        settings=lambda wc: json.dumps(
            {
                "config": config,
                "training": {m: training_settings(m) for m in config["models"]},
                "configfiles": [os.path.relpath(c) for c in workflow.configfiles if os.path.relpath(c) != "config/config.yaml"],
                "config_args": dict(workflow.config_settings.config),  # --config key=value
            },
            sort_keys=True,
            default=str,
        ),
    threads: job_threads(1)  # one real core, in the scheduler's units like every job (common.smk)
    shell:
        "{PY} -m vaelab.publish.report --figures {params.figures:q} --settings {params.settings:q}"
        " --metrics {input.metrics} --baselines {input.baselines} --selection {input.selection}"
        " --split {input.split} --rulegraph {input.rulegraph} --out {output.html} --out-claims {output.claims} > {log} 2>&1"
