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
    threads: job_threads(1)  # one real core, in the scheduler's units like every job (threads.smk)
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        val_size=config["val_size"],
        seed=config["seed"],
        subset=subset_flags(),
        md5=shlex.quote(json.dumps(config.get("md5", {}), sort_keys=True)),
    shell:
        # the folder from the input, not a param: a param is in the cache keys of every later job, and
        # where the data lies must not change them (its content does)
        f'vaelab prepare-data --dataset {{wildcards.dataset}} --data-dir "$(dirname {{input.{next(iter(SPLIT_FILES))}:q}})"'
        " --val-size {params.val_size} --seed {params.seed} {params.subset} --md5-json {params.md5}"
        " --out {output.split} > {log} 2>&1"
