"""The table of every model's metrics: its rows, as CSV and as Markdown."""

from __future__ import annotations

import csv
import io

from vaelab.runs import model_label, ordered_runs

TABLE_COLUMNS = [
    "model",
    "latent",
    "test_mse",
    "val_mse",
    "pca_test_mse",
    "test_bce",
    "test_kl",
    "test_neg_elbo",
    "params",
    "epochs",
]


def metrics_rows(runs: dict[tuple[str, int], dict], baselines: dict) -> list[dict]:
    """One row per (model, latent) with the columns of TABLE_COLUMNS; None where a metric does
    not apply (the AE has no KL term or ELBO)."""
    rows = []
    for model, latent in ordered_runs(runs):
        m = runs[(model, latent)]
        pca = baselines.get("pca", {}).get(str(latent))
        rows.append(
            {
                "model": model,
                "latent": int(latent),
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


def rows_to_csv(rows: list[dict], columns: list[str] = TABLE_COLUMNS) -> str:
    """CSV text, full precision, empty cells for None."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row[c] is None else row[c]) for c in columns})
    return buf.getvalue()


def _cell(column: str, value) -> str:
    if value is None:
        return "–"
    if column == "model":
        return model_label(value)
    if isinstance(value, float):
        if column in ("test_kl", "test_neg_elbo"):
            return f"{value:.2f}"
        return f"{value:.4f}"
    if column == "params":
        return f"{value:,}"
    return str(value)


def rows_to_markdown(rows: list[dict], columns: list[str] = TABLE_COLUMNS) -> str:
    """A GitHub-flavoured Markdown table: numbers right-aligned and rounded for reading."""
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(":---" if c == "model" else "---:" for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c, row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"
