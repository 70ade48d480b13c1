# vaelab: autoencoders on handwritten digits, from raw IDX files to a rendered report.
# `snakemake --cores 8` builds everything; `snakemake <path>` builds one output and what it needs.
from pathlib import Path

from snakemake.utils import min_version

from vaelab.config_checks import check_yaml_files

min_version("9.0")

# The workflow's own files resolve from this file's folder, not from the working directory, so that
# vaelab runs from any folder (snakemake -s <vaelab>/Snakefile -d <project>) and as a module.
VAELAB_CONFIG = Path(workflow.current_basedir.get_path_or_uri(secret_free=True)) / "config"
# a YAML error named with its file and line, before Snakemake's own message
check_yaml_files([VAELAB_CONFIG / "config.yaml", VAELAB_CONFIG / "figures.yaml", *workflow.configfiles])


configfile: str(VAELAB_CONFIG / "config.yaml")


include: "workflow/rules/config.smk"
include: "workflow/rules/threads.smk"
include: "workflow/rules/targets.smk"
include: "workflow/rules/launch.smk"
include: "workflow/rules/cache.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/publish.smk"


rule all:
    default_target: True
    input:
        all_targets(),
