# Stage 6: the run as a Workflow Run RO-Crate (Provenance Run Crate profile) beside the report:
# <results>/report/ro-crate-metadata.json, ro-crate-preview.html, README.md, and copies of the text
# files it describes under files/. Included after report.smk (it reads rules.report).
CRATE = f"{REPORT}/ro-crate-metadata.json"


rule crate:
    """Every job of the run as a CreateAction (rule, wildcards, params, inputs and outputs with
    SHA-256, start and end times from Snakemake's records), read from Snakemake's DAG and
    metadata; figures, tables, notebooks and the workflow's files as data entities."""
    input:
        # what the crate describes: the jobs of every target of `all` but the crate itself
        targets=[t for t in all_targets() if not t.startswith(f"{REPORT}/ro-crate")],
    output:
        metadata=CRATE,
        preview=f"{REPORT}/ro-crate-preview.html",
        readme=f"{REPORT}/README.md",
        files=directory(f"{REPORT}/files"),
    log:
        f"{R}/logs/crate.log",
    benchmark:
        f"{R}/benchmarks/crate.tsv"
    conda:
        CONDA_ENV
    threads: job_threads(1)  # one real core, in the scheduler's units like every job (threads.smk)
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        # the results root, <results>/report/ro-crate-metadata.json's grandparent
        results=lambda wc, output: os.path.dirname(os.path.dirname(output.metadata)),
        configfiles=" ".join(shlex.quote(c) for c in configfiles() if c != MAIN_CONFIGFILE),
        config_args=lambda wc: json.dumps(config_overrides(), sort_keys=True, default=str),
        # the run's --cores, for the DAG the crate reads (threads params depend on it); a function of
        # `input`, so Snakemake does not record it: a dry run (1 core) must not see a changed param
        cores=lambda wc, input: scheduler_cores(),
        # the Snakefile that started the run (a project's with vaelab as a module) and vaelab's
        # folder, as the working directory names them; functions of `input`, not recorded
        snakefile=lambda wc, input: os.path.relpath(workflow.main_snakefile),
        workflow_dir=lambda wc, input: os.path.relpath(REPO),
    shell:
        "vaelab crate --results {params.results} --configfiles {params.configfiles} --config-args {params.config_args:q}"
        " --cores {params.cores} --snakefile {params.snakefile:q} --workflow-dir {params.workflow_dir:q}"
        " --targets {input.targets} --out {output.metadata} > {log} 2>&1"
