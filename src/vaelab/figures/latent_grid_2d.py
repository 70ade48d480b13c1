"""Figure latent_grid_2d: the models with a 2D latent space decode an evenly spaced grid over
[-limit, limit]^2 (the CVAE once per label of `cvae_labels`); beside each unconditional model's
grid, its latent means of the test images. The numbers: the grid, and where the latent means lie
(their mean and spread per dimension, and the share inside the decoded square), from the models
and their latents.npz."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaelab.analysis.latent import decode, latent_grid
from vaelab.publish.plotting import point_size, scatter_by_class, tile
from vaelab.runs import model_label


@dataclass
class LatentStats:
    mean: list[float]  # per latent dimension, over the test images' latent means
    std: list[float]
    share_inside_grid: float  # share of the latent means inside the decoded square


@dataclass
class Numbers:
    n_grid: int  # grid points along each axis
    limit: float  # the grid spans [-limit, limit] along each axis
    grid_values: list[float]  # the grid's values along each axis
    cvae_labels: list[int]  # the labels a conditional model's grid is decoded with; [] without one
    latent_stats: dict[str, LatentStats]  # {model: where its test latent means lie}
    ae_latent_mean: list[float] | None  # the AE's latent_stats mean and std; null without an AE
    ae_latent_std: list[float] | None


def share_inside(mu: np.ndarray, limit: float) -> float:
    """Share of the latent means (rows of `mu`) inside the decoded square [-limit, limit]^2."""
    return float(np.mean(np.all(np.abs(mu) <= limit, axis=1)))


def compute(nets: dict, mu: dict[str, np.ndarray], n_grid: int, limit: float, cvae_labels: list[int]) -> Numbers:
    """`nets`: {model: its 2D model}; `mu`: {model: (n, 2) latent means of the test images}."""
    _, values = latent_grid(n_grid, limit)
    conditional = any(net.conditional for net in nets.values())
    stats = {
        m: LatentStats(
            mean=z.mean(axis=0).tolist(), std=z.std(axis=0).tolist(), share_inside_grid=share_inside(z, limit)
        )
        for m, z in mu.items()
    }
    return Numbers(
        n_grid=int(n_grid),
        limit=float(limit),
        grid_values=values.tolist(),
        cvae_labels=[int(d) for d in cvae_labels] if conditional else [],
        latent_stats=stats,
        ae_latent_mean=stats["ae"].mean if "ae" in stats else None,
        ae_latent_std=stats["ae"].std if "ae" in stats else None,
    )


def decoded_grids(nets: dict, n_grid: int, limit: float, cvae_labels: list[int]) -> dict[tuple, np.ndarray]:
    """{(model, None): its decoded grid} of each unconditional model and {(model, label): the grid
    decoded with that label} of a conditional one, per label in `cvae_labels`; the images row by row."""
    points, _ = latent_grid(n_grid, limit)
    grids = {(m, None): decode(net, points) for m, net in nets.items() if not net.conditional}
    for m, net in nets.items():
        if net.conditional:
            grids.update({(m, d): decode(net, points, digit=d) for d in cvae_labels})
    return grids


def draw_grid(ax, images: np.ndarray, numbers: Numbers, title: str) -> None:
    """A decoded grid as one image on the latent axes, each decoded image centred on its grid point."""
    half = (numbers.grid_values[1] - numbers.grid_values[0]) / 2
    edge = numbers.limit + half
    image = tile(images, numbers.n_grid, pad=0)
    ax.imshow(image, cmap="gray", vmin=0, vmax=1, extent=(-edge, edge, -edge, edge), interpolation="nearest")
    ticks = np.arange(-np.floor(numbers.limit), np.floor(numbers.limit) + 1)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)


def draw_latent_means(ax, model: str, latents, numbers: Numbers, class_names, class_noun: str, legend: bool) -> None:
    """A model's test latent means coloured by class, the decoded square dashed, the view wide
    enough for both. `latents`: its latents.npz (or a dict) with "mu" and "labels"."""
    from matplotlib.patches import Rectangle

    mu, limit = latents["mu"], numbers.limit
    share = 100 * numbers.latent_stats[model].share_inside_grid
    title = f"{model_label(model)}: test latent means\n({share:.0f}% inside the decoded square)"
    size = point_size(len(latents["labels"]))
    scatter_by_class(ax, mu, latents["labels"], class_names, class_noun, s=size, legend=legend, title=title)
    ax.add_patch(Rectangle((-limit, -limit), 2 * limit, 2 * limit, fill=False, ls="--", lw=1.2, color="black"))
    lo = np.minimum(mu.min(axis=0), -limit)
    hi = np.maximum(mu.max(axis=0), limit)
    margin = 0.05 * (hi - lo)
    ax.set_xlim(lo[0] - margin[0], hi[0] + margin[0])
    ax.set_ylim(lo[1] - margin[1], hi[1] + margin[1])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
