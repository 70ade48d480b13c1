"""The study's runs: the models in the order every figure and table uses, their labels and
colours, and lists of (model, latent) pairs. Importable without torch."""

from __future__ import annotations

from collections.abc import Iterable

MODEL_NAMES = ("ae", "vae", "cvae")  # the order every figure and table uses

# What each model is, in the report's methods
MODEL_DESCRIPTIONS = {
    "ae": "a deterministic autoencoder",
    "vae": "a variational autoencoder (Kingma & Welling, 2014)",
    "cvae": "a conditional VAE; encoder and decoder also see the class label",
}

# One colour per model in every reconstruction figure (matplotlib's default cycle).
MODEL_COLORS = {"ae": "C0", "vae": "C1", "cvae": "C2"}


def model_label(model: str) -> str:
    """As figures name a model: AE, VAE, CVAE."""
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


def nested(runs: dict[tuple[str, int], dict], key: str) -> dict[str, dict[str, object]]:
    """{(model, latent): metrics} -> {model: {"latent": metrics[key]}} (JSON-ready, ordered)."""
    out: dict[str, dict[str, object]] = {}
    for model, latent in ordered_runs(runs):
        out.setdefault(model, {})[str(latent)] = runs[(model, latent)][key]
    return out


def mean_nested(tables: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """[{model: {"latent": value}} of each seed] -> the mean over seeds, for the entries every seed has."""
    first = tables[0]
    return {
        m: {z: sum(t[m][z] for t in tables) / len(tables) for z in d if all(z in t.get(m, {}) for t in tables)}
        for m, d in first.items()
    }
