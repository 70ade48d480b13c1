"""What the reconstruction figures compute: which digits to show, reconstructions and their
errors, per-digit error matrices, and the table of every model's metrics."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import numpy as np

from vaelab.constants import IMAGE_SIZE, MODEL_NAMES

# One colour per model in every reconstruction figure (matplotlib's default cycle).
MODEL_COLORS = {"ae": "C0", "vae": "C1", "cvae": "C2"}

TABLE_COLUMNS = [
    "model", "latent", "test_mse", "val_mse", "pca_test_mse", "test_bce", "test_kl",
    "test_neg_elbo", "params", "epochs",
]


def model_label(model: str) -> str:
    return model.upper()


def ordered_runs(keys: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """(model, latent) pairs sorted as AE, VAE, CVAE (the order of MODEL_NAMES), then by latent."""
    order = {name: i for i, name in enumerate(MODEL_NAMES)}
    return sorted(keys, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))


def models_and_latents(keys: Iterable[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """The models (in MODEL_NAMES order) and the latent sizes (ascending) among (model, latent) pairs."""
    keys = ordered_runs(keys)
    models = list(dict.fromkeys(m for m, _ in keys))
    return models, sorted({z for _, z in keys})


def first_of_each_class(labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Index of the first image of each class 0..n_classes-1, in class order."""
    labels = np.asarray(labels)
    missing = [c for c in range(n_classes) if not np.any(labels == c)]
    if missing:
        raise ValueError(f"no image of class(es) {missing}")
    return np.array([int(np.argmax(labels == c)) for c in range(n_classes)], dtype=np.int64)


def seeded_pick(n_total: int, n: int, seed: int) -> np.ndarray:
    """`n` distinct indices into range(n_total), drawn with `seed`, in ascending order."""
    if not 0 < n <= n_total:
        raise ValueError(f"cannot pick {n} of {n_total}")
    return np.sort(np.random.default_rng(seed).choice(n_total, size=n, replace=False)).astype(np.int64)


def reconstruct(model, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reconstructions from z = mu, per-image MSE) of images x with labels y, as numpy."""
    import torch

    from vaelab.analysis.metrics import per_image_mse, reconstruct_array

    recon = reconstruct_array(model, x, y)
    return recon, per_image_mse(torch.from_numpy(recon), torch.from_numpy(np.asarray(x, dtype=np.float32))).numpy()


def pca_reconstruct(x_train: np.ndarray, x: np.ndarray, n_components: int, seed: int = 0) -> np.ndarray:
    """x reconstructed from its first `n_components` principal components (fitted on x_train),
    clipped to [0, 1] as in selection.pca_mse."""
    from vaelab.analysis.embedding import pca

    p = pca(x_train, n_components, seed)
    return np.clip(p.inverse_transform(p.transform(x)), 0, 1)


def nested(runs: dict[tuple[str, int], dict], key: str) -> dict[str, dict[str, object]]:
    """{(model, latent): metrics} -> {model: {"latent": metrics[key]}} (JSON-ready, ordered)."""
    out: dict[str, dict[str, object]] = {}
    for model, latent in ordered_runs(runs):
        out.setdefault(model, {})[str(latent)] = runs[(model, latent)][key]
    return out


def per_digit_matrix(runs: dict[tuple[str, int], dict], model: str, latents: list[int]) -> np.ndarray:
    """(10 digits, len(latents)) test MSE of `model`: column j is per_digit_mse at latents[j]."""
    return np.array([runs[(model, z)]["per_digit_mse"] for z in latents], dtype=float).T


def easiest_hardest(matrix: np.ndarray, latents: list[int]) -> tuple[dict[str, int], dict[str, int]]:
    """Per latent size (column), the digit with the lowest and the highest error."""
    easiest = {str(z): int(np.nanargmin(matrix[:, j])) for j, z in enumerate(latents)}
    hardest = {str(z): int(np.nanargmax(matrix[:, j])) for j, z in enumerate(latents)}
    return easiest, hardest


def digit_ranks(matrix: np.ndarray) -> np.ndarray:
    """Rank of each digit (row) within each column: 0 = lowest error. Ties keep row order."""
    order = np.argsort(matrix, axis=0, kind="stable")
    ranks = np.empty_like(order)
    cols = np.arange(matrix.shape[1])
    ranks[order, cols] = np.arange(matrix.shape[0])[:, None]
    return ranks


def mean_rank_per_digit(matrices: list[np.ndarray]) -> list[float]:
    """Each digit's rank (0 = easiest) averaged over every column of every matrix."""
    ranks = np.concatenate([digit_ranks(m) for m in matrices], axis=1)
    return [float(r) for r in ranks.mean(axis=1)]


def nearest_latent(latents: Iterable[int], target: int) -> int:
    """The trained latent size closest to `target` on a log scale (the smaller one on a tie)."""
    latents = sorted(latents)
    if not latents:
        raise ValueError("no latent sizes")
    return min(latents, key=lambda z: (round(abs(float(np.log(z / target))), 9), z))


def compression_ratio(latent: int, n_values: int = IMAGE_SIZE) -> float:
    """How many times fewer numbers the code holds than the image: 784 / latent."""
    return n_values / latent


def pca_curve(baselines: dict, split: str, latents: Iterable[int]) -> dict[str, float]:
    """{"latent": PCA <split>_mse} from baselines.json, for the latent sizes asked for that it holds."""
    return {str(z): float(baselines["pca"][str(z)][f"{split}_mse"]) for z in latents if str(z) in baselines["pca"]}


def loss_curves(histories: dict[tuple[str, int], list[dict]], key: str) -> dict[str, dict[str, list[float]]]:
    """{model: {"latent": [history[key] per epoch]}} from read_history() rows."""
    out: dict[str, dict[str, list[float]]] = {}
    for model, latent in ordered_runs(histories):
        out.setdefault(model, {})[str(latent)] = [float(row[key]) for row in histories[(model, latent)]]
    return out


# --- the metrics table -------------------------------------------------------------


def metrics_rows(runs: dict[tuple[str, int], dict], baselines: dict) -> list[dict]:
    """One row per (model, latent) with the columns of TABLE_COLUMNS; None where a metric does
    not apply (the AE has no KL term or ELBO)."""
    rows = []
    for model, latent in ordered_runs(runs):
        m = runs[(model, latent)]
        pca = baselines.get("pca", {}).get(str(latent))
        rows.append({
            "model": model, "latent": int(latent),
            "test_mse": m["test_mse"], "val_mse": m.get("val_mse"),
            "pca_test_mse": pca["test_mse"] if pca else None,
            "test_bce": m.get("test_bce"), "test_kl": m.get("test_kl"), "test_neg_elbo": m.get("test_neg_elbo"),
            "params": m.get("n_parameters"), "epochs": m.get("epochs"),
        })
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
