"""The table of every model's metrics: a row per model, latent size and seed (the CSV), and
their mean, standard deviation and count over seeds per model and latent size (the Markdown)."""

from __future__ import annotations

import csv
import io
import math

from vaelab.runs import model_label, ordered_runs

TABLE_COLUMNS = [
    "model",
    "latent",
    "seed",
    "test_mse",
    "val_mse",
    "pca_test_mse",
    "test_bce",
    "test_kl",
    "test_neg_elbo",
    "params",
    "epochs",
]


def metrics_rows(runs_by_seed: dict[int | None, dict[tuple[str, int], dict]], baselines: dict) -> list[dict]:
    """One row per (model, latent, seed) with the columns of TABLE_COLUMNS, seeds in the given
    order within each model and latent size; None where a metric does not apply (the AE has no
    KL term or ELBO)."""
    keys = ordered_runs({key for runs in runs_by_seed.values() for key in runs})
    rows = []
    for model, latent in keys:
        for seed, runs in runs_by_seed.items():
            if (model, latent) not in runs:
                continue
            m = runs[(model, latent)]
            pca = baselines.get("pca", {}).get(str(latent))
            rows.append(
                {
                    "model": model,
                    "latent": int(latent),
                    "seed": seed,
                    "test_mse": m["test_mse"],
                    "val_mse": m.get("val_mse"),
                    "pca_test_mse": pca["test_mse"] if pca else None,
                    "test_bce": m.get("test_bce"),
                    "test_kl": m.get("test_kl"),
                    "test_neg_elbo": m.get("test_neg_elbo"),
                    "params": m.get("n_parameters"),
                    "epochs": m.get("epochs"),
                }
            )
    return rows


SUMMARY_COLUMNS = ["model", "latent", "n", *TABLE_COLUMNS[3:]]


def summary_rows(rows: list[dict]) -> list[dict]:
    """One row per (model, latent) of the per-seed rows: n (the seeds) and each metric's
    {"mean", "sd"} over them (sd: the sample standard deviation, 0 for one seed; None where the
    metric does not apply)."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["model"], row["latent"]), []).append(row)
    out = []
    for (model, latent), group in groups.items():
        summary: dict = {"model": model, "latent": latent, "n": len(group)}
        for column in SUMMARY_COLUMNS[3:]:
            values = [r[column] for r in group if r[column] is not None]
            if not values:
                summary[column] = None
                continue
            mean = sum(values) / len(values)
            sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
            summary[column] = {"mean": mean, "sd": sd}
        out.append(summary)
    return out


def rows_to_csv(rows: list[dict], columns: list[str] = TABLE_COLUMNS) -> str:
    """CSV text, full precision, empty cells for None."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row[c] is None else row[c]) for c in columns})
    return buf.getvalue()


def _number(column: str, value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if column in ("test_kl", "test_neg_elbo") else f"{value:.4f}"
    if column == "params":
        return f"{value:,}"
    return str(value)


def _cell(column: str, value) -> str:
    """A summary cell: "mean ± sd" of a metric (the mean alone where every seed agrees, as the
    parameter count), the model's label, or "–" where it does not apply."""
    if value is None:
        return "–"
    if column == "model":
        return model_label(value)
    if isinstance(value, dict):
        if value["sd"] == 0:
            return _number(column, value["mean"] if column not in ("params", "epochs") else round(value["mean"]))
        return f"{_number(column, value['mean'])} ± {_number(column, value['sd'])}"
    return _number(column, value)


def rows_to_markdown(rows: list[dict], columns: list[str] = SUMMARY_COLUMNS) -> str:
    """A GitHub-flavoured Markdown table of summary rows: numbers right-aligned, mean ± sd over
    the n seeds, rounded for reading."""
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(":---" if c == "model" else "---:" for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c, row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown_table(text: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a Markdown table written by rows_to_markdown."""
    lines = [line.strip().strip("|").split("|") for line in text.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in line] for line in lines]
    return (cells[0], cells[2:]) if cells else ([], [])
