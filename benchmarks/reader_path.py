"""`python -m benchmarks.reader_path [--configfile config/smoke.yaml]`: the reader's path timed
beside the study it saves, on this machine in one go (run it idle):

1. the whole study in a fresh copy of the project, from an empty tree and an empty cache;
2. `vaelab publish` of its models.zip (its size);
3. a second fresh copy: `vaelab restore-models` of that archive, then the whole study again
   (every figure and the report, the computing jobs taken from the cache);
4. a third fresh copy: restore, then one figure.

Writes benchmarks/READER_PATH.json (or --out). A fresh copy is the project's tracked files, as
a clone has them; each run uses `--cores` (default 2) and the copy's own ./cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "READER_PATH.json"


def fresh_copy(dest: Path) -> Path:
    """The project's tracked files in `dest`, as a clone has them (no results, no cache)."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for rel in files:
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


# each step's CPU seconds (its processes', user + system) and the load average before it, so a
# wall time measured beside other work can be read for what it is
CPU_SECONDS: dict[str, float] = {}
LOAD_BEFORE: dict[str, float] = {}


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, what: str) -> float:
    print(f"[reader_path] {what}: {' '.join(command)}", file=sys.stderr, flush=True)
    LOAD_BEFORE[what] = os.getloadavg()[0]
    cpu0, t0 = children_cpu_seconds(), time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env={**os.environ, "SNAKEMAKE_OUTPUT_CACHE": str(cwd / "cache")})
    seconds = time.perf_counter() - t0
    CPU_SECONDS[what] = children_cpu_seconds() - cpu0
    if proc.returncode != 0:
        sys.exit(f"[reader_path] {what} failed (exit {proc.returncode}) in {cwd}")
    print(f"[reader_path] {what}: {seconds:.1f} s, {CPU_SECONDS[what]:.0f} CPU s", file=sys.stderr, flush=True)
    return seconds


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--configfile", nargs="*", default=[], help="configs on top of config/config.yaml")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--figure", default="generation", help="the figure of step 4")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    import yaml

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    for path in args.configfile:
        config.update(yaml.safe_load((ROOT / path).read_text()) or {})
    results = config["results"]
    dataset = config.get("dataset", "mnist")
    # --cache last: it takes the words after it as rule names, which would swallow a target
    snakemake = [sys.executable, "-m", "snakemake", "--cores", str(args.cores)]
    configs = ["--configfile", *args.configfile] if args.configfile else []
    vaelab = [sys.executable, "-m", "vaelab"]

    with tempfile.TemporaryDirectory(prefix="reader-path-") as tmp:
        tmp = Path(tmp)
        publisher = fresh_copy(tmp / "publisher")
        study = timed([*snakemake, "--cache", *configs], publisher, "whole study from an empty tree")
        archive = tmp / "models.zip"
        report = f"{results}/report"
        timed([*vaelab, "publish", "--report-dir", report, "--out", str(tmp / "report.zip"),
               "--models-out", str(archive)], publisher, "publish")  # fmt: skip

        reader = fresh_copy(tmp / "reader")
        restore = timed([*vaelab, "restore-models", str(archive), *configs], reader, "restore")
        rebuild = timed([*snakemake, "--cache", *configs], reader, "every figure and the report from the archive")

        one = fresh_copy(tmp / "one-figure")
        restore_one = timed([*vaelab, "restore-models", str(archive), "--no-check"], one, "restore (no DAG check)")
        figure = timed(
            # the target before --cache and --configfile, which take every word after them
            [*snakemake, f"{results}/{dataset}/figures/{args.figure}.png", "--cache", *configs],
            one,
            f"figure {args.figure}",
        )
        record = {
            "configfiles": args.configfile,
            "cores": args.cores,
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "study_seconds": study,
            "archive_bytes": archive.stat().st_size,
            "restore_seconds": restore,
            "rebuild_seconds": rebuild,
            "reader_seconds": restore + rebuild,
            "one_figure": args.figure,
            "one_figure_seconds": restore_one + figure,
            "cpu_seconds": CPU_SECONDS,
            "load_average_before": LOAD_BEFORE,
        }
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
