"""Checks run before a Slurm run submits anything: Slurm answers, every partition asked for
exists, and every job fits on one of its nodes.

Each problem is one message that says what to do, instead of sbatch's error on the first job
or a job that waits for a partition or a node that is not there.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

PROFILES = "profiles/slurm/config.yaml (or profiles/slurm-gpu/config.yaml)"


@dataclass
class Partition:
    name: str
    default: bool
    cpus: int  # the most CPUs of one of its nodes
    mem_mb: int  # the most memory (MB) of one of its nodes


def _number(text: str) -> int:
    digits = "".join(c for c in text if c.isdigit())  # sinfo writes ranges of nodes as e.g. "64+"
    return int(digits) if digits else 0


def partitions(timeout: float = 30) -> tuple[dict[str, Partition] | None, str | None]:
    """({name: Partition}, None), or (None, what is wrong and what to do)."""
    if shutil.which("sinfo") is None:
        return None, (
            "the slurm executor needs Slurm's commands (sinfo, sbatch, squeue) on PATH: run "
            "Snakemake on the cluster's login node (on this machine, tools/slurm/start.sh "
            "installs and starts a one-node Slurm), or run locally: snakemake --cores N"
        )
    try:
        proc = subprocess.run(
            ["sinfo", "--noheader", "--Node", "--format=%P %c %m"], capture_output=True, text=True, timeout=timeout
        )
        said = (proc.stderr.strip().splitlines() or ["no answer"])[-1] if proc.returncode else None
    except subprocess.TimeoutExpired:
        said = f"no answer in {timeout:.0f} s"
    if said:
        return None, (
            f"Slurm does not answer (sinfo: {said}): its controller (slurmctld) is not running "
            "or not reachable from here. On this machine start it with tools/slurm/start.sh; "
            "on a cluster, ask its administrators"
        )
    found: dict[str, Partition] = {}
    for line in proc.stdout.splitlines():
        if len(fields := line.split()) != 3:
            continue
        name, cpus, mem = fields[0].rstrip("*"), _number(fields[1]), _number(fields[2])
        part = found.setdefault(name, Partition(name, fields[0].endswith("*"), 0, 0))
        part.cpus, part.mem_mb = max(part.cpus, cpus), max(part.mem_mb, mem)
    return found, None


def check_jobs(jobs: list[tuple[str, str | None, int, int | None]], found: dict[str, Partition]) -> str | None:
    """`jobs`: (rule, partition or None for the default, threads, mem_mb or None) of each job.

    A message naming every partition asked for that Slurm lacks, else every rule whose job fits on
    no node of its partition; None when all is well."""
    default = next((p for p in found.values() if p.default), None)
    missing: dict[str, set[str]] = {}
    too_big: dict[str, str] = {}
    for rule, partition, threads, mem_mb in jobs:
        if partition and partition not in found:
            missing.setdefault(partition, set()).add(rule)
            continue
        part = found[partition] if partition else default
        if part is None:
            continue  # no default partition: sbatch says so
        if isinstance(mem_mb, int) and mem_mb > part.mem_mb:
            too_big[rule] = f"{mem_mb} MB of memory, and the largest node of partition {part.name} has {part.mem_mb} MB"
        elif threads > part.cpus:
            too_big[rule] = f"{threads} CPUs (threads), and the largest node of partition {part.name} has {part.cpus}"
    if missing:
        named = "; ".join(f"{p!r} (rules {', '.join(sorted(r))})" for p, r in sorted(missing.items()))
        return (
            f"Slurm has no partition {named}; its partitions are {', '.join(sorted(found)) or 'none'}. "
            f"Set slurm_partition to one of them in {PROFILES}, default-resources or set-resources, "
            "or with --default-resources / --set-resources"
        )
    if too_big:
        named = "; ".join(f"rule {rule} asks for {what}" for rule, what in sorted(too_big.items()))
        return (
            f"a job cannot run on this cluster: {named}. Lower mem_mb in {PROFILES} (set-resources) "
            "or config threads:, or pick a partition with larger nodes (slurm_partition)"
        )
    return None
