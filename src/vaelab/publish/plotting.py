"""Drawing helpers shared by the notebooks: image grids and scatter plots coloured by class."""

from __future__ import annotations

import numpy as np

from vaelab.constants import IMAGE_SIDE

CLASS_CMAP = "tab10"  # ten classes, ten distinct colours


def tile(images: np.ndarray, ncols: int, pad: int = 1, fill: float = 0.5) -> np.ndarray:
    """(n, 784) images -> one 2D array of them in rows of `ncols`, separated by `pad` pixels of
    grey `fill`: thin lines that part the tiles without a white grid competing with the ink."""
    images = np.asarray(images).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    step = IMAGE_SIDE + pad
    canvas = np.full((nrows * step - pad, ncols * step - pad), fill, dtype=np.float32)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[r * step : r * step + IMAGE_SIDE, c * step : c * step + IMAGE_SIDE] = img
    return canvas


def two_significant(value: float) -> str:
    """A number with two significant figures and no exponent: 21.3 -> "21", 8.43 -> "8.4",
    0.052 -> "0.052", 143 -> "140"."""
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    digits = 1 - int(np.floor(np.log10(abs(value))))
    return f"{round(value, digits):.{max(digits, 0)}f}"


def show_images(ax, images: np.ndarray, ncols: int, title: str | None = None) -> None:
    """Draw a grid of images on `ax` (white ink on black, no axes)."""
    ax.imshow(tile(images, ncols), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)


def scatter_by_class(
    ax,
    xy: np.ndarray,
    labels: np.ndarray,
    class_names,
    class_noun: str,
    title: str | None = None,
    s: float = 2.0,
    legend: bool = True,
):
    """2D points coloured by their class, with a legend (titled `class_noun`) naming each class
    by `class_names`. Points are drawn in a fixed random order (not class by class, which would
    hide the first classes under the last), and both axes have the same scale (distances on a
    map read alike in every direction)."""
    xy, labels = np.asarray(xy), np.asarray(labels)
    n = len(class_names)
    order = np.random.default_rng(0).permutation(len(xy))
    sc = ax.scatter(
        xy[order, 0],
        xy[order, 1],
        c=labels[order],
        cmap=CLASS_CMAP,
        vmin=-0.5,
        vmax=n - 0.5,
        s=s,
        alpha=0.7,
        linewidths=0,
    )
    ax.set_aspect("equal", adjustable="datalim")
    if legend:
        handles = [ax.scatter([], [], color=sc.cmap(sc.norm(d)), s=20, label=str(class_names[d])) for d in range(n)]
        ax.legend(
            handles=handles, title=class_noun, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=10, frameon=False
        )
    if title:
        ax.set_title(title)
    return sc


# --- replicates: the mean over training seeds and each seed's value ----------------------------
def seed_mean(values_by_seed) -> np.ndarray:
    """[values of seed 0, values of seed 1, ...] (numbers or equal-length lists) -> their mean."""
    return np.mean(np.asarray(values_by_seed, dtype=float), axis=0)


def seed_sd(values_by_seed) -> np.ndarray:
    """The sample standard deviation over seeds (0 for a single seed)."""
    values = np.asarray(values_by_seed, dtype=float)
    return np.std(values, axis=0, ddof=1) if len(values) > 1 else np.zeros(values.shape[1:])


def plot_seeds(ax, x, values_by_seed, fmt: str = "o-", **line_kwargs):
    """The mean over seeds as a line (`fmt`, `line_kwargs`), and each seed's points as small
    hollow markers of the same colour: the spread. One seed: the line alone, no spread drawn."""
    (line,) = ax.plot(x, seed_mean(values_by_seed), fmt, **line_kwargs)
    if len(values_by_seed) > 1:
        for values in values_by_seed:
            ax.plot(x, values, "o", ms=4, mfc="none", mec=line.get_color(), mew=0.9, alpha=0.8, zorder=line.zorder + 1)
    return line


def bar_seeds(ax, x, values_by_seed, width: float, **bar_kwargs):
    """Bars of the mean over seeds, each seed's value as a black dot on its bar: the spread.
    One seed: the bars alone."""
    bars = ax.bar(x, seed_mean(values_by_seed), width, **bar_kwargs)
    if len(values_by_seed) > 1:
        for values in values_by_seed:
            ax.plot(x, values, "o", ms=3.5, color="black", alpha=0.75, zorder=3)
    return bars


def mean_sd_text(values, fmt: str = ".4f") -> str:
    """'0.0213 ± 0.0004' over seeds; the mean alone for one seed."""
    values = list(values)
    mean = float(np.mean(values))
    if len(values) < 2:
        return format(mean, fmt)
    return f"{format(mean, fmt)} ± {format(float(np.std(values, ddof=1)), fmt)}"


# --- panels (helper C)
def image_row(ax, images: np.ndarray, label: str | None = None, color: str = "black", fontsize: float = 10) -> None:
    """Draw images side by side in one row (show_images), with a horizontal `label` at its left."""
    show_images(ax, images, ncols=len(images))
    if label is not None:
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=fontsize, color=color)


def label_columns(ax, labels, fontsize: float = 10) -> None:
    """Write one label above each image of a row drawn by image_row."""
    step = IMAGE_SIDE + 1  # tile's pad
    ax.set_xticks(np.arange(len(labels)) * step + (IMAGE_SIDE - 1) / 2, labels)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, labelsize=fontsize)


def gapped_rows(fig, gaps, **gridspec_kw) -> list:
    """Add a column of equal-height axes to `fig`, with `gaps[i]` row heights of space above row i."""
    heights = [h for gap in gaps for h in ([gap, 1.0] if gap else [1.0])]
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights, **gridspec_kw)
    slots = np.cumsum([2 if gap else 1 for gap in gaps]) - 1  # each row's slot, after its gap
    return [fig.add_subplot(grid[int(i)]) for i in slots]


def grouped_bar_seeds(ax, values_by_series, labels, colors, intervals=None, fmt: str = "%.3f") -> None:
    """Draw groups of bars, one bar per series in each group: its mean over seeds (bar_seeds), written
    above it, and its interval as an error bar. `values_by_series`: per series, [value per group] of
    each seed; `intervals`: per series, (means, lows, highs) over the groups."""
    width = 0.8 / len(values_by_series)
    for i, values_by_seed in enumerate(values_by_series):
        xs = np.arange(len(values_by_seed[0])) + (i - (len(values_by_series) - 1) / 2) * width
        bars = bar_seeds(ax, xs, values_by_seed, width, label=labels[i], color=colors[i])
        if intervals is not None:
            mean, low, high = (np.asarray(v) for v in intervals[i])
            ax.errorbar(xs, mean, yerr=[mean - low, high - mean], fmt="none", ecolor="0.2", capsize=3, lw=1)
        ax.bar_label(bars, fmt=fmt, fontsize=9, padding=8)
    ax.set_ylim(0, np.max(values_by_series) * 1.2)  # room for the numbers above the bars
