"""Figure training_curves: training and validation loss per epoch of every model and latent size,
and the validation reconstruction error with z = mu, from the runs' history.csv (mean over seeds,
and each seed's final losses)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.figures.result import LatentKey, SeedKey
from vaelab.publish.plotting import log_scale_y, plot_seed_band, seed_mean
from vaelab.runs import model_label
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


# the panels: what each row of the figure draws, as (curve, line style)
ROWS = ([("train_loss", "-"), ("val_loss", "--")], [("val_mse", "-")])


def latent_styles(latents: list[int]) -> tuple[dict, dict]:
    """{latent: colour} and {latent: marker}: a qualitative palette and a marker per latent size,
    so that six sizes stay apart where their curves overlap."""
    import matplotlib.pyplot as plt

    colors = dict(zip(latents, plt.get_cmap("Dark2")(np.arange(len(latents)) % 8)))
    return colors, dict(zip(latents, "osD^vP*X"))


def draw_model(axes, model: str, curves_by_kind: dict[str, dict[int, Curves]], colors: dict, markers: dict) -> None:
    """One model's column: its training objective above, its validation MSE with z = mu below; per
    latent size the mean over seeds as a line, the min-max over seeds as a band.
    `curves_by_kind`: {"train_loss" | "val_loss" | "val_mse": seed_curves(...)}."""
    trained = next(iter(curves_by_kind["train_loss"].values()))[model]  # the latent sizes it was trained at
    for z in colors:
        if str(z) not in trained:
            continue
        for ax, kinds in zip(axes, ROWS):
            for kind, style in kinds:
                runs = [c[model][str(z)] for c in curves_by_kind[kind].values()]
                epochs = np.arange(1, len(runs[0]) + 1)
                every = max(1, len(epochs) // 6)
                plot_seed_band(
                    ax, epochs, runs, color=colors[z], lw=1.6, ls=style, marker=markers[z], ms=4, markevery=every
                )
    axes[0].set_title(f"{model_label(model)}: training objective")
    axes[1].set_title(f"{model_label(model)}: validation reconstruction, z = μ")
    for ax in axes:
        ax.set_xlabel("epoch")
        log_scale_y(ax)
        ax.grid(alpha=0.3, which="both")


def legend_handles(colors: dict, markers: dict) -> list:
    """The legend's entries: a colour and marker per latent size, then the line style of each loss."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, marker=markers[z], lw=2, label=f"z = {z}") for z, c in colors.items()]
    return handles + [
        Line2D([], [], color="0.3", lw=1.6, label="train (mean over the epoch)"),
        Line2D([], [], color="0.3", lw=1.6, ls="--", label="validation (after the epoch)"),
    ]
