"""Figure interpolation: images decoded along the straight line between the latent means of two
test images of different classes, per unconditional model at the chosen latent size, with how
evenly each path changes; and how often the classifier recognises the images decoded halfway
between many more pairs. From each training seed's models and test latents, the test images and
the classifier: the paths drawn are the first seed's, the midpoint shares means over seeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np

from vaelab.analysis.generation import midpoint_scores, share_with_interval, top_confidence
from vaelab.analysis.latent import decode, digit_pairs, interpolate, midpoints, step_changes
from vaelab.figures.result import Length, SeedKey, Share
from vaelab.models.classifier import predict_proba
from vaelab.publish.plotting import TILE_STEP, bar_seeds, interval_bars, labelled_grid, seed_mean
from vaelab.runs import model_label

Pair = Annotated[list[int], Length(2)]


@dataclass
class SeedNumbers:
    midpoint_recognised: dict[str, Share]  # {model: share of midpoints the classifier is confident about}
    midpoint_an_end_class: dict[str, Share]  # {model: share of midpoints read as one of the pair's classes}


@dataclass
class Numbers:
    chosen_latent: int
    models: list[str]  # the unconditional models, as drawn
    t: list[float]  # the points on each path: 0 = image A's code, 1 = image B's
    pairs_test_index: list[Pair]  # the pairs drawn: [A, B] as test indices
    pairs_classes: list[Pair]
    step_mse: dict[str, list[list[float]]]  # {model: per pair, mean squared change between neighbouring images}
    max_step_share: dict[str, list[float]]  # {model: per pair, largest step's share of the summed change}
    n_scored_pairs: int
    confidence_threshold: float
    midpoint_recognised: dict[str, float]  # {model: mean over seeds}
    midpoint_recognised_pooled: dict[str, Share]  # {model: over every seed's midpoints pooled}
    midpoint_an_end_class: dict[str, float]
    test_images_recognised: Share  # the classifier on the pairs' test images themselves
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


def decoded_path(net, mu: np.ndarray, pair: tuple[int, int], n_steps: int) -> np.ndarray:
    """(n_steps, 784) images decoded from the straight line between the codes mu[i] and mu[j]."""
    i, j = pair
    return decode(net, interpolate(mu[i], mu[j], n_steps))


def image_rows(net, mu: np.ndarray, x_test: np.ndarray, pairs: list, n_steps: int) -> np.ndarray:
    """The rows the figure draws, one per pair (i, j): test image i, its decoded path to j's code, test image j."""
    return np.concatenate(
        [
            np.concatenate([x_test[i : i + 1], decoded_path(net, mu, (i, j), n_steps), x_test[j : j + 1]])
            for i, j in pairs
        ]
    )


def shown_rows(nets_by_seed: dict, latents_by_seed: dict, x_test: np.ndarray, numbers: Numbers) -> dict:
    """{model: its image_rows(...) of the pairs drawn}, by the first training seed's models."""
    first = numbers.seeds[0]
    return {
        m: image_rows(
            nets_by_seed[first][m], latents_by_seed[first][m]["mu"], x_test, numbers.pairs_test_index, len(numbers.t)
        )
        for m in numbers.models
    }


def _share(d: dict) -> Share:
    return Share(**d)


