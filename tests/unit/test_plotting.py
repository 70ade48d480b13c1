"""The generic panel helpers of vaelab.publish.plotting, drawn on an Agg figure."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.publish.plotting import (  # noqa: E402
    annotated_heatmap,
    grouped_bar_seeds,
    image_blocks,
    image_rows,
    tile_centres,
    tile_corner_texts,
)


def _images(n, value):
    return np.full((n, 784), value, np.float32)


def _labels(ticklabels):
    return [t.get_text() for t in ticklabels]


def test_tile_centres_step_over_one_grey_line_per_tile():
    assert tile_centres(3) == [14, 43, 72]


def test_image_rows_names_each_row_and_column():
    fig, ax = plt.subplots()
    image_rows(ax, [_images(3, 0.0), _images(3, 1.0)], ["top", "bottom"], ["a", "b", "c"], col_label_size=7)
    image = ax.images[0].get_array()
    assert image.shape == (2 * 29 - 1, 3 * 29 - 1)
    assert image[0, 0] == 0.0 and image[-1, -1] == 1.0 and image[28, 0] == 0.5  # the grey line between the rows
    assert _labels(ax.get_yticklabels()) == ["top", "bottom"] and list(ax.get_yticks()) == [14, 43]
    assert _labels(ax.get_xticklabels()) == ["a", "b", "c"] and list(ax.get_xticks()) == [14, 43, 72]
    assert ax.get_yticklabels()[0].get_fontsize() == 11 and ax.get_xticklabels()[0].get_fontsize() == 7
    plt.close(fig)


def test_tile_corner_texts_writes_one_text_per_tile_in_its_corner():
    fig, ax = plt.subplots()
    tile_corner_texts(ax, [["1", "2", "3"], ["4", "5", "6"]], fontsize=6)
    assert [t.get_text() for t in ax.texts] == ["1", "2", "3", "4", "5", "6"]
    assert ax.texts[4].get_position() == (30, 30) and ax.texts[4].get_fontsize() == 6
    plt.close(fig)


def test_image_blocks_puts_white_gaps_between_blocks_and_names_them_above():
    fig, ax = plt.subplots()
    blocks = [[_images(2, 0.0)] * 3, [_images(2, 0.0)] * 3]  # two blocks of three rows of two images
    image_blocks(ax, blocks, ["low", "high"], ["clean", "noisy", "output"], gap=8)
    image = ax.images[0].get_array()
    width = 2 * 29 - 1
    assert image.shape == (3 * 29 - 1, 2 * width + 8)
    assert (image[:, width : width + 8] == 1.0).all() and image[0, width + 8] == 0.0
    assert list(ax.get_xticks()) == [width / 2, width + 8 + width / 2]
    assert _labels(ax.get_xticklabels()) == ["low", "high"] and ax.xaxis.get_ticks_position() == "top"
    assert _labels(ax.get_yticklabels()) == ["clean", "noisy", "output"]
    assert not any(side.get_visible() for side in ax.spines.values())
    plt.close(fig)


def test_annotated_heatmap_writes_each_cell_light_on_dark():
    fig, ax = plt.subplots()
    values = [[0.0, 1.0], [0.25, 0.75]]
    texts = [["a", "b"], ["c", "d"]]
    im = annotated_heatmap(ax, values, texts, ["r0", "r1"], ["c0", "c1"], cmap="magma", vmin=0, vmax=1)
    assert im is ax.images[0]
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c", "d"]
    assert [t.get_color() for t in ax.texts] == ["white", "black", "white", "black"]
    assert ax.texts[3].get_position() == (1, 1)
    assert _labels(ax.get_yticklabels()) == ["r0", "r1"] and _labels(ax.get_xticklabels()) == ["c0", "c1"]
    plt.close(fig)


def test_grouped_bar_seeds_sets_each_series_beside_the_others():
    fig, ax = plt.subplots()
    values = {"ae": [[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]], "vae": [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]}
    bars = grouped_bar_seeds(ax, values, {"ae": "C0", "vae": "C1"}, {"ae": "AE", "vae": "VAE"})
    assert list(bars) == ["ae", "vae"] and len(ax.patches) == 6
    assert [b.get_height() for b in bars["ae"]] == [2.0, 3.0, 4.0]
    assert [b.get_x() + b.get_width() / 2 for b in bars["vae"]] == pytest.approx([0.2, 1.2, 2.2])
    assert bars["ae"][0].get_width() == pytest.approx(0.4)
    assert len(ax.lines) == 4  # each seed's dots, per series
    assert ax.get_legend_handles_labels()[1] == ["AE", "VAE"]
    plt.close(fig)
