"""vaelab.figures.result: one seed's view of a figure's numbers."""

from dataclasses import dataclass

import pytest

from vaelab.figures.result import SeedView, Share, from_numbers


@dataclass
class SeedNumbers:
    recognised: dict[str, Share]  # a seed's share with its interval


@dataclass
class Numbers:
    recognised: dict[str, float]  # the mean over seeds: another type than the seed's
    chosen_latent: int
    seeds: list[int]
    by_seed: dict[str, SeedNumbers]


def _numbers() -> Numbers:
    share = {"share": 0.5, "low": 0.4, "high": 0.6, "n": 100}
    return from_numbers(
        Numbers,
        {
            "recognised": {"vae": 0.55},
            "chosen_latent": 20,
            "seeds": [0, 1],
            "by_seed": {"0": {"recognised": {"vae": share}}, "1": {"recognised": {"vae": {**share, "share": 0.6}}}},
        },
    )


def test_a_seed_view_reads_the_seeds_own_fields_over_the_shared_ones():
    numbers = _numbers()
    first, second = SeedView(numbers, "0"), SeedView(numbers, "1")
    assert first.recognised["vae"] == Share(share=0.5, low=0.4, high=0.6, n=100)
    assert second.recognised["vae"].share == 0.6
    assert first.chosen_latent == second.chosen_latent == 20  # shared
    assert numbers.recognised["vae"] == 0.55  # the figure's own stays the mean


def test_a_seed_view_has_no_other_seeds_and_no_unknown_field():
    view = SeedView(_numbers(), "0")
    for name in ("by_seed", "seeds", "no_such_field"):
        with pytest.raises(AttributeError):
            getattr(view, name)
    assert not hasattr(view, "seeds")
    with pytest.raises(KeyError):
        SeedView(_numbers(), "7")
