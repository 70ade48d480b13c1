"""`python -m benchmarks.seed_cost RESULTS_DIR`: what the training replicates cost, from the
benchmark files of one finished run with several seeds.

Each job is per-seed (its benchmark file names `seed<N>`: training and evaluation) or shared
(data, selection, t-SNE, figures, report). The job-seconds of the shared jobs plus one seed's
jobs are what a one-seed run of the same study costs, up to the shared jobs reading fewer models;
the run's cost over that is the replicates' factor. On a CPU-bound run (every core busy) wall
time follows job-seconds, so the factor is also the wall-time factor.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

from benchmarks.workflow import summarize_benchmarks

SEED = re.compile(r"seed(\d+)")


def seed_cost(results: str | Path) -> dict:
    """Job-seconds (wall and CPU) of every benchmark file under `results`, per seed and shared."""
    per_seed = defaultdict(lambda: {"seconds": 0.0, "cpu_time": 0.0, "jobs": 0})
    shared = {"seconds": 0.0, "cpu_time": 0.0, "jobs": 0}
    jobs = []
    for bench_dir in sorted(Path(results).rglob("benchmarks")):
        if not bench_dir.is_dir() or any(p.name == "benchmarks" for p in bench_dir.parents):
            continue
        for row in summarize_benchmarks(bench_dir):
            found = SEED.search(row["job"])
            bucket = per_seed[int(found.group(1))] if found else shared
            bucket["seconds"] += row["seconds"] or 0.0
            bucket["cpu_time"] += row["cpu_time"] or 0.0
            bucket["jobs"] += 1
            jobs.append({**row, "seed": int(found.group(1)) if found else None})
    if not per_seed:
        raise SystemExit(f"{results}: no benchmark file names a seed; is this a run with seeds?")
    total = {k: shared[k] + sum(s[k] for s in per_seed.values()) for k in ("seconds", "cpu_time")}
    first = min(per_seed)
    one_seed = {k: shared[k] + per_seed[first][k] for k in ("seconds", "cpu_time")}
    return {
        "seeds": sorted(per_seed),
        "per_seed": {str(k): v for k, v in sorted(per_seed.items())},
        "shared": shared,
        "total": total,
        "one_seed_estimate": one_seed,
        "factor": {k: total[k] / one_seed[k] for k in total},
        "slowest": sorted(jobs, key=lambda r: -(r["seconds"] or 0.0))[:8],
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="the run's results folder (config `results`), e.g. results")
    args = ap.parse_args(argv)
    cost = seed_cost(args.results)
    print(json.dumps(cost, indent=1, default=str))


if __name__ == "__main__":
    main()
