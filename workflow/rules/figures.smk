# Stage 4: one rule figure_<name> per entry of the figure table (config/figures.yaml),
# generated below as showyourwork generates its figure rules. Each runs notebooks/<name>.ipynb
# with Papermill, keeps the executed copy (+ HTML) under <results>/<dataset>/notebooks/, and
# writes the figure as PNG + PDF + JSON (numbers and provenance) under <results>/<dataset>/figures/.


for figure in FIGURES:

    rule:
        name:
            f"figure_{figure['name']}"
        input:
            **figure_inputs(figure),
            notebook=repo_path(f"notebooks/{figure['name']}.ipynb"),
        output:
            **figure_outputs(figure),
        log:
            # the executed notebook is written here as it runs: a failing cell's traceback is kept
            stdout=f"{D}/logs/figures/{figure['name']}.log",
            notebook=f"{D}/logs/figures/{figure['name']}.ipynb",
        benchmark:
            f"{D}/benchmarks/figures/{figure['name']}.tsv"
        conda:
            CONDA_ENV
        threads: job_threads(config["threads"]["notebook"])
        resources:
            mem_mb=figure["mem_mb"],
            runtime=10,
        params:
            rule=f"figure_{figure['name']}",
            # recorded by Snakemake: changing one figure's settings reruns that figure only
            settings=in_key_order(config["figures"].get(figure["name"], {})),
            # what the figure and its caption call the classes ({{ snakemake.params.class_noun }})
            class_noun=CLASSES.noun,
            class_names=list(CLASSES.names),
            outside_name=config["outside"]["name"],
            parameters=papermill_parameters(figure),
            torch_threads=torch_threads,
            # for the rebuild command in the provenance; functions of `output`, so Snakemake does not
            # record them: running with other flags (cores, profile, config files) reruns nothing
            launch_flags=lambda wc, output: LAUNCH_FLAGS,
            run_flags=lambda wc, output: RUN_FLAGS,
        shell:
            "vaelab notebook {input.notebook} --rule {params.rule} --parameters {params.parameters:q}"
            " --executed {output.notebook} --html {output.html} --log-notebook {log.notebook}"
            " --launch-flags={params.launch_flags:q} --rebuild-flags={params.run_flags:q}"
            " --threads {params.torch_threads} > {log.stdout} 2>&1"
