"""`vaelab restore-models`: a published models.zip into the local output cache, checked against
its crate first, then one line on what the current config takes from the cache."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import urllib.request
from collections import Counter
from pathlib import Path

CACHE_ENVVAR = "SNAKEMAKE_OUTPUT_CACHE"


def download(url: str, folder: Path) -> Path:
    """`url` into a temporary file under `folder`, with a progress line; the caller removes it."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".models-", suffix=".zip")
    try:
        with urllib.request.urlopen(url) as response, os.fdopen(fd, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                of = f" of {total / 1e6:.1f}" if total else ""
                print(f"\rdownloading {url}: {done / 1e6:.1f}{of} MB", end="", file=sys.stderr)
        print(file=sys.stderr)
    except OSError as e:
        os.unlink(tmp)
        raise SystemExit(f"vaelab restore-models: cannot download {url} ({e})") from None
    return Path(tmp)


def cache_use(
    configfiles: list[str], config_args: dict, cache_dir: Path, targets: list[str]
) -> tuple[Counter, Counter]:
    """(taken from the cache, to compute) per rule, for the cached jobs `targets` need."""
    from vaelab.publish.dag import cache_entries, is_cached, open_dag

    cached, computed = Counter(), Counter()
    with open_dag(configfiles, config_args, cores=1, targets=targets) as (_, dag):
        for job in dag.jobs:
            if not is_cached(job.rule):
                continue
            found = all((cache_dir / name).is_file() for name in cache_entries(job).values())
            (cached if found else computed)[job.rule.name] += 1
    return cached, computed


def summary(cached: Counter, computed: Counter) -> str:
    total = sum(cached.values()) + sum(computed.values())
    line = f"of this config's {total} cached jobs, {sum(cached.values())} will be taken from the cache"
    if computed:
        line += ", these computed: " + ", ".join(f"{rule} {n}" for rule, n in sorted(computed.items()))
    return line + "."


def restore_models(args) -> None:
    from vaelab.publish.archive import ArchiveError, restore

    cache_dir = Path(args.cache or os.environ.get(CACHE_ENVVAR) or "cache").absolute()
    source = args.archive
    downloaded = None
    if source.startswith(("http://", "https://")):
        cache_dir.mkdir(parents=True, exist_ok=True)
        downloaded = source = download(source, cache_dir)
    try:
        written, present = restore(source, cache_dir)
    except ArchiveError as e:
        raise SystemExit(f"vaelab restore-models: {e}") from None
    finally:
        if downloaded is not None:
            downloaded.unlink(missing_ok=True)
    print(f"{args.archive}: {written} results restored into {cache_dir} ({present} were there)", file=sys.stderr)
    if args.no_check:
        return
    config_args = json.loads(args.config_json)
    try:
        cached, computed = cache_use(args.configfile, config_args, cache_dir, args.targets)
    except Exception as e:  # Snakemake's own errors (a bad config, missing data) say what to fix
        raise SystemExit(f"vaelab restore-models: restored, but the workflow's DAG could not be read: {e}") from None
    print(summary(cached, computed), file=sys.stderr)
    if cache_dir != Path("cache").absolute():
        print(
            f"Snakemake finds it with --cache and {CACHE_ENVVAR}={cache_dir} (make: CACHE={cache_dir})", file=sys.stderr
        )


def register(sub) -> None:
    p = sub.add_parser(
        "restore-models",
        help="put a published models.zip into the output cache, so `make` trains and evaluates nothing it holds",
    )
    p.add_argument("archive", help="models.zip: a path, or an http(s) URL")
    p.add_argument(
        "--cache", help=f"the cache folder (default: ${CACHE_ENVVAR}, else ./cache, where `make` and --cache look)"
    )
    p.add_argument("--configfile", nargs="*", default=[], help="the --configfile files you will run with")
    p.add_argument("--config-json", default="{}", help="JSON of the --config key=value you will run with")
    p.add_argument("--targets", nargs="+", default=["all"], help="the targets you will build (default: all)")
    p.add_argument("--no-check", action="store_true", help="do not read the DAG to say what is taken from the cache")
    p.set_defaults(func=restore_models)
