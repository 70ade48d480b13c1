"""The run as a Workflow Run RO-Crate (Provenance Run Crate profile) beside the report.

`build_crate` (build.py) reads the jobs of the run from Snakemake itself (jobs.py): each job's
rule, wildcards, named params, inputs and outputs from the workflow's DAG, and its command,
start and end times from Snakemake's metadata records (.snakemake/metadata), so each
`CreateAction` describes what ran. Text outputs (figures, tables, notebooks, configs, rules)
are copied into the crate under `files/`; binary ones (models, arrays, the raw data) are
described by checksum and size under a local `#` identifier (entities.py), so the crate stays
uploadable.

`python -m vaelab crate ...` (the `crate` rule) writes ro-crate-metadata.json and
ro-crate-preview.html into <results>/report; `python -m vaelab publish` zips that folder.
`trace` and `check_checksums` (files.py) read a written crate back: a figure to the action
that made it, and every file's recorded SHA-256 against the file; `validate` runs
roc-validator on it offline.
"""

from vaelab.publish.crate.build import PROFILES, build_crate
from vaelab.publish.crate.entities import CACHE_ENTRY_PREFIX
from vaelab.publish.crate.files import check_checksums, file_location, read_graph, trace, write_crate, zip_report
from vaelab.publish.crate.jobs import CrateError, snakemake_jobs
from vaelab.publish.crate.validate import validate

__all__ = [
    "CACHE_ENTRY_PREFIX",
    "PROFILES",
    "CrateError",
    "build_crate",
    "check_checksums",
    "file_location",
    "read_graph",
    "snakemake_jobs",
    "trace",
    "validate",
    "write_crate",
    "zip_report",
]
