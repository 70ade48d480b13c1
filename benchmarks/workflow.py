"""The Snakemake side: per-rule benchmark files, dry runs, one figure rebuilt, a scratch copy.

Snakemake's `benchmark:` files are TSVs with one header and one row per repeat:
s, h:m:s, max_rss, max_vms, max_uss, max_pss (MiB), io_in, io_out (MiB), mean_load (%),
cpu_time (s). Values may be "NA" (e.g. USS/PSS on systems that do not report them).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

NUMERIC_COLUMNS = ("s", "max_rss", "max_vms", "max_uss", "max_pss", "io_in", "io_out", "mean_load", "cpu_time")
MEMORY_LIMIT_MIB = 4 * 1024


def _number(text: str) -> float | None:
    text = text.strip()
    if text in ("", "NA", "-", "nan"):
        return None
    return float(text)


def read_benchmark_tsv(path: str | Path) -> list[dict]:
    """The rows of one Snakemake benchmark file, numbers as floats (None where "NA")."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if not rows:
        raise ValueError(f"{path}: no rows")
    missing = [c for c in ("s", "max_rss") if c not in rows[0]]
    if missing:
        raise ValueError(f"{path}: not a Snakemake benchmark file (missing columns {missing})")
    return [{k: (_number(v) if k in NUMERIC_COLUMNS else v) for k, v in row.items()} for row in rows]


def _max(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def summarize_benchmarks(bench_dir: str | Path, memory_limit_mib: float = MEMORY_LIMIT_MIB) -> list[dict]:
    """One row per job (benchmark file under `bench_dir`), slowest first.

    `job` is the file's path below bench_dir without .tsv (e.g. "train/vae_z2"); seconds and
    cpu_time are means over repeats, memory the maxima; `over_limit` flags max_rss above the limit.
    """
    bench_dir = Path(bench_dir)
    out = []
    for path in sorted(bench_dir.rglob("*.tsv")):
        rows = read_benchmark_tsv(path)
        seconds = [r["s"] for r in rows if r["s"] is not None]
        cpu = [r.get("cpu_time") for r in rows if r.get("cpu_time") is not None]
        max_rss = _max(r["max_rss"] for r in rows)
        out.append(
            {
                "job": path.relative_to(bench_dir).with_suffix("").as_posix(),
                "seconds": sum(seconds) / len(seconds) if seconds else None,
                "cpu_time": sum(cpu) / len(cpu) if cpu else None,
                "max_rss_mib": max_rss,
                "max_uss_mib": _max(r.get("max_uss") for r in rows),
                "repeats": len(rows),
                "over_limit": max_rss is not None and max_rss > memory_limit_mib,
            }
        )
    out.sort(key=lambda r: (-(r["seconds"] or 0.0), r["job"]))
    return out


def parse_dry_run(output: str) -> int:
    """Number of jobs a `snakemake -n` would run (0 when it says nothing is to be done)."""
    if "Nothing to be done" in output:
        return 0
    totals = re.findall(r"^\s*total\s+(\d+)\s*$", output, flags=re.MULTILINE)
    if not totals:
        raise ValueError("cannot find the job count in Snakemake's dry-run output:\n" + output[-2000:])
    return int(totals[-1])


def pending_jobs(output: str) -> dict[str, int]:
    """{rule: jobs} from the "Job stats" table of a dry run (empty when nothing is to be done)."""
    if "Nothing to be done" in output or "Job stats:" not in output:
        return {}
    table = output.split("Job stats:", 1)[1]
    jobs = {}
    for line in table.splitlines()[3:]:  # after "job  count" and the dashes
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            break
        if parts[0] != "total":
            jobs[parts[0]] = int(parts[1])
    return jobs


def snakemake(
    args: list[str], cwd: str | Path, timeout: float | None = None
) -> tuple[float, subprocess.CompletedProcess]:
    """Run Snakemake with this interpreter in `cwd`; (wall seconds, the finished process)."""
    cmd = [sys.executable, "-m", "snakemake", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return time.perf_counter() - t0, proc


def dry_run(cwd: str | Path, configfile: str) -> dict:
    """Time `snakemake -n --configfile <configfile>` and count the jobs it would run."""
    seconds, proc = snakemake(["-n", "--configfile", configfile], cwd)
    if proc.returncode != 0:
        return {"seconds": seconds, "jobs": None, "error": proc.stdout[-2000:]}
    return {"seconds": seconds, "jobs": parse_dry_run(proc.stdout), "pending": pending_jobs(proc.stdout)}


def rebuild_figure(cwd: str | Path, target: str, configfile: str, cores: int, restore: bool = False) -> dict:
    """Time `snakemake --cores N --force <target> --configfile ...`, after checking (dry run)
    that only the figure's own job would run; otherwise skip, to never retrain models here.

    `restore`: afterwards, bring the tree up to date (untimed): the redrawn figure is newer
    than the report that shows it. Only for a tree that was complete before (the real one);
    a scratch copy is thrown away, and updating an incomplete one would build what it lacks."""
    args = ["--cores", str(cores), "--force", target, "--configfile", configfile]
    _, proc = snakemake(["-n", *args], cwd)
    if proc.returncode != 0:
        return {"target": target, "seconds": None, "skipped": "dry run failed: " + proc.stdout[-1000:]}
    jobs = parse_dry_run(proc.stdout)
    if jobs != 1:
        return {"target": target, "seconds": None, "skipped": f"{jobs} jobs would run, not just the figure"}
    seconds, proc = snakemake(args, cwd)
    if proc.returncode != 0:
        return {"target": target, "seconds": None, "skipped": "rebuild failed: " + proc.stdout[-1000:]}
    out = {"target": target, "seconds": seconds}
    if restore:  # so the next dry run, or the next `make bench`, finds the tree complete
        update_seconds, proc = snakemake(["--cores", str(cores), "--configfile", configfile], cwd)
        out.update(tree_updated=proc.returncode == 0, tree_update_seconds=update_seconds)
    return out


def project_files(root: str | Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files of the repository (read-only git query)."""
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if line]


def scratch_copy(root: str | Path, dest: str | Path, results_dirs: list[str] = ()) -> Path:
    """Copy the project's files and the given results folders (mtimes kept) to `dest`.

    Snakemake in the copy sees the same files but none of the original's .snakemake
    metadata, so only modification times decide what is out of date.
    """
    root, dest = Path(root), Path(dest)
    for rel in project_files(root):
        src = root / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for rel in results_dirs:
        if (root / rel).is_dir():
            shutil.copytree(root / rel, dest / rel, symlinks=True, dirs_exist_ok=True)
    return dest
