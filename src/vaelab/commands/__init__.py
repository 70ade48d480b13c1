"""The steps Snakemake's rules run, one module per stage: each `register(subparsers)` declares
its commands' arguments (no defaults for the study's settings: those come from the config) and
the function that runs each. A cached rule's key covers its command's module and every vaelab
module that module imports (vaelab.source_hash), so keep each stage's code in its own module."""