def compute(
    nets_by_seed: dict[int, dict[str, object]],
    latents_by_seed: dict[int, dict[str, dict]],
    x_test: np.ndarray,
    y_test: np.ndarray,
    classifier,
    chosen_latent: int,
    seed: int,
    n_pairs: int,
    n_steps: int,
    n_scored_pairs: int,
    confidence_threshold: float,
) -> Numbers:
    """`nets_by_seed`: {training seed: {model: its model at the chosen latent size}};
    `latents_by_seed`: {seed: {model: its test latents (latents.npz: "mu", "labels")}}. The
    conditional models are left out (a CVAE's path would also need a label path)."""
    seeds = list(nets_by_seed)
    first = seeds[0]
    names = [m for m, net in nets_by_seed[first].items() if not net.conditional]
    for s in seeds:
        for m in names:
            if not np.array_equal(latents_by_seed[s][m]["labels"], y_test):
                raise ValueError(f"the test latents of {m} (seed {s}) and the split disagree on the test labels")
    # the paths drawn: the first seed's models
    pairs = digit_pairs(y_test, n_pairs, seed=seed)
    steps = {
        m: [
            step_changes(decoded_path(nets_by_seed[first][m], latents_by_seed[first][m]["mu"], p, n_steps)).tolist()
            for p in pairs
        ]
        for m in names
    }
    # midpoints of many more pairs (other draws than the rows shown), decoded by every seed's models and scored
    scored_pairs = digit_pairs(y_test, n_scored_pairs, seed=seed + 1)
    digits_a, digits_b = (y_test[[p[k] for p in scored_pairs]] for k in (0, 1))
    ends = np.unique(np.asarray(scored_pairs).ravel())
    # the classifier on the end images themselves: the share a real image gets
    end_recognised = share_with_interval(top_confidence(predict_proba(classifier, x_test[ends])) > confidence_threshold)
    seed_midpoint, seed_hits = {}, {}
    for s in seeds:
        for m in names:
            codes = midpoints(latents_by_seed[s][m]["mu"], scored_pairs)
            proba = predict_proba(classifier, decode(nets_by_seed[s][m], codes))
            seed_midpoint.setdefault(s, {})[m] = midpoint_scores(proba, digits_a, digits_b, confidence_threshold)
            seed_hits.setdefault(m, []).append(top_confidence(proba) > confidence_threshold)

    def mean_share(key: str) -> dict[str, float]:
        return {m: float(seed_mean([seed_midpoint[s][m][key]["share"] for s in seeds])) for m in names}

    return Numbers(
        chosen_latent=int(chosen_latent),
        models=names,
        t=np.linspace(0.0, 1.0, n_steps).tolist(),
        pairs_test_index=[[int(i), int(j)] for i, j in pairs],
        pairs_classes=[[int(y_test[i]), int(y_test[j])] for i, j in pairs],
        step_mse=steps,
        max_step_share={m: [float(max(s) / sum(s)) if sum(s) > 0 else 0.0 for s in steps[m]] for m in names},
        n_scored_pairs=int(n_scored_pairs),
        confidence_threshold=float(confidence_threshold),
        midpoint_recognised=mean_share("recognised"),
        # 95% Wilson interval over the midpoints of every seed pooled
        midpoint_recognised_pooled={m: _share(share_with_interval(np.concatenate(seed_hits[m]))) for m in names},
        midpoint_an_end_class=mean_share("an_end_class"),
        test_images_recognised=_share(end_recognised),
        seeds=seeds,
        by_seed={
            str(s): SeedNumbers(
                midpoint_recognised={m: _share(seed_midpoint[s][m]["recognised"]) for m in names},
                midpoint_an_end_class={m: _share(seed_midpoint[s][m]["an_end_class"]) for m in names},
            )
            for s in seeds
        },
    )


def draw_paths(ax, rows: np.ndarray, numbers: Numbers, model: str, class_noun: str) -> None:
    """One model's paths: a row per pair, between its test images A and B, set apart by white lines."""
    n_cols = len(numbers.t) + 2
    t_labels = [f"{v:.2f}".rstrip("0").rstrip(".") for v in numbers.t]
    labelled_grid(ax, rows, n_cols, ["A", *t_labels, "B"], [f"{a} → {b}" for a, b in numbers.pairs_classes])
    step = TILE_STEP
    for x in (step - 1, (n_cols - 1) * step - 1):
        ax.axvline(x, color="white", lw=2)
    ax.set_xlabel(r"test image A  |  decoded $(1-t)\,z_A + t\,z_B$ for t above  |  test image B")
    ax.set_ylabel(f"{class_noun} pair (A → B)")
    ax.set_title(f"{model_label(model)}, latent size {numbers.chosen_latent}")


def draw_midpoint_scores(ax, numbers: Numbers) -> None:
    """Bars: the share of midpoints recognised per model (mean over seeds, each seed's dot, pooled
    95% interval); a dashed line: the share of the test images themselves."""
    names, xs = numbers.models, np.arange(len(numbers.models))
    by_seed_shares = [[numbers.by_seed[str(s)].midpoint_recognised[m].share for m in names] for s in numbers.seeds]
    bars = bar_seeds(ax, xs, by_seed_shares, 0.6, color="tab:orange")
    mean = [numbers.midpoint_recognised[m] for m in names]
    interval_bars(ax, xs, mean, [numbers.midpoint_recognised_pooled[m] for m in names], capsize=3)
    ax.bar_label(bars, fmt="%.2f", padding=6, fontsize=9)
    end_share = numbers.test_images_recognised.share
    ax.axhline(end_share, color="black", ls="--", lw=1, label=f"the test images: {end_share:.2f}")
    ax.set_xticks(xs, [model_label(m) for m in names])
    ax.set_ylim(0, 1.15)
    ax.set_ylabel(f"share recognised (confidence > {numbers.confidence_threshold:g})")
    ax.set_title(f"Midpoints t = 0.5 of {numbers.n_scored_pairs:,} pairs", fontsize=10)
    ax.legend(fontsize=9, loc="upper right")
