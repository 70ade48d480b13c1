# Stage 1: verify the raw IDX files and write the split every later rule reads.


rule prepare_data:
    input:
        **{part: f"{config['data_dir']}/{name}.gz" for part, name in SPLIT_FILES.items()},
    output:
        split=f"{D}/data/split.npz",
    log:
        f"{D}/logs/prepare_data.log",
    benchmark:
        f"{D}/benchmarks/prepare_data.tsv"
    conda:
        CONDA_ENV
    threads: job_threads(1)  # one real core, in the scheduler's units like every job (common.smk)
    params:
        data_dir=lambda wc, input: os.path.dirname(input[0]),
        val_size=config["val_size"],
        seed=config["seed"],
        subset=subset_flags(),
        md5=shlex.quote(json.dumps(config.get("md5", {}))),
    shell:
        "vaelab prepare-data --dataset {wildcards.dataset} --data-dir {params.data_dir}"
        " --val-size {params.val_size} --seed {params.seed} {params.subset} --md5-json {params.md5}"
        " --out {output.split} > {log} 2>&1"
