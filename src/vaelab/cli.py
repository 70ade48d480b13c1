"""`python -m vaelab <command>`: the steps Snakemake's rules run (vaelab.commands, one module
per stage).

Each command reads explicit paths and settings from its arguments and writes its
outputs atomically, so it can also be run by hand.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

from vaelab import __version__
from vaelab.commands import baselines, classifier, data, evaluate, publish, restore, select, train, tsne
from vaelab.io import atomic_write_text

STAGES = (data, train, classifier, evaluate, baselines, select, tsne, publish, restore)


def set_threads(n: int) -> None:
    """Cap torch, BLAS and OpenMP at the rule's thread count so parallel jobs never oversubscribe.

    The environment variables reach the libraries this process loads later (numpy's BLAS,
    torch and scikit-learn's OpenMP size their thread pools from them when first loaded), so
    `main` calls this before any command imports them; and they reach subprocesses (the
    notebook kernel). torch is only told directly if it is already imported: the t-SNE jobs
    and the notebook runner run no torch code and should not pay for importing it.
    """
    n = max(1, int(n))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


# Snakemake refuses a `benchmark:` on a rule whose results it caches (a result taken from the
# cache has no time), so such rules hand this file to the command as a log instead; same columns.
BENCHMARK_COLUMNS = (
    "s",
    "h:m:s",
    "max_rss",
    "max_vms",
    "max_uss",
    "max_pss",
    "io_in",
    "io_out",
    "mean_load",
    "cpu_time",
)


def write_benchmark(path: str, seconds: float) -> None:
    """This process's wall time, peak memory (MiB) and CPU time in Snakemake's benchmark format."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    max_rss = max(u.ru_maxrss for u in usage) / 1024  # KiB on Linux
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)
    hms = time.strftime("%H:%M:%S", time.gmtime(seconds))
    values = (
        f"{seconds:.4f}",
        hms,
        f"{max_rss:.2f}",
        "-",
        "-",
        "-",
        "-",
        "-",
        f"{100 * cpu / max(seconds, 1e-9):.2f}",
        f"{cpu:.2f}",
    )
    atomic_write_text(path, "\t".join(BENCHMARK_COLUMNS) + "\n" + "\t".join(values) + "\n")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vaelab", description=__doc__)
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument(
        "--benchmark", metavar="TSV", help="write the command's time and memory here, as Snakemake's benchmark files"
    )
    sub = ap.add_subparsers(dest="command", required=True)
    for stage in STAGES:
        stage.register(sub)
    return ap


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:  # the report parses its own arguments
        return publish.report(argparse.Namespace(report_args=argv[1:]))
    args = parser().parse_args(argv)
    # before the command imports numpy, torch or scikit-learn: their thread pools are sized
    # when first loaded (numpy's BLAS ran on 2 threads in the 1-thread baselines job before)
    if getattr(args, "threads", None) is not None:
        set_threads(args.threads)
    started = time.perf_counter()
    args.func(args)
    if args.benchmark:
        write_benchmark(args.benchmark, time.perf_counter() - started)


if __name__ == "__main__":
    main()
