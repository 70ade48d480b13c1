"""What the benchmark report needs besides measuring: the machine, targets, tables."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

# target name -> (comparison, threshold, what it means)
TARGETS = {
    "trainer_speedup": (">=", 2.0, "vaelab trainer >= 2x the tutorial loop at the same batch size"),
    "mlp_ceiling_share": (">=", 60.0, ">= 60% of the matmul ceiling, MLP VAE at batch 1024"),
    "full_run_minutes": ("<", 60.0, "full run < 60 min"),
    "full_run_over_floor": ("<=", 1.5, "full run within 1.5x of its compute floor"),
    "noop_dry_run_s": ("<", 5.0, "no-op dry run < 5 s"),
    "figure_rebuild_s": ("<", 20.0, "one figure rebuilt < 20 s"),
    "max_rss_gib": ("<=", 4.0, "no rule above 4 GiB max_rss"),
}

_OPS = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def verdict(target: str, value: float | None) -> str:
    """'met', 'missed', or 'n/a' (not measured) for a value against a named target."""
    if value is None:
        return "n/a"
    op, threshold, _ = TARGETS[target]
    return "met" if _OPS[op](value, threshold) else "missed"


def parse_seconds(text: str) -> float:
    """'2400', '2400.5', '40:00' (m:s) or '1:02:03' (h:m:s) -> seconds; also a path to a file holding one."""
    text = str(text).strip()
    if Path(text).is_file():
        text = Path(text).read_text().split()[0]
    parts = text.split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"not a duration: {text!r}")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or "unknown"


# the committed files `make fullrun` and `make bench` write, relative to the repository's top
FULL_RUN_JSON = "benchmarks/FULL_RUN.json"
RESULTS_MD = "benchmarks/RESULTS.md"  # and RESULTS.json beside it
BENCHMARK_OUTPUTS = (FULL_RUN_JSON, RESULTS_MD, str(Path(RESULTS_MD).with_suffix(".json")))


VERSIONED = ("torch", "torchvision", "numpy", "scikit-learn", "snakemake")  # after python, in this order


def machine_info(threads: int) -> dict:
    import torch

    from vaelab.publish.provenance import git_state

    versions = {"python": platform.python_version()}
    for pkg in VERSIONED:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        capability = torch.backends.cpu.get_cpu_capability()
    except AttributeError:
        capability = None
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": threads,
        "torch_cpu_capability": capability,
        "cuda": torch.cuda.is_available(),
        "load_average_at_start": list(os.getloadavg()),
        "platform": platform.platform(),
        "versions": versions,
        # the code measured; the files the benchmarks write do not make it "uncommitted changes"
        "git": git_state(Path(__file__).resolve().parent.parent, ignore=BENCHMARK_OUTPUTS),
    }


def md_table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table; floats get 3 significant digits, None shows as '-'."""

    def cell(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def targets_summary(results: dict) -> list[dict]:
    rows = []

    def add(key, label, value, unit):
        rows.append(
            {"target": TARGETS[key][2], "measured": label, "value": value, "unit": unit, "verdict": verdict(key, value)}
        )

    for r in results["throughput"]:
        add("trainer_speedup", f"{r['arch']} VAE, batch {r['batch_size']}", r["ratio"], "x")
    for r in results["throughput"]:
        if "ratio_bf16" in r:
            add(
                "trainer_speedup",
                f"{r['arch']} VAE, batch {r['batch_size']}, opt-in precision bfloat16 (the study trains in float32)",
                r["ratio_bf16"],
                "x",
            )
    mlp = [r for r in results["throughput"] if r["arch"] == "mlp" and r["batch_size"] == 1024]
    add("mlp_ceiling_share", "MLP VAE, batch 1024", mlp[0]["ceiling_share_pct"] if mlp else None, "%")
    add(
        "mlp_ceiling_share",
        "MLP VAE, batch 1024, executed FLOPs (no data gradient)",
        mlp[0].get("executed_share_pct") if mlp else None,
        "%",
    )
    floor = results["floor"]
    full = floor["full_run_seconds"]
    add("full_run_minutes", "full run (publication config)", None if full is None else full / 60, "min")
    add("full_run_over_floor", "full run / compute floor", floor["full_run_over_floor"], "x")
    add(
        "full_run_over_floor",
        "full run / compute floor of executed FLOPs",
        floor.get("full_run_over_executed_floor"),
        "x",
    )
    wf = results["workflow"]
    add("noop_dry_run_s", f"snakemake -n ({wf['noop_dry_run']['config']})", wf["noop_dry_run"]["seconds"], "s")
    add("figure_rebuild_s", wf["figure_rebuild"]["target"], wf["figure_rebuild"]["seconds"], "s")
    rules = wf["smoke_rules"] + wf.get("publication_rules", [])
    rss = [r["max_rss_mib"] for r in rules if r["max_rss_mib"] is not None]
    add("max_rss_gib", "largest max_rss of any rule", max(rss) / 1024 if rss else None, "GiB")
    return rows


def sanity_notes(results: dict) -> list[str]:
    """Numbers that cannot be right on an idle machine: the ceiling was measured too low."""
    notes = []
    over = [f"{r['arch']} at batch {r['batch_size']}" for r in results["throughput"] if r["ceiling_share_pct"] > 100]
    if over:
        notes.append(
            f"training beat the matmul ceiling ({', '.join(over)}): the ceiling was measured low "
            "(busy machine, or --quick's small matrices); shares of it are not meaningful"
        )
    ratio = results["floor"]["full_run_over_floor"]
    if ratio is not None and ratio < 1:
        notes.append(f"the full run took {ratio:.2f}x its compute floor, below 1: the ceiling was measured low")
    return notes
