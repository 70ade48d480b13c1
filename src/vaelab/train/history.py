"""The per-epoch training history (history.csv): written by training, read by figures.
No wall-clock column: the same seed gives the same bytes (epoch times are in the job's log).

train_* and val_loss/val_recon/val_kl are the training objective with z sampled from q(z|x)
(train_*: averaged over the epoch's batches as the weights change); val_recon_mean_z is the
reconstruction term with z = mu and val_mse its per-pixel squared error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from vaelab.io import atomic_write_text
from vaelab.runs import ordered_runs

HISTORY_FIELDS = [
    "epoch",
    "train_loss",
    "train_recon",
    "train_kl",
    "val_loss",
    "val_recon",
    "val_kl",
    "val_recon_mean_z",
    "val_mse",
]


def write_history(history: list[dict], path: str | Path) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HISTORY_FIELDS)
    writer.writeheader()
    writer.writerows(history)
    atomic_write_text(path, buf.getvalue())


def read_history(path: str | Path) -> list[dict]:
    with open(path, newline="") as fh:
        return [{k: float(v) if k != "epoch" else int(v) for k, v in row.items()} for row in csv.DictReader(fh)]


def loss_curves(histories: dict[tuple[str, int], list[dict]], key: str) -> dict[str, dict[str, list[float]]]:
    """{model: {"latent": [history[key] per epoch]}} from read_history() rows."""
    out: dict[str, dict[str, list[float]]] = {}
    for model, latent in ordered_runs(histories):
        out.setdefault(model, {})[str(latent)] = [float(row[key]) for row in histories[(model, latent)]]
    return out
