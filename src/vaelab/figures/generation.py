"""Figure generation: images decoded from z ~ N(0, I) by each model at the chosen latent size (the
CVAE asked for each class equally often) and, as the AE's fair baseline, AE decodings of z drawn
from a Gaussian and a Gaussian mixture fitted to its codes of the training images; a classifier
scores every sample. The numbers: per sample source, the mean top-class confidence and the share
recognised (confidence above a threshold), and the CVAE's share of the requested class; each as
the mean over training seeds, each seed's, and with a 95% Wilson interval over all seeds' samples
pooled. From the models of every training seed, the classifier and the training images.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
import torch

from vaelab.analysis.generation import (
    conditional_accuracy,
    confidence_stats,
    decode_prior,
    requested_digits,
    sample_fitted_density,
    sample_prior,
    share_with_interval,
    top_confidence,
)
from vaelab.analysis.metrics import encode_decode
from vaelab.constants import IMAGE_SIDE
from vaelab.figures.result import Length, SeedKey, Share, SourceKey
from vaelab.models.autoencoders import N_CLASSES
from vaelab.models.classifier import predict_proba
from vaelab.publish.plotting import (
    TILE_STEP,
    bar_seeds,
    frame_tiles,
    interval_bars,
    label_tiles,
    seed_mean,
    show_images,
)

SHOWN_COLUMNS = 10  # samples per row of a sample panel


def source_labels(mixture_components: int) -> dict[str, str]:
    """{sample source: what it is}, in the figure's order: each model from N(0, I), the AE also
    from densities fitted to its codes of the training images."""
    return {
        "ae": "AE, z ~ N(0, I)",
        "ae_gaussian": "AE, z ~ Gaussian fitted to its codes",
        "ae_mixture": f"AE, z ~ {mixture_components}-Gaussian mixture fitted to its codes",
        "vae": "VAE, z ~ N(0, I)",
        "cvae": "CVAE, z ~ N(0, I)",
    }


@dataclass
class SeedNumbers:
    mean_confidence: dict[SourceKey, float]  # {sample source: mean top-class confidence}
    share_confident: dict[SourceKey, float]  # {sample source: share with confidence above the threshold}
    share_confident_interval: dict[SourceKey, Annotated[list[float], Length(2)]]  # its Wilson interval
    cvae_conditional_accuracy: float | None  # share classified as the requested class; null without a CVAE
    cvae_accuracy_per_class: Annotated[list[float], Length(10)] | None  # the same, per requested class


@dataclass
class Numbers:
    chosen_latent: int
    classifier_test_accuracy: float
    n_samples: int  # per sample source and training seed
    n_per_class: int  # CVAE samples requested of each class, per training seed
    mixture_components: int
    sources: dict[SourceKey, str]  # {sample source: what it is}
    mean_confidence: dict[SourceKey, float]  # means over the training seeds of each seed's numbers
    share_confident: dict[SourceKey, float]
    share_confident_pooled: dict[SourceKey, Share]  # over every seed's samples pooled
    cvae_conditional_accuracy: float | None
    cvae_conditional_pooled: Share | None
    cvae_accuracy_per_class: Annotated[list[float], Length(10)] | None
    cvae_accuracy_per_class_pooled: Annotated[list[Share], Length(10)] | None
    seeds: list[int]
    by_seed: dict[SeedKey, SeedNumbers]


@dataclass
class Samples:
    """One training seed's samples and the classifier's class probabilities of them."""

    images: dict[str, np.ndarray]  # {sample source: (n, pixels)}
    proba: dict[str, np.ndarray]  # {sample source: (n, classes)}
    requested: np.ndarray  # the class each sample of a conditional model was asked for


def sample(
    nets: dict,
    classifier,
    x_train: np.ndarray,
    y_train: np.ndarray,
    latent: int,
    n_samples: int,
    mixture_components: int,
    seed: int,
) -> Samples:
    """`nets`: {model: one training seed's model at latent size `latent`}. Every model decodes the
    same z (drawn with `seed`, so every training seed's models get the same z too); an "ae" also
    decodes z from a Gaussian and a `mixture_components`-Gaussian mixture fitted to its codes."""
    if n_samples % N_CLASSES:
        raise ValueError(f"the CVAE is asked for each class equally often: n_samples must be a multiple of {N_CLASSES}")
    z = sample_prior(n_samples, latent, seed)
    requested = requested_digits(n_samples // N_CLASSES)
    images = {}
    for name, net in nets.items():
        images[name] = decode_prior(net, z, requested if net.conditional else None)
        if name == "ae":
            codes = encode_decode(net, torch.from_numpy(x_train), torch.from_numpy(y_train))[1].numpy()
            for source, components in (("ae_gaussian", 1), ("ae_mixture", mixture_components)):
                images[source] = decode_prior(net, sample_fitted_density(codes, n_samples, components, seed))
    return Samples(images, {source: predict_proba(classifier, img) for source, img in images.items()}, requested)


def _pooled(hits: np.ndarray) -> Share:
    return Share(**share_with_interval(hits))


def compute(
    samples_by_seed: dict[int, Samples],
    chosen_latent: int,
    classifier_test_accuracy: float,
    mixture_components: int,
    confidence_threshold: float,
) -> Numbers:
    """`samples_by_seed`: {training seed: its `sample(...)`}; "recognised" is a top-class
    confidence above `confidence_threshold`."""
    seeds = list(samples_by_seed)
    labels = source_labels(mixture_components)
    sources = [source for source in labels if source in samples_by_seed[seeds[0]].proba]
    proba = {s: samples.proba for s, samples in samples_by_seed.items()}
    requested = samples_by_seed[seeds[0]].requested
    stats = {s: {n: confidence_stats(proba[s][n], confidence_threshold) for n in sources} for s in seeds}
    cvae = "cvae" in sources
    by_class = {s: conditional_accuracy(proba[s]["cvae"], requested) for s in seeds} if cvae else {}
    by_seed = {
        str(s): SeedNumbers(
            mean_confidence={n: stats[s][n]["mean_confidence"] for n in sources},
            share_confident={n: stats[s][n]["share_confident"] for n in sources},
            share_confident_interval={
                n: [stats[s][n]["share_confident_low"], stats[s][n]["share_confident_high"]] for n in sources
            },
            cvae_conditional_accuracy=by_class[s][0]["share"] if cvae else None,
            cvae_accuracy_per_class=[d["share"] for d in by_class[s][1]] if cvae else None,
        )
        for s in seeds
    }
    if cvae:
        # the requested class is drawn, over every seed's samples pooled
        hits = np.concatenate([proba[s]["cvae"].argmax(axis=1) == requested for s in seeds])
        wanted = np.tile(requested, len(seeds))
    n_samples = len(requested)
    return Numbers(
        chosen_latent=int(chosen_latent),
        classifier_test_accuracy=float(classifier_test_accuracy),
        n_samples=int(n_samples),
        n_per_class=int(n_samples // N_CLASSES),
        mixture_components=int(mixture_components),
        sources={n: labels[n] for n in sources},
        mean_confidence={n: float(seed_mean([stats[s][n]["mean_confidence"] for s in seeds])) for n in sources},
        share_confident={n: float(seed_mean([stats[s][n]["share_confident"] for s in seeds])) for n in sources},
        share_confident_pooled={
            n: _pooled(np.concatenate([top_confidence(proba[s][n]) > confidence_threshold for s in seeds]))
            for n in sources
        },
        cvae_conditional_accuracy=float(seed_mean([by_class[s][0]["share"] for s in seeds])) if cvae else None,
        cvae_conditional_pooled=_pooled(hits) if cvae else None,
        cvae_accuracy_per_class=(
            seed_mean([[d["share"] for d in by_class[s][1]] for s in seeds]).tolist() if cvae else None
        ),
        cvae_accuracy_per_class_pooled=[_pooled(hits[wanted == d]) for d in range(N_CLASSES)] if cvae else None,
        seeds=seeds,
        by_seed=by_seed,
    )


def shown(samples: Samples, source: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(images, proba, requested) of the samples a panel draws: the first ten rows; the CVAE's, one
    row per requested class of the first samples asked for it."""
    if source == "cvae":
        order = np.concatenate([np.flatnonzero(samples.requested == d)[:SHOWN_COLUMNS] for d in range(N_CLASSES)])
    else:
        order = np.arange(SHOWN_COLUMNS * N_CLASSES)
    return samples.images[source][order], samples.proba[source][order], samples.requested[order]


def draw_samples(ax, numbers: Numbers, samples: Samples, source, class_names, class_noun, confidence_threshold) -> None:
    """A grid of one source's samples, a red frame around each not recognised; on the CVAE's, the
    class the classifier sees, in orange, where it is not the requested one."""
    images, proba, requested = shown(samples, source)
    first = numbers.by_seed[str(numbers.seeds[0])]
    title = f"{numbers.sources[source]}\nrecognised {first.share_confident[source]:.0%} of {numbers.n_samples:,}"
    title += f" (seed {numbers.seeds[0]})"
    if source == "cvae":
        title += f"; requested {class_noun} drawn {first.cvae_conditional_accuracy:.0%}"
    show_images(ax, images, ncols=SHOWN_COLUMNS, title=title)
    ax.title.set_fontsize(10)
    unrecognised = np.flatnonzero(top_confidence(proba) <= confidence_threshold)
    frame_tiles(ax, unrecognised, SHOWN_COLUMNS, edgecolor="red", linewidth=0.9)
    if source == "cvae":
        predicted = proba.argmax(axis=1)
        wrong = np.flatnonzero(predicted != requested)
        label_tiles(
            ax, wrong, [str(predicted[i]) for i in wrong], SHOWN_COLUMNS, color="orange", fontsize=8, fontweight="bold"
        )
        ax.set_yticks(np.arange(N_CLASSES) * TILE_STEP + IMAGE_SIDE / 2, [str(n) for n in class_names], fontsize=8)
        ax.set_ylabel(f"requested {class_noun}")
    ax.set_xlabel(f"{len(images)} of the {numbers.n_samples:,} samples")


SOURCE_TICKS = {"ae": "AE\nN(0, I)", "ae_gaussian": "AE\nfitted Gaussian", "ae_mixture": "AE\nfitted mixture"}


def draw_scores(ax, numbers: Numbers, class_noun: str, confidence_threshold: float) -> None:
    """Per sample source, bars of the mean top-class confidence and the share recognised (mean over
    seeds, each seed's dot; the share with its pooled 95% interval)."""
    sources = list(numbers.sources)
    x = np.arange(len(sources))
    width = 0.38
    share_label = f"share recognised (confidence > {confidence_threshold:g}), 95% interval"
    for offset, key, label, color in [
        (-width / 2, "mean_confidence", "mean top-class confidence", "tab:blue"),
        (width / 2, "share_confident", share_label, "tab:orange"),
    ]:
        values = [[getattr(numbers.by_seed[str(s)], key)[n] for n in sources] for s in numbers.seeds]
        bars = bar_seeds(ax, x + offset, values, width, label=label, color=color)
        ax.bar_label(bars, fmt="%.2f", padding=8, fontsize=9)
    mean, pooled = [numbers.share_confident[n] for n in sources], [numbers.share_confident_pooled[n] for n in sources]
    interval_bars(ax, x + width / 2, mean, pooled, capsize=3, lw=1)
    ax.set_xticks(x, [SOURCE_TICKS.get(n, f"{n.upper()}\nN(0, I)") for n in sources], fontsize=10)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("score (0 to 1)")
    accuracy = numbers.classifier_test_accuracy
    ax.set_title(f"How a CNN {class_noun} classifier (test accuracy {accuracy:.1%}) judges the samples")
    ax.legend(loc="upper left", fontsize=9, ncols=2, frameon=False)


def draw_cvae_accuracy(ax, numbers: Numbers, class_names, class_noun: str) -> None:
    """Bars of the CVAE's share of samples classified as the requested class, per class (mean over
    seeds, each seed's dot, pooled 95% interval), and a dashed line at its share over all classes."""
    x = np.arange(N_CLASSES)
    per_seed = [numbers.by_seed[str(s)].cvae_accuracy_per_class for s in numbers.seeds]
    bar_seeds(ax, x, per_seed, 0.8, color="tab:green")
    interval_bars(ax, x, numbers.cvae_accuracy_per_class, numbers.cvae_accuracy_per_class_pooled, capsize=2, lw=1)
    overall = numbers.cvae_conditional_accuracy
    ax.axhline(overall, color="black", linestyle="--", linewidth=1, label=f"all {class_noun}s: {overall:.0%}")
    ax.set_xticks(x, [str(n) for n in class_names], rotation=45, ha="right", fontsize=8)
    ax.set_xlabel(f"requested {class_noun} ({numbers.n_per_class} samples each per seed)")
    ax.set_ylabel(f"share classified as the requested {class_noun}")
    ax.set_ylim(0, 1.15)
    ax.set_title(f"CVAE: is the requested {class_noun} drawn?")
    ax.legend(loc="lower left", fontsize=9, frameon=False)
