"""Masks of missing pixels (1 = observed, 0 = missing) for the imputation study."""

from __future__ import annotations

import torch

from vaelab.models.autoencoders import IMAGE_SIDE

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
        # in place: the 0/1 floats straight from the draw, no boolean tensor to convert
        grid = torch.rand(n, IMAGE_SIDE, IMAGE_SIDE, generator=generator, device=device).ge_(0.5)
    else:
        raise ValueError(f"unknown mask kind {kind!r}; choose from {MASK_KINDS}")
    return grid.view(n, -1)


def random_training_mask(shape, device="cpu") -> torch.Tensor:
    """Masks for training the imputation VAE: a quarter of the images unmasked, the rest
    masked by one of the three test kinds (chosen per image), drawn from torch's global
    generator so the training loop's per-epoch seeding covers them.

    Built as one gather from a table of the fixed patterns plus one draw for the random rows;
    it draws the same random numbers in the same order as a kind-by-kind construction, so the
    masks are the same bit for bit (tests)."""
    n = shape[0]
    kinds = torch.randint(0, len(MASK_KINDS) + 1, (n,), device=device)  # 0: unmasked, i: MASK_KINDS[i - 1]
    unmasked = torch.ones(1, IMAGE_SIDE * IMAGE_SIDE, device=device)
    # the random kind's row is a placeholder: its images get a fresh draw each, below
    table = torch.cat([unmasked, *(unmasked if k == "random" else make_mask(k, 1, device=device) for k in MASK_KINDS)])
    mask = table.index_select(0, kinds)
    random_rows = (kinds == 1 + MASK_KINDS.index("random")).nonzero().squeeze(1)
    if len(random_rows):
        mask.index_copy_(0, random_rows, make_mask("random", len(random_rows), device=device))
    return mask.view(shape)
