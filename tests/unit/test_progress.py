import io
import re

import torch
from conftest import train_config

from vaelab import models
from vaelab.train.loop import train
from vaelab.train.progress import EpochProgress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_log_file_gets_one_line_per_epoch():
    out = io.StringIO()
    tracker = EpochProgress("train vae z=2", epochs=3, stream=out)
    for loss in (3.0, 2.0, 1.0):
        tracker.end_epoch(loss=f"{loss:.1f}")
    tracker.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 3
    assert re.fullmatch(r"train vae z=2: epoch 1/3, \d+\.\d\d s, loss=3\.0", lines[0]), lines[0]
    assert lines[2].startswith("train vae z=2: epoch 3/3, ") and lines[2].endswith("loss=1.0")


def test_the_callers_seconds_are_the_ones_shown():
    out = io.StringIO()
    EpochProgress("train vae z=2", epochs=1, stream=out).end_epoch(12.345, loss="1.0")
    assert out.getvalue() == "train vae z=2: epoch 1/1, 12.35 s, loss=1.0\n"


def test_a_resumed_run_counts_on_from_its_checkpoint():
    out = io.StringIO()
    tracker = EpochProgress("train ae z=5", epochs=5, start_epoch=2, stream=out)
    tracker.end_epoch()
    assert out.getvalue().startswith("train ae z=5: epoch 3/5, ")


def test_batches_move_the_bar_only_on_a_terminal():
    log, terminal = io.StringIO(), _Terminal()
    for stream in (log, terminal):
        tracker = EpochProgress("train classifier", epochs=2, units_per_epoch=4, unit="batch", stream=stream)
        for _ in range(2):
            for _ in range(4):
                tracker.advance()
            tracker.end_epoch(loss="0.5")
        tracker.close()
    assert len(log.getvalue().splitlines()) == 2  # a line per epoch, none per batch
    assert "8/8" in terminal.getvalue() and "\r" in terminal.getvalue()  # tqdm's bar, redrawn in place
    assert "epoch 1/2" not in terminal.getvalue()


def test_disabled_writes_nothing():
    out, terminal = io.StringIO(), _Terminal()
    for stream in (out, terminal):
        tracker = EpochProgress("x", epochs=2, stream=stream, enabled=False)
        tracker.advance()
        tracker.end_epoch(loss="1")
        tracker.close()
    assert out.getvalue() == terminal.getvalue() == ""


def test_training_writes_its_epochs_to_stderr(capsys):
    torch.manual_seed(0)
    x = torch.rand(128, 784)
    y = torch.randint(0, 10, (128,))
    history = train(
        models.build("vae", latent_dim=2, hidden=[16]), x, y, x[:32], y[:32], train_config(epochs=2, batch_size=64)
    )
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("train vae z=2: epoch")]
    assert [line.split(",")[0] for line in lines] == ["train vae z=2: epoch 1/2", "train vae z=2: epoch 2/2"]
    assert all("loss=" in line and "val_mse=0.0" in line for line in lines)
    # the epoch's seconds are in the log line, and only there: history.csv holds no wall-clock time
    assert all(re.fullmatch(r"\d+\.\d\d s", line.split(", ")[1]) for line in lines)
    assert len(history) == 2 and not any("seconds" in row for row in history)
