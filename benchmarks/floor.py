"""Benchmark 6: the compute floor of the publication config (its training FLOPs at the measured
matmul ceiling) and the full run's ratio to it."""

from __future__ import annotations


def bench_floor(ceiling_gflops: float, full_run_seconds: float | None, ceilings_around_run: dict | None = None) -> dict:
    """The compute floor of the publication config at `ceiling_gflops`, and the full run's ratio to
    it; with `ceilings_around_run` ({"before": GFLOP/s, "after": GFLOP/s}, from benchmarks.full_run)
    also the ratio at each of those, shown beside the verdict (which uses this run's ceiling)."""
    from benchmarks.flops import compute_floor_seconds, training_flops, training_jobs
    from benchmarks.report import verdict
    from benchmarks.run import PUB_CONFIG, ROOT, load_config
    from vaelab.data.datasets import read_idx

    config = load_config(PUB_CONFIG)
    n_file = len(read_idx(ROOT / config["data_dir"] / "train-labels-idx1-ubyte.gz", None))
    n_train = n_file - config["val_size"]
    if config.get("subset", {}).get("train"):
        n_train = min(n_train, config["subset"]["train"])
    rows = training_flops(training_jobs(config, n_train))
    total = sum(r["flops"] for r in rows)
    executed = sum(r["executed_flops"] for r in rows)
    floor = compute_floor_seconds(total, ceiling_gflops)
    executed_floor = compute_floor_seconds(executed, ceiling_gflops)
    out = {
        "jobs": rows,
        "total_flops": total,
        "ceiling_gflops": ceiling_gflops,
        "floor_seconds": floor,
        "executed_flops": executed,
        "executed_floor_seconds": executed_floor,
        "full_run_seconds": full_run_seconds,
        "full_run_over_floor": None,
        "full_run_over_executed_floor": None,
    }
    if full_run_seconds is not None:
        out["full_run_over_floor"] = full_run_seconds / floor
        out["full_run_over_executed_floor"] = full_run_seconds / executed_floor
    out["around_run"] = [
        {
            "when": when,
            "ceiling_gflops": gflops,
            "full_run_over_floor": full_run_seconds / compute_floor_seconds(total, gflops),
            "full_run_over_executed_floor": full_run_seconds / compute_floor_seconds(executed, gflops),
        }
        for when, gflops in (ceilings_around_run or {}).items()
        if full_run_seconds is not None
    ]
    out["verdict_minutes"] = verdict("full_run_minutes", None if full_run_seconds is None else full_run_seconds / 60)
    out["verdict_floor"] = verdict("full_run_over_floor", out["full_run_over_floor"])
    return out


def split_core_seconds(rules: list[dict], cores: int, floor_seconds: float) -> dict:
    """The publication run's job-seconds (Snakemake's benchmark files) split into the training
    jobs, whose FLOPs are the floor (rule train, the imputation VAE, the classifier), and
    everything else; each as minutes of `cores` busy cores. `training_over_floor` is what the
    training jobs alone cost against the floor: if it is above the target, no work on the
    notebooks, t-SNE or evaluation can meet it."""
    training = sum(r["seconds"] or 0.0 for r in rules if r["job"].startswith("train"))
    other = sum(r["seconds"] or 0.0 for r in rules if not r["job"].startswith("train"))
    return {
        "cores": cores,
        "training_job_seconds": training,
        "other_job_seconds": other,
        "training_share": training / (training + other) if training + other else None,
        "training_minutes_on_cores": training / cores / 60,
        "other_minutes_on_cores": other / cores / 60,
        "training_over_floor": training / cores / floor_seconds,
    }
