"""Progress of a training loop: tqdm's bar on a terminal, one line per epoch anywhere else.

Why not the bar everywhere: Snakemake sends each job's stderr to its log file, and there a
bar's redraws (carriage returns, not newlines) pile up into one line of ~20 kB per training
job that an editor shows as one line and `grep` cannot pick apart. One line per epoch reads
the same in a log, in `tail -f` and in CI output.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class EpochProgress:
    """Progress over `epochs` epochs of `units_per_epoch` units each (batches, or 1).

    `advance()` moves the bar by units within an epoch (a no-op without a terminal);
    `end_epoch(seconds, **values)` closes an epoch: the values go on the bar, or into a line
    "<desc>: epoch k/N, <seconds> s, key=value ..." written to `stream`.
    """

    def __init__(
        self,
        desc: str,
        epochs: int,
        start_epoch: int = 0,
        units_per_epoch: int = 1,
        unit: str = "epoch",
        stream=None,
        enabled: bool = True,
    ):
        self.desc, self.epochs, self.epoch = desc, epochs, start_epoch
        self.units_per_epoch = units_per_epoch
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.bar = None
        if enabled and _is_terminal(self.stream):
            self.bar = tqdm(
                total=epochs * units_per_epoch,
                initial=start_epoch * units_per_epoch,
                desc=desc,
                unit=unit,
                file=self.stream,
                mininterval=1.0,
            )
        self._epoch_started = time.perf_counter()

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def end_epoch(self, seconds: float | None = None, **values: str) -> None:
        """`seconds`: the epoch's time as the caller measured it (as its history records it);
        by default the time since the previous end_epoch, or since this object was made."""
        self.epoch += 1
        if self.bar is not None:
            self.bar.update(self.epoch * self.units_per_epoch - self.bar.n)  # the rest of this epoch's units
            self.bar.set_postfix(values)
        elif self.enabled:
            took = time.perf_counter() - self._epoch_started if seconds is None else seconds
            shown = "".join(f", {k}={v}" for k, v in values.items())
            print(f"{self.desc}: epoch {self.epoch}/{self.epochs}, {took:.2f} s{shown}", file=self.stream, flush=True)
        self._epoch_started = time.perf_counter()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
