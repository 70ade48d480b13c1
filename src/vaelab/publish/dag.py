"""The run's DAG read through Snakemake's API (no execution, no lock), and where each cached
job's outputs live in Snakemake's output cache. The crate and `vaelab restore-models` read
the DAG this way; run them in the project folder."""

from __future__ import annotations

import asyncio
import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def open_dag(configfiles: list[str], config_args: dict, cores: int, targets: list[str], snakefile: str = "Snakefile"):
    """(workflow, dag) of `targets` as `snakemake --cores <cores> --configfile ... --config ...`
    would build it in the current directory."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, Quietness, ResourceSettings

    output = OutputSettings(quiet={Quietness.ALL}, enable_file_logging=False)
    with SnakemakeApi(output) as api:
        wf_api = api.workflow(
            resource_settings=ResourceSettings(cores=cores),
            config_settings=ConfigSettings(configfiles=[Path(c) for c in configfiles], config=config_args),
            snakefile=Path(snakefile),
        )
        wf_api.dag(DAGSettings(targets=set(targets)))
        workflow = wf_api._workflow  # the API builds the DAG only to execute; we only read it
        workflow._prepare_dag(forceall=False, ignore_incomplete=True, lock_warn_only=True, nolock=True)
        workflow._build_dag()
        yield workflow, workflow.dag


def ordered_jobs(dag) -> list:
    """The DAG's jobs, each after the jobs it needs; within a level, jobs come as a set does:
    sorted, so that two runs list them alike (and write the same crate)."""
    return [job for level in dag.toposorted() for job in sorted(level, key=_job_order)]


def _job_order(job) -> tuple:
    return job.rule.name, sorted(job.wildcards_dict.items()), sorted(map(str, job.output))


def is_cached(rule) -> bool:
    """Whether the rule says `cache: True` (every rule has a cache object; its flag says)."""
    return bool(rule.cache and rule.cache.output)


def cache_entries(job) -> dict[str, str]:
    """{output path: its file name in the output cache} of a job of a `cache: True` rule: the
    provenance hash Snakemake computes (rule, params, the inputs' whole history) plus the
    suffix Snakemake gives each output."""
    from snakemake.caching import AbstractOutputFileCache
    from snakemake.caching.hash import ProvenanceHashMap

    provenance = asyncio.run(ProvenanceHashMap().get_provenance_hash(job))
    # get_outputfiles reads only the job (Snakemake's naming, not repeated here)
    return {
        os.path.normpath(str(path)): f"{provenance}{suffix}"
        for path, suffix in AbstractOutputFileCache.get_outputfiles(None, job)
    }
