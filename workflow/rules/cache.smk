# Snakemake's between-workflow cache (`--cache`, on by default with `make`; docs/cache.md): the
# rules marked `cache: True` store their outputs under $SNAKEMAKE_OUTPUT_CACHE, keyed on the
# rule's shell command, params and the whole history of its inputs (data files by content).
# That key leaves out the wildcards and the Python code the command runs, so each cached rule
# adds both as the param `cache_key`; params must not depend on this machine (its cores).
import tempfile

from vaelab.source_hash import code_version

CACHE_ENVVAR = "SNAKEMAKE_OUTPUT_CACHE"


def check_cache_folder():
    """With `--cache`: the cache folder ($SNAKEMAKE_OUTPUT_CACHE, else ./cache), created and
    checked writable before any job, not when the first model is done."""
    if workflow.workflow_settings.cache is None:
        return
    folder = os.environ.setdefault(CACHE_ENVVAR, os.path.abspath("cache"))
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as e:
        raise WorkflowError(
            f"the output cache folder {folder} is not writable ({e.strerror}): set {CACHE_ENVVAR} "
            "(make: CACHE=) to another folder, or run without --cache (make CACHE=)"
        )


check_cache_folder()


def explain_full_cache(logfiles):
    """From `onerror` (threads.smk), with Snakemake's log files of the run: a job that failed
    storing its outputs into a full cache folder gets one line saying so and what to do
    (Snakemake's own message is a traceback)."""
    folder = os.environ.get(CACHE_ENVVAR)
    if workflow.workflow_settings.cache is None or not folder:
        return
    text = ""
    for logfile in [logfiles] if isinstance(logfiles, str) else logfiles or []:
        try:
            with open(logfile) as f:
                text += f.read()
        except OSError:
            pass
    if "No space left on device" in text and f"-> '{folder}" in text:
        print(
            f"vaelab: the output cache folder {folder} is full: free space there or move it ({CACHE_ENVVAR}, "
            "make: CACHE=); no entry was left half-written, and the failed job computes again on the next run.",
            file=sys.stderr,
        )


def name_cached_rules():
    """`--cache` without rule names reaches a cluster job's Snakemake as no flag at all (an empty
    list is dropped from its command line), and the job neither reads nor fills the cache: name
    the rules. Called when the run starts (onstart, threads.smk), when every rule is known."""
    if workflow.workflow_settings.cache == []:
        cached = [r.name for r in workflow.rules if r.cache and r.cache.output]
        workflow.workflow_settings.cache = sorted(cached)


def cache_key(command_module):
    """The params that complete a cached job's key (its wildcards, the hash of its command's code)."""
    code = code_version(command_module)
    return lambda wildcards: {"wildcards": dict(wildcards.items()), "code": code}


def torch_threads_resource(wildcards, threads):
    """torch's threads as a resource, not a param: a param is part of the cache key."""
    return torch_threads(wildcards, threads)


# Snakemake refuses a benchmark directive on cached rules (a result taken from the cache has no
# time); their commands write the same file themselves (`vaelab --benchmark`), declared as a log.
def benchmark_log(name):
    return f"{D}/benchmarks/{name}.tsv"
