"""New digits from the prior, and how a digit classifier judges them.

Sampling: z ~ N(0, I), decoded by a model (the CVAE also gets the digit it should draw). The
AE was never trained towards N(0, I), so it also gets a fair chance: z from a Gaussian or a
Gaussian mixture fitted to its own codes of the training images.
Scoring: from the classifier's class probabilities of each sample, its top-class
confidence; the mean of those, the share above a threshold ("recognised as a digit"),
and for the CVAE the share whose top class is the digit that was asked for.
"""

from __future__ import annotations

import numpy as np
import torch

from vaelab.models.autoencoders import N_CLASSES


def sample_prior(n: int, latent_dim: int, seed: int) -> torch.Tensor:
    """n draws of z ~ N(0, I) in `latent_dim` dimensions, the same for the same seed."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, latent_dim, generator=gen)


def sample_fitted_density(codes: np.ndarray, n: int, n_components: int, seed: int) -> torch.Tensor:
    """n draws from a Gaussian mixture with `n_components` full-covariance components fitted
    (by EM, seeded) to `codes`, the (m, d) codes of the training images; 1 component is the
    Gaussian with the codes' mean and covariance."""
    from sklearn.mixture import GaussianMixture

    codes = np.asarray(codes, np.float64)
    if len(codes) < max(2, n_components) * codes.shape[1]:
        raise ValueError(
            f"{len(codes)} codes are too few to fit {n_components} full covariance(s) in {codes.shape[1]} dimensions"
        )
    fit = GaussianMixture(n_components, covariance_type="full", random_state=seed, reg_covar=1e-6).fit(codes)
    fit.random_state = seed  # sample() draws from it
    z, _ = fit.sample(n)
    # sample() returns the draws grouped by component: shuffle so a grid shows them mixed
    z = z[np.random.default_rng(seed).permutation(n)]
    return torch.from_numpy(z.astype(np.float32))


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a share successes / n (z = 1.96: 95%); it stays inside [0, 1]
    and is sensible at shares of 0 and 1, where the normal approximation collapses."""
    if n < 1:
        raise ValueError("no trials")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, {n}], got {successes}")
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def share_with_interval(hits: np.ndarray) -> dict[str, float]:
    """{'share', 'low', 'high', 'n'} of a boolean array: the share of True and its Wilson interval."""
    hits = np.asarray(hits, bool)
    low, high = wilson_interval(int(hits.sum()), len(hits))
    return {"share": float(hits.mean()), "low": low, "high": high, "n": int(len(hits))}


def requested_digits(n_per_class: int) -> np.ndarray:
    """[0]*n, [1]*n, ..., [9]*n: the labels a CVAE is asked for, one row per digit."""
    return np.repeat(np.arange(N_CLASSES), n_per_class)


@torch.no_grad()
def decode_prior(model, z: torch.Tensor, labels=None) -> np.ndarray:
    """Images (n, 784) the model decodes from z (labels only for the CVAE)."""
    model.eval()
    y = None if labels is None else torch.as_tensor(np.asarray(labels), dtype=torch.long)
    return model.decode(z, y).cpu().numpy()


def top_confidence(proba: np.ndarray) -> np.ndarray:
    """The largest class probability of each row."""
    return np.asarray(proba).max(axis=1)


def confidence_stats(proba: np.ndarray, threshold: float) -> dict[str, float]:
    """{'mean_confidence': mean top-class probability, 'share_confident': share with top >
    threshold, 'share_confident_low'/'_high': its 95% Wilson interval, 'n': samples}."""
    top = top_confidence(proba).astype(np.float64)
    if len(top) == 0:
        raise ValueError("no samples to score")
    share = share_with_interval(top > threshold)
    return {
        "mean_confidence": float(top.mean()),
        "share_confident": share["share"],
        "share_confident_low": share["low"],
        "share_confident_high": share["high"],
        "n": share["n"],
    }


def conditional_accuracy(proba: np.ndarray, requested: np.ndarray) -> tuple[dict, list[dict]]:
    """(overall, per digit) share of samples whose top class is the requested digit, each as
    `share_with_interval` ({'share', 'low', 'high', 'n'}).

    Every digit 0..9 must be requested at least once, so that each per-digit share is defined.
    """
    requested = np.asarray(requested)
    predicted = np.asarray(proba).argmax(axis=1)
    if len(predicted) != len(requested):
        raise ValueError(f"{len(predicted)} predictions for {len(requested)} requested digits")
    hit = predicted == requested
    per_class = []
    for d in range(N_CLASSES):
        mask = requested == d
        if not mask.any():
            raise ValueError(f"digit {d} was never requested")
        per_class.append(share_with_interval(hit[mask]))
    return share_with_interval(hit), per_class


def midpoint_scores(proba: np.ndarray, digits_a: np.ndarray, digits_b: np.ndarray, threshold: float) -> dict:
    """How the classifier judges images decoded halfway between two digits a and b:
    'recognised', the share whose top class has probability above `threshold`, and
    'an_end_class', the share whose top class is a or b; each with its Wilson interval
    (`share_with_interval`)."""
    proba = np.asarray(proba)
    if not len(proba) == len(digits_a) == len(digits_b):
        raise ValueError(f"{len(proba)} images for {len(digits_a)} and {len(digits_b)} end digits")
    predicted = proba.argmax(axis=1)
    return {
        "recognised": share_with_interval(top_confidence(proba) > threshold),
        "an_end_class": share_with_interval((predicted == np.asarray(digits_a)) | (predicted == np.asarray(digits_b))),
    }
