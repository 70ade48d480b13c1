"""Table metrics_table: every model's test and validation MSE, PCA's test MSE at the same
dimension, test BCE, KL and -ELBO (VAE and CVAE only), parameters and epochs; a row per model,
latent size and training seed (the CSV), and their mean and sd over seeds (the Markdown). From
the models' metrics.json and the baselines. A table, not a drawing: its notebook writes the CSV,
the Markdown and the JSON itself (vaelab.publish.tables formats them)."""

from __future__ import annotations

from dataclasses import dataclass

from vaelab.publish.tables import metrics_rows, summary_rows

Runs = dict[tuple[str, int], dict]  # {(model, latent): metrics} of one seed


@dataclass
class Row:
    """One model, latent size and seed; None where a metric does not apply (the AE has no KL
    term or ELBO) or was not measured."""

    model: str
    latent: int
    seed: int | None  # None: a run outside a seed<n> folder
    test_mse: float
    val_mse: float | None
    pca_test_mse: float | None
    test_bce: float | None
    test_kl: float | None
    test_neg_elbo: float | None
    params: int | None
    epochs: int | None


@dataclass
class Spread:
    """A metric over seeds: the mean and the sample standard deviation (0 for one seed)."""

    mean: float
    sd: float


@dataclass
class SummaryRow:
    model: str
    latent: int
    n: int  # the seeds
    test_mse: Spread
    val_mse: Spread | None
    pca_test_mse: Spread | None
    test_bce: Spread | None
    test_kl: Spread | None
    test_neg_elbo: Spread | None
    params: Spread | None
    epochs: Spread | None


@dataclass
class Numbers:
    rows: list[Row]  # in the models' order, each model's latent sizes ascending, seeds in the config's order
    summary: list[SummaryRow]  # one per model and latent size, in the rows' order


def _spread(value: dict | None) -> Spread | None:
    return None if value is None else Spread(**value)


def compute(runs_by_seed: dict[int | None, Runs], baselines: dict) -> Numbers:
    """`runs_by_seed`: {seed: {(model, latent): metrics}} (vaelab.publish.figures.load_metrics_by_seed);
    `baselines`: baselines.json (PCA's test MSE per latent size under "pca")."""
    rows = metrics_rows(runs_by_seed, baselines)
    summary = [
        SummaryRow(**{k: (v if k in ("model", "latent", "n") else _spread(v)) for k, v in s.items()})
        for s in summary_rows(rows)
    ]
    return Numbers(rows=[Row(**r) for r in rows], summary=summary)


def elbo_draws(runs_by_seed: dict[int | None, Runs]) -> list[int]:
    """The numbers of draws of z per image the runs' -ELBO averages (one each, unless runs differ)."""
    return sorted(
        {
            m["neg_elbo_z_samples"]
            for runs in runs_by_seed.values()
            for m in runs.values()
            if m.get("neg_elbo_z_samples")
        }
    )


def markdown_note(draws: list[int]) -> str:
    """What the Markdown table's columns measure, written below it."""
    return (
        "\ntest_mse, val_mse, test_bce: reconstructions with z = μ. test_kl, test_neg_elbo: per image; the -ELBO "
        f"averages {', '.join(map(str, draws)) or '–'} draws of z ~ q(z|x) per image, the objective of training and "
        "of the validation curve.\n"
    )
