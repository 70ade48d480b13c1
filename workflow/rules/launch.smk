# How this run was started (--cores or --profile, its --configfile and --config), for the
# commands that rebuild an output and for the jobs' damaged-file advice.


# --- the run's config as flags ------------------------------------------------------------------
# as configfiles() names it: relative to the working directory, wherever the repository is
MAIN_CONFIGFILE = os.path.relpath(REPO / "config/config.yaml")


def configfiles():
    """The config files of this run in the order Snakemake applies them: config.yaml (the
    Snakefile's), then those given with --configfile."""
    files = [os.path.relpath(c) for c in workflow.configfiles]
    return sorted(files, key=lambda c: c != MAIN_CONFIGFILE)


def _merged_configfiles():
    merged = {}
    for path in configfiles():
        with open(path) as f:
            update_config(merged, yaml.safe_load(f) or {})
    return merged


def _config_value(value):
    """A value as `--config key=value` reads it back (scalars as they are, the rest as JSON)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def config_overrides():
    """{key: value} of every top-level key whose value is not what the config files say: the
    run's --config settings, from what Snakemake made of them."""
    merged = _merged_configfiles()
    return {k: v for k, v in config.items() if merged.get(k) != v}


def run_flags():
    """The --configfile and --config flags that give this run's config: the config files
    after config/config.yaml, then every top-level key that differs from what they say."""
    flags = "".join(f" --configfile {c}" for c in configfiles() if c != MAIN_CONFIGFILE)
    overrides = config_overrides()
    if overrides:
        flags += " --config " + " ".join(shlex.quote(f"{k}={_config_value(v)}") for k, v in overrides.items())
    return flags


# for the commands a figure's provenance and the report give to rebuild an output
RUN_FLAGS = run_flags()


# --- how this run was started (--cores, --profile), for the same commands ---------------------------
def snakemake_argv():
    """The command line of the `snakemake` that was run (none when it was started from Python)."""
    program = Path(sys.argv[0])
    return sys.argv[1:] if "snakemake" in (program.name, program.parent.name) else []


# Worked out by the Snakemake the user started, and handed to the jobs in the environment
# (`envvars:` passes it on to cluster jobs): a job on a cluster is a fresh Snakemake with
# flags of its own. Rules pass it as a function of `output`, which Snakemake does not record,
# so that running with other flags reruns nothing.
LAUNCH_FLAGS_VARIABLE = "VAELAB_LAUNCH_FLAGS"


def snakefile_flag():
    """' -s <Snakefile>' when this run's Snakefile is not the one Snakemake finds in the working
    directory by itself (vaelab run with -s from another project's folder); else ''."""
    main = Path(workflow.main_snakefile).resolve()
    found = [p for p in ("Snakefile", "snakefile", "workflow/Snakefile", "workflow/snakefile") if os.path.exists(p)]
    return "" if found and Path(found[0]).resolve() == main else f" -s {shlex.quote(os.path.relpath(main))}"


if not workflow.remote_exec or LAUNCH_FLAGS_VARIABLE not in os.environ:
    os.environ[LAUNCH_FLAGS_VARIABLE] = (
        launch_flags(snakemake_argv(), scheduler_cores(), os.environ.get("SNAKEMAKE_PROFILE")) + snakefile_flag()
    )


# and the run's config flags: a job's advice to remake a damaged file names the whole command
RUN_FLAGS_VARIABLE = "VAELAB_RUN_FLAGS"  # vaelab.io.remake_command reads both
os.environ[RUN_FLAGS_VARIABLE] = RUN_FLAGS


envvars:
    LAUNCH_FLAGS_VARIABLE,
    RUN_FLAGS_VARIABLE,


LAUNCH_FLAGS = os.environ[LAUNCH_FLAGS_VARIABLE]
