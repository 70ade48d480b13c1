"""The Snakemake command that remakes files as a run made them, spelt in one place. A module of
its own, apart from the report's provenance code: the training jobs' damaged-file advice uses
it, and what those jobs import is part of their cache key (vaelab.source_hash)."""

from __future__ import annotations

from pathlib import Path


def rebuild_command(
    *targets: str | Path, launch_flags: str = "", run_flags: str = "", force: bool = False, report: str | None = None
) -> str:
    """The command that remakes `targets` (or writes Snakemake's report) as this run made them:
    the one place it is spelt. `launch_flags`: how this run was started (`launch_flags()`; a
    command that runs jobs needs them). `run_flags`: its --configfile/--config flags (run_flags()
    in workflow/rules/launch.smk), last: --configfile takes several values."""
    if not report and not launch_flags.strip():
        raise ValueError("a rebuild command that runs jobs needs this run's launch flags (--cores N or --profile P)")
    words = [
        "snakemake",
        f"--report {report}" if report else launch_flags.strip(),
        *(["--force"] if force else []),
        *map(str, targets),
    ]
    return " ".join(words) + run_flags
