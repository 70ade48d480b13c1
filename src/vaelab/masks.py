"""Masks of missing pixels (1 = observed, 0 = missing) for the imputation study."""

from __future__ import annotations

import torch

from vaelab.models import IMAGE_SIDE

MASK_KINDS = ("half", "square", "random")


def make_mask(kind: str, n: int, generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    """(n, 784) float masks of one kind.

    half: the bottom 14 rows missing; square: a centred 14x14 square missing;
    random: each pixel missing with probability 0.5.
    """
    grid = torch.ones(n, IMAGE_SIDE, IMAGE_SIDE, device=device)
    if kind == "half":
        grid[:, IMAGE_SIDE // 2 :, :] = 0
    elif kind == "square":
        lo, hi = IMAGE_SIDE // 4, IMAGE_SIDE - IMAGE_SIDE // 4
        grid[:, lo:hi, lo:hi] = 0
    elif kind == "random":
        grid = (torch.rand(n, IMAGE_SIDE, IMAGE_SIDE, generator=generator, device=device) >= 0.5).float()
    else:
        raise ValueError(f"unknown mask kind {kind!r}; choose from {MASK_KINDS}")
    return grid.view(n, -1)


def random_training_mask(shape, device="cpu") -> torch.Tensor:
    """Masks for training the imputation VAE: a quarter of the images unmasked, the rest
    masked by one of the three test kinds (chosen per image), drawn from torch's global
    generator so the training loop's per-epoch seeding covers them."""
    n = shape[0]
    kinds = torch.randint(0, len(MASK_KINDS) + 1, (n,), device=device)
    mask = torch.ones(shape, device=device)
    for i, kind in enumerate(MASK_KINDS, start=1):
        rows = kinds == i
        if rows.any():
            mask[rows] = make_mask(kind, int(rows.sum()), device=device)
    return mask
