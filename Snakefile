# vaelab: autoencoders on handwritten digits, from raw IDX files to a rendered report.
# `snakemake --cores 8` builds everything; `snakemake <path>` builds one output and what it needs.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/publish.smk"


rule all:
    input:
        all_targets(),
    default_target: True
