"""Figure training_curves: training and validation loss per epoch of every model and latent size,
and the validation reconstruction error with z = mu, from the runs' history.csv (mean over seeds,
and each seed's final losses)."""

from __future__ import annotations

from dataclasses import dataclass

from vaelab.figures.result import LatentKey, SeedKey
from vaelab.publish.plotting import seed_mean
from vaelab.train.history import loss_curves

Histories = dict[tuple[str, int], list[dict]]  # {(model, latent): read_history() rows} of one seed
Curves = dict[str, dict[LatentKey, list[float]]]  # {model: {latent: value per epoch}}
Finals = dict[str, dict[LatentKey, float]]  # {model: {latent: value after the last epoch}}

OBJECTIVE = (
    "train_loss and val_loss: reconstruction + KL with z drawn from q(z|x) (the AE: its code); "
    "train_loss averaged over the epoch's batches, val_loss after the epoch; val_mse: z = mu"
)


@dataclass
class SeedNumbers:
    final_train_loss: Finals
    final_val_loss: Finals


@dataclass
class Numbers:
    train_loss: Curves  # mean over seeds, per epoch
    val_loss: Curves
    final_train_loss: Finals
    final_val_loss: Finals
    val_mse: Curves  # validation MSE per pixel with z = mu
    final_val_mse: Finals
    objective: str  # what the losses are
    epochs: dict[str, dict[LatentKey, int]]
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def seed_curves(histories_by_seed: dict[int, Histories], key: str) -> dict[int, Curves]:
    """{seed: {model: {latent: history[key] per epoch}}}: each seed's curves of one column."""
    return {seed: loss_curves(h, key) for seed, h in histories_by_seed.items()}


def mean_curves(by_seed_curves: dict[int, Curves]) -> Curves:
    """{model: {latent: mean curve over seeds}} (the seeds train for the same epochs)."""
    first = next(iter(by_seed_curves.values()))
    return {m: {z: seed_mean([c[m][z] for c in by_seed_curves.values()]).tolist() for z in d} for m, d in first.items()}


def finals(curves: Curves) -> Finals:
    """Each curve's last value."""
    return {m: {z: v[-1] for z, v in d.items()} for m, d in curves.items()}


def compute(histories_by_seed: dict[int, Histories]) -> Numbers:
    """`histories_by_seed`: {seed: {(model, latent): read_history(path)}}, the seeds in the config's order."""
    train_by_seed = seed_curves(histories_by_seed, "train_loss")
    val_by_seed = seed_curves(histories_by_seed, "val_loss")
    train, val = mean_curves(train_by_seed), mean_curves(val_by_seed)
    val_mse = mean_curves(seed_curves(histories_by_seed, "val_mse"))
    return Numbers(
        train_loss=train,
        val_loss=val,
        final_train_loss=finals(train),
        final_val_loss=finals(val),
        val_mse=val_mse,
        final_val_mse=finals(val_mse),
        objective=OBJECTIVE,
        epochs={m: {z: len(v) for z, v in d.items()} for m, d in train.items()},
        seeds=list(histories_by_seed),
        by_seed={
            str(s): SeedNumbers(final_train_loss=finals(train_by_seed[s]), final_val_loss=finals(val_by_seed[s]))
            for s in histories_by_seed
        },
    )
