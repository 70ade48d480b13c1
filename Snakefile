# vaelab: autoencoders on handwritten digits, from raw IDX files to a rendered report.
# `snakemake --cores 8` builds everything; `snakemake <path>` builds one output and what it needs.
from snakemake.utils import min_version

from vaelab.config_checks import check_yaml_files

min_version("9.0")

# a YAML error named with its file and line, before Snakemake's own message
check_yaml_files(["config/config.yaml", "config/figures.yaml", *workflow.configfiles])


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
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
