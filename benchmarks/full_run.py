"""`python -m benchmarks.full_run` (`make fullrun`): time the whole study from an empty results
tree, with the float32 matmul ceiling measured just before and just after it, and write
benchmarks/FULL_RUN.json, which `make bench BENCH_FLAGS="--full-run benchmarks/FULL_RUN.json"`
reads.

Why the ceilings: the full run is judged against its compute floor (training FLOPs over the
matmul rate), and on a shared VM that rate drifts during a 45-minute run (74-134 GFLOP/s around
one run on 2026-12-01). `make bench` measures its own ceiling later; the two measured around the
run show how much the floor ratio owes to the moment the ceiling was sampled.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.report import FULL_RUN_JSON

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / FULL_RUN_JSON


def require_fresh(results: Path) -> None:
    """Stop unless `results` is missing or empty: training resumes from the checkpoints in it,
    so a run over an old tree would time the resumption, not the study."""
    if results.is_dir() and any(results.iterdir()):
        sys.exit(
            f"{results} is not empty: a full run starts from nothing (training would resume from its "
            "checkpoints). Move it away, or run this in a fresh clone."
        )


def ceiling(threads: int, n: int = 2048, repeats: int = 10) -> dict:
    import torch

    from benchmarks.flops import matmul_gflops

    torch.set_num_threads(threads)
    return matmul_gflops(n, repeats)


def time_full_run(command: list[str], cwd: Path, threads: int, matmul_n: int = 2048) -> dict:
    """Run `command` in `cwd` between two measurements of the matmul ceiling; its wall time."""
    before = ceiling(threads, matmul_n)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd)
    seconds = time.perf_counter() - t0
    after = ceiling(threads, matmul_n)
    return {
        "command": command,
        "started": started,
        "seconds": seconds,
        "returncode": proc.returncode,
        "ceiling_before": before,
        "ceiling_after": after,
    }


def main(argv: list[str] | None = None) -> None:
    from benchmarks.report import machine_info
    from benchmarks.run import PUB_CONFIG, load_config, results_dir
    from vaelab.io import write_json

    ap = argparse.ArgumentParser(prog="python -m benchmarks.full_run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--cores", type=int, default=8, help="snakemake --cores (default 8, as users run it)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON written (default benchmarks/FULL_RUN.json)")
    args = ap.parse_args(argv)

    require_fresh(ROOT / results_dir(load_config(PUB_CONFIG)))
    threads = len(os.sched_getaffinity(0))
    snakemake = str(Path(sys.executable).with_name("snakemake"))
    run = time_full_run([snakemake, "--cores", str(args.cores)], ROOT, threads)
    run["machine"] = machine_info(threads)
    write_json(args.out, run)
    b, a = run["ceiling_before"]["best_gflops"], run["ceiling_after"]["best_gflops"]
    print(
        f"full run: {run['seconds'] / 60:.1f} min, exit {run['returncode']}; matmul ceiling {b:.1f} GFLOP/s "
        f"before, {a:.1f} after; wrote {args.out}"
    )
    if run["returncode"] != 0:
        sys.exit(f"snakemake failed (exit {run['returncode']}): the time in {args.out} is not a full run")


if __name__ == "__main__":
    main()


def read_full_run(path: Path) -> tuple[float, dict]:
    """(seconds, {"before": GFLOP/s, "after": GFLOP/s}) from benchmarks.full_run's JSON; a run
    that failed is an error, not a time."""
    import json

    run = json.loads(Path(path).read_text())
    if run.get("returncode") != 0:
        raise SystemExit(
            f"{path}: that full run failed (exit {run.get('returncode')}), so its time is not a full run's"
        )
    return run["seconds"], {
        "before": run["ceiling_before"]["best_gflops"],
        "after": run["ceiling_after"]["best_gflops"],
    }
