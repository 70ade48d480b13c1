"""New digits from the prior, and how a digit classifier judges them.

Sampling: z ~ N(0, I), decoded by a model (the CVAE also gets the digit it should draw).
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


def requested_digits(n_per_digit: int) -> np.ndarray:
    """[0]*n, [1]*n, ..., [9]*n: the labels a CVAE is asked for, one row per digit."""
    return np.repeat(np.arange(N_CLASSES), n_per_digit)


@torch.no_grad()
def decode_prior(model, z: torch.Tensor, labels=None) -> np.ndarray:
    """Images (n, 784) the model decodes from z (labels only for the CVAE)."""
    model.eval()
    y = None if labels is None else torch.as_tensor(np.asarray(labels), dtype=torch.long)
    return model.decode(z, y).cpu().numpy()


def top_confidence(proba: np.ndarray) -> np.ndarray:
    """The largest class probability of each row."""
    return np.asarray(proba).max(axis=1)


def confidence_stats(proba: np.ndarray, threshold: float = 0.9) -> dict[str, float]:
    """{'mean_confidence': mean top-class probability, 'share_confident': share with top > threshold}."""
    top = top_confidence(proba).astype(np.float64)
    if len(top) == 0:
        raise ValueError("no samples to score")
    return {"mean_confidence": float(top.mean()), "share_confident": float((top > threshold).mean())}


def conditional_accuracy(proba: np.ndarray, requested: np.ndarray) -> tuple[float, list[float]]:
    """(overall, per digit) share of samples whose top class is the requested digit.

    Every digit 0..9 must be requested at least once, so that each per-digit share is defined.
    """
    requested = np.asarray(requested)
    predicted = np.asarray(proba).argmax(axis=1)
    if len(predicted) != len(requested):
        raise ValueError(f"{len(predicted)} predictions for {len(requested)} requested digits")
    hit = predicted == requested
    per_digit = []
    for d in range(N_CLASSES):
        mask = requested == d
        if not mask.any():
            raise ValueError(f"digit {d} was never requested")
        per_digit.append(float(hit[mask].mean()))
    return float(hit.mean()), per_digit
