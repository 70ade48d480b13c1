"""The jobs of a run, from Snakemake itself: each job's rule, wildcards, named params, inputs and
outputs from the workflow's DAG, and its command, start and end times from the metadata records
Snakemake wrote (.snakemake/metadata)."""

from __future__ import annotations

import os

from vaelab.publish.dag import cache_entries, is_cached, open_dag, ordered_jobs

SKIP_RULES = ("crate",)  # the job writing the crate is not yet finished while it runs


class CrateError(RuntimeError):
    """The crate cannot describe the run faithfully (e.g. a job out of date or without a record)."""


def snakemake_jobs(
    configfiles: list[str], config_args: dict, cores: int, targets: list[str], snakefile: str = "Snakefile"
) -> tuple[list[dict], dict]:
    """Every finished job the targets need, as plain dicts, and {rule: {docstring, position}}.

    Builds the DAG with Snakemake's API (no execution, no lock) in the current directory and
    joins each job with the metadata record Snakemake wrote when the job finished. Raises
    CrateError when a job would rerun: then its record is not what made the current files.
    A cached rule's job also names each output's entry in Snakemake's output cache.
    """
    rules, jobs, stale = {}, [], []
    with open_dag(configfiles, config_args, cores, targets, snakefile=snakefile) as (workflow, dag):
        for job in ordered_jobs(dag):
            if not job.output or job.rule.name in SKIP_RULES:
                continue
            if dag.needrun(job):
                stale.append(f"{job.rule.name} {dict(job.wildcards_dict)}")
                continue
            records = [workflow.persistence.metadata(f) for f in job.output]
            if any(r is None or r.starttime is None or r.endtime is None for r in records):
                raise CrateError(
                    f"no Snakemake record of job {job.rule.name} {dict(job.wildcards_dict)} "
                    f"(outputs {list(job.output)}); rerun it with Snakemake"
                )
            rules.setdefault(
                job.rule.name,
                {
                    "docstring": job.rule.docstring or "",
                    "position": len(rules) + 1,
                    "snakefile": os.path.relpath(job.rule.snakefile),
                },
            )
            jobs.append(
                {
                    "rule": job.rule.name,
                    "wildcards": dict(job.wildcards_dict),
                    "params": {k: v for k, v in job.params.items()},
                    "input": {k: _paths(v) for k, v in job.input.items()} or {"input": list(map(str, job.input))},
                    "output": {k: _paths(v) for k, v in job.output.items()} or {"output": list(map(str, job.output))},
                    "log": list(map(str, job.log)),
                    "benchmark": str(job.benchmark) if job.benchmark else None,
                    "shellcmd": records[0].shellcmd,
                    "started": min(r.starttime for r in records),
                    "ended": max(r.endtime for r in records),
                    "cache_entries": cache_entries(job) if is_cached(job.rule) else {},
                }
            )
        if stale:
            raise CrateError(
                "results are not up to date, so Snakemake's records would not describe them; "
                "run Snakemake first. Out of date: " + "; ".join(stale)
            )
    return jobs, rules


def _paths(value) -> list[str]:
    return [str(value)] if isinstance(value, str) else [str(v) for v in value]
