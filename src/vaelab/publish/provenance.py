"""What made a file: rule, wildcards, params, input checksums, code version, environment.

Every figure and metrics file carries one of these so a reader can go from a number to
the exact code, data and command that produced it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shlex
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

KEY_PACKAGES = ("torch", "numpy", "scikit-learn", "matplotlib", "snakemake", "papermill", "vaelab")
# No time: a result file holds none, so that runs compare byte for byte; a job's time is in
# the benchmark file Snakemake writes for it (the report reads it from there).
REQUIRED_KEYS = ("rule", "wildcards", "params", "inputs", "git", "versions", "command")


def sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def git_state(cwd: str | Path = ".", ignore: tuple[str, ...] = ()) -> dict:
    """{'commit': sha or None, 'dirty': bool or None} of the repository holding `cwd`.

    `ignore`: tracked paths (from the repository's top) whose changes do not count as dirty,
    e.g. the benchmark's own output files, which the run being described has just rewritten.
    """

    def run(*args):
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)

    try:
        head = run("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        # results/ and .snakemake/ are ignored, so only source changes count as dirty
        pathspec = ["--", ":(top)", *(f":(top,exclude){p}" for p in ignore)] if ignore else []
        status = run("status", "--porcelain", "--untracked-files=no", *pathspec)
        return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in KEY_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def where_run() -> dict:
    """The executor that ran this job, and on Slurm its job id and node (None elsewhere)."""
    job_id = os.environ.get("SLURM_JOB_ID")
    return {
        "executor": "slurm" if job_id else "local",
        "slurm_job_id": job_id,
        "slurm_node": os.environ.get("SLURMD_NODENAME") if job_id else None,
    }


def record(
    rule: str,
    wildcards: dict,
    params: dict,
    inputs: dict,
    outputs: list[str],
    command: str | None,
    notebook: str | None = None,
    executed_notebook: str | None = None,
) -> dict:
    """A provenance record; `inputs` maps a role name to a path (or list of paths); `command`
    remakes the outputs (`rebuild_command`)."""
    flat = {}
    for role, paths in inputs.items():
        for i, p in enumerate(paths if isinstance(paths, (list, tuple)) else [paths]):
            key = role if not isinstance(paths, (list, tuple)) else f"{role}[{i}]"
            flat[key] = {"path": str(p), "sha256": sha256(p)}
    return {
        "rule": rule,
        "wildcards": dict(wildcards),
        "params": dict(params),
        "inputs": flat,
        "outputs": [str(o) for o in outputs],
        "notebook": notebook,
        "executed_notebook": executed_notebook,
        "git": git_state(),
        "versions": versions(),
        "platform": platform.platform(),
        **where_run(),
        "command": command,
    }


def launch_flags(argv: Sequence[str], cores: int, profile_env: str | None = None) -> str:
    """How a Snakemake run was started, as the flags its rebuild commands repeat: the profiles it
    named (--profile, else $SNAKEMAKE_PROFILE as `profile_env`; --workflow-profile), --executor,
    and --cores or --jobs as given; `cores`, the run's core count, where it named neither a
    profile nor a count. `argv`: Snakemake's command line, without the program."""
    ap = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    ap.add_argument("--profile", action="append", default=[])
    ap.add_argument("--workflow-profile")
    ap.add_argument("--executor", "-e")
    ap.add_argument("--cores", "-c")
    ap.add_argument("--jobs", "-j")
    given, _ = ap.parse_known_args(list(argv))
    profiles = given.profile or ([profile_env] if profile_env else [])
    flags = [("--profile", p) for p in profiles]
    flags += [
        (flag, value)
        for flag, value in (
            ("--workflow-profile", given.workflow_profile),
            ("--executor", given.executor),
            ("--cores", given.cores),
            ("--jobs", given.jobs),
        )
        if value is not None
    ]
    if not profiles and given.cores is None and given.jobs is None:
        flags.append(("--cores", str(cores)))
    return " ".join(f"{flag} {shlex.quote(value)}" for flag, value in flags)


def missing_keys(prov: dict) -> list[str]:
    """What a complete provenance record lacks: absent keys, and an empty rule, input list or command."""
    missing = [k for k in REQUIRED_KEYS if k not in prov]
    missing += [k for k in ("rule", "inputs", "command") if k in prov and not prov[k]]
    return missing
