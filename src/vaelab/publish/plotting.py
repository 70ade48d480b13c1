"""Drawing helpers shared by the notebooks: image grids and scatter plots coloured by class."""

from __future__ import annotations

import numpy as np

from vaelab.constants import IMAGE_SIDE

TILE_STEP = IMAGE_SIDE + 1  # from one tile of a tile(...) image (pad 1) to the next

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


# --- panels: axes, seed bands, marker sizes
def point_size(n_points: int) -> float:
    """A scatter marker size for `n_points`: visible at 1,000 points, not a blob at 10,000."""
    return float(np.clip(6000 / n_points, 2, 8))


def plot_seed_band(ax, x, values_by_seed, **line_kwargs):
    """The mean over seeds as a line (`line_kwargs`), and the range from the lowest to the highest
    seed as a band of the line's colour. One seed: the line alone."""
    (line,) = ax.plot(x, seed_mean(values_by_seed), **line_kwargs)
    if len(values_by_seed) > 1:
        values = np.asarray(values_by_seed, dtype=float)
        ax.fill_between(x, values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.2, lw=0)
    return line


def log_scale_y(ax) -> None:
    """A log y axis labelled with plain numbers at 1, 2, 3 and 5 times each power of ten."""
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0)))
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def log_ticks_x(ax, values) -> None:
    """A log x axis with a tick at each of `values` (e.g. latent sizes), labelled as it is, and no minor ticks."""
    ax.set_xscale("log")
    ax.set_xticks(values, [str(v) for v in values])
    ax.minorticks_off()


# --- panels: tiled image grids and interval bars
def tile_corner(i: int, ncols: int, pad: int = 1) -> tuple[int, int]:
    """(x, y) of the top-left pixel of image `i` in a tile(..., ncols, pad) grid."""
    r, c = divmod(i, ncols)
    return c * (IMAGE_SIDE + pad), r * (IMAGE_SIDE + pad)


def frame_tiles(ax, indices, ncols: int, pad: int = 1, **rect_kwargs) -> None:
    """A frame (no fill) around each image of `indices` in a tile(..., ncols, pad) grid drawn on `ax`."""
    from matplotlib.patches import Rectangle

    for i in indices:
        x, y = tile_corner(i, ncols, pad)
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), IMAGE_SIDE, IMAGE_SIDE, facecolor="none", **rect_kwargs))


def label_tiles(ax, indices, texts, ncols: int, pad: int = 1, **text_kwargs) -> None:
    """Each text of `texts` in the top-left corner of the image of `indices` it goes with."""
    for i, text in zip(indices, texts):
        x, y = tile_corner(i, ncols, pad)
        ax.text(x + 1, y + 1, text, ha="left", va="top", **text_kwargs)


