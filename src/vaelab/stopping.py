"""SIGTERM stops a Snakemake run within seconds, as Ctrl-C does.

Snakemake's own SIGTERM handler waits for every running job to end (minutes for a training
job), then reports that a job failed. Clusters and `timeout` stop a run with SIGTERM, so
the workflow's `onstart` (workflow/rules/threads.smk) replaces that handler with this one.
"""

from __future__ import annotations

import signal
import threading

stopped = False  # set when SIGTERM stopped the run, for `explain_stop`

# how long a job has to stop on SIGINT before it is sent SIGTERM: a training job stops within
# a step; a job started from a background shell ignores SIGINT (bash sets it so) and needs TERM
GRACE_SECONDS = 5


def interrupt_like_ctrl_c(signum=None, frame=None) -> None:
    """Send SIGINT to every process this one started, as Ctrl-C sends it to the terminal's
    process group (a training job stops and keeps its last epoch's checkpoint for the
    resume), SIGTERM to those still running GRACE_SECONDS later, and raise KeyboardInterrupt
    here: Snakemake cancels its jobs and exits as on Ctrl-C. A second SIGTERM kills at once."""
    import psutil

    global stopped
    stopped = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    children = psutil.Process().children(recursive=True)
    _send(children, signal.SIGINT)
    threading.Thread(target=_terminate_after, args=(children, GRACE_SECONDS), daemon=True).start()
    raise KeyboardInterrupt("SIGTERM")


def _terminate_after(processes, seconds: float) -> None:
    import psutil

    _, alive = psutil.wait_procs(processes, timeout=seconds)
    _send(alive, signal.SIGTERM)


def _send(processes, signum) -> None:
    import psutil

    for process in processes:
        try:
            process.send_signal(signum)
        except psutil.Error:  # it ended meanwhile
            pass


def stop_on_sigterm() -> None:
    """Make SIGTERM stop this process as Ctrl-C does (`interrupt_like_ctrl_c`); called from
    Snakemake's `onstart`, after its scheduler has set its own handler. Only the main thread
    may set one: elsewhere (Snakemake run from a thread) SIGTERM keeps Snakemake's."""
    try:
        signal.signal(signal.SIGTERM, interrupt_like_ctrl_c)
    except ValueError:
        pass


def explain_stop() -> None:
    """From Snakemake's `onerror`: after a SIGTERM, say that no job failed of itself (Snakemake
    reports the stopped jobs as failed) and how to go on."""
    import sys

    if stopped:
        print(
            "vaelab: stopped on SIGTERM; the jobs named above were stopped, not failed. The same "
            "command goes on where it stopped (training from its last finished epoch); if Snakemake "
            "says the directory is locked, run it once with --unlock.",
            file=sys.stderr,
        )