def labelled_grid(ax, images: np.ndarray, ncols: int, col_labels, row_labels, col_fontsize=9, row_fontsize=10):
    """A tile() grid of images (pad 1) with a label under each column and beside each row, no tick marks."""
    step = TILE_STEP
    ax.imshow(tile(images, ncols), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    # a tick at each image's centre pixel
    ax.set_xticks(np.arange(ncols) * step + IMAGE_SIDE / 2 - 0.5, col_labels, fontsize=col_fontsize)
    ax.set_yticks(np.arange(len(row_labels)) * step + IMAGE_SIDE / 2 - 0.5, row_labels, fontsize=row_fontsize)
    ax.tick_params(length=0)


def interval_bars(ax, x, mean, intervals, **errorbar_kwargs) -> None:
    """Dark grey error bars from each mean to the ends of its interval (objects with .low and .high)."""
    mean = np.asarray(mean, dtype=float)
    err = [mean - [i.low for i in intervals], [i.high for i in intervals] - mean]
    # a mean outside its interval (a mean over seeds, a pooled interval) gets no bar on that side
    ax.errorbar(x, mean, yerr=np.clip(err, 0, None), fmt="none", ecolor="0.2", **errorbar_kwargs)


# --- panels: labelled image rows, annotated heatmaps, grouped bars


def tile_centres(n: int) -> list[int]:
    """The centres of n tiles in a row (or column) of a tile(...) image, in pixels."""
    return [TILE_STEP * i + IMAGE_SIDE // 2 for i in range(n)]


def image_rows(ax, rows, row_labels, col_labels, row_label_size: float = 11, col_label_size: float | None = None):
    """Rows of images as one grid, each row (an (n, 784) array, the same n in all) named on the
    left and each column below; no tick marks. A label size None: the tick labels' default."""
    ncols = len(rows[0])
    ax.imshow(tile(np.concatenate(rows), ncols=ncols), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_yticks(tile_centres(len(rows)), row_labels, fontsize=row_label_size)
    ax.set_xticks(tile_centres(ncols), col_labels)
    if col_label_size is not None:
        ax.tick_params(axis="x", labelsize=col_label_size)
    ax.tick_params(length=0)


def tile_corner_texts(ax, texts_by_row, fontsize: float = 10, color: str = "yellow") -> None:
    """A bold text in the top-left corner of each tile of an image_rows grid: texts_by_row[r][c]."""
    for r, texts in enumerate(texts_by_row):
        for c, text in enumerate(texts):
            ax.text(
                TILE_STEP * c + 1,
                TILE_STEP * r + 1,
                text,
                color=color,
                fontsize=fontsize,
                va="top",
                ha="left",
                fontweight="bold",
            )


def image_blocks(ax, blocks, block_labels, row_labels, gap: int = 8, fontsize: float = 11) -> None:
    """Blocks of image rows side by side, `gap` white pixels apart: each block (a list of
    (n, 784) arrays, one per row, the same n in all) named above it, each row on the left."""
    tiled = [tile(np.concatenate(rows), ncols=len(rows[0])) for rows in blocks]
    height, width = tiled[0].shape
    spacer = np.ones((height, gap), np.float32)
    image = np.concatenate([part for block in tiled for part in (block, spacer)][:-1], axis=1)
    ax.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([i * (width + gap) + width / 2 for i in range(len(tiled))], block_labels, fontsize=fontsize)
    ax.xaxis.tick_top()
    ax.set_yticks(tile_centres(len(blocks[0])), row_labels, fontsize=fontsize)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def annotated_heatmap(ax, values, texts, row_labels, col_labels, light_below: float = 0.55, **imshow_kwargs):
    """A heatmap of `values` (rows x columns) with texts[r][c] written in each cell, white on
    the cells darker than `light_below` of the colour scale and black on the others."""
    values = np.asarray(values, dtype=float)
    im = ax.imshow(values, **imshow_kwargs)
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            light = im.norm(values[r, c]) < light_below
            ax.text(c, r, text, ha="center", va="center", fontsize=10, color="white" if light else "black")
    ax.set_xticks(range(values.shape[1]), col_labels)
    ax.set_yticks(range(values.shape[0]), row_labels, fontsize=10)
    return im


def grouped_bar_seeds(ax, values_by_series: dict, colors: dict, labels: dict, width: float = 0.8) -> dict:
    """Groups of bars side by side, one bar per series in each group (bar_seeds: the mean over
    seeds, each seed a dot). values_by_series: {series: [[value of each group] of each seed]};
    the groups sit at x = 0, 1, ... Returns {series: its bars}."""
    n = len(values_by_series)
    bar_width = width / n
    bars = {}
    for i, (name, values) in enumerate(values_by_series.items()):
        xs = np.arange(len(values[0])) + (i - (n - 1) / 2) * bar_width
        bars[name] = bar_seeds(ax, xs, values, bar_width, color=colors[name], label=labels[name])
    return bars


# --- panels: image rows in stacked axes, bar groups with intervals
def image_row(ax, images: np.ndarray, label: str | None = None, color: str = "black", fontsize: float = 10) -> None:
    """Draw images side by side in one row (show_images), with a horizontal `label` at its left."""
    show_images(ax, images, ncols=len(images))
    if label is not None:
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=fontsize, color=color)


def label_columns(ax, labels, fontsize: float = 10) -> None:
    """Write one label above each image of a row drawn by image_row."""
    step = TILE_STEP
    ax.set_xticks(np.arange(len(labels)) * step + (IMAGE_SIDE - 1) / 2, labels)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, labelsize=fontsize)


def gapped_rows(fig, gaps, **gridspec_kw) -> list:
    """Add a column of equal-height axes to `fig`, with `gaps[i]` row heights of space above row i."""
    heights = [h for gap in gaps for h in ([gap, 1.0] if gap else [1.0])]
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights, **gridspec_kw)
    slots = np.cumsum([2 if gap else 1 for gap in gaps]) - 1  # each row's slot, after its gap
    return [fig.add_subplot(grid[int(i)]) for i in slots]


def bar_groups(ax, values_by_series, labels, colors, intervals=None, fmt: str = "%.3f") -> None:
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
