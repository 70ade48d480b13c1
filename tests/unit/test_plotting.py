"""The generic panel helpers of vaelab.publish.plotting, drawn on an Agg figure."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from vaelab.figures.result import Share  # noqa: E402
from vaelab.publish.plotting import (  # noqa: E402
    annotated_heatmap,
    bar_groups,
    frame_tiles,
    gapped_rows,
    grouped_bar_seeds,
    image_blocks,
    image_row,
    image_rows,
    interval_bars,
    label_columns,
    label_tiles,
    labelled_grid,
    log_scale_y,
    log_ticks_x,
    plot_seed_band,
    point_size,
    tile_centres,
    tile_corner,
    tile_corner_texts,
)


def test_point_size_shrinks_with_the_points_within_bounds():
    assert point_size(1000) == 6.0
    assert point_size(100) == 8.0  # few points: no larger than 8
    assert point_size(100_000) == 2.0  # many: no smaller than 2
    assert isinstance(point_size(1000), float)


def test_plot_seed_band_draws_the_mean_and_the_range_over_seeds():
    fig, ax = plt.subplots()
    line = plot_seed_band(ax, [1, 2, 3], [[1.0, 2.0, 3.0], [3.0, 4.0, 9.0]], color="C3", ls="--")
    assert list(line.get_ydata()) == [2.0, 3.0, 6.0]
    assert line.get_linestyle() == "--"
    (band,) = ax.collections
    # the band's outline runs along the lowest seed and back along the highest
    ys = band.get_paths()[0].vertices[:, 1]
    assert {1.0, 2.0, 3.0, 4.0, 9.0} <= set(ys)
    assert np.allclose(band.get_facecolor()[0][:3], matplotlib.colors.to_rgb("C3"))
    plt.close(fig)


def test_plot_seed_band_of_one_seed_draws_the_line_alone():
    fig, ax = plt.subplots()
    plot_seed_band(ax, [1, 2], [[5.0, 4.0]])
    assert len(ax.lines) == 1 and not ax.collections
    plt.close(fig)


def test_log_scale_y_labels_plain_numbers_at_one_two_three_and_five():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1.0, 60.0])
    log_scale_y(ax)
    ax.set_ylim(1, 60)
    fig.canvas.draw()
    ticks = [t for t in ax.get_yticks() if 1 <= t <= 60]
    assert ticks == pytest.approx([1, 2, 3, 5, 10, 20, 30, 50])
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert not any("^" in label for label in labels)  # no powers of ten written as exponents
    assert ax.get_yscale() == "log"
    plt.close(fig)


def test_log_ticks_x_puts_a_labelled_tick_at_each_value():
    fig, ax = plt.subplots()
    ax.plot([2, 64], [0, 1])
    log_ticks_x(ax, [2, 8, 64])
    assert ax.get_xscale() == "log"
    assert list(ax.get_xticks()) == [2, 8, 64]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "8", "64"]
    assert len(ax.xaxis.get_minorticklocs()) == 0
    plt.close(fig)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_tile_corner_steps_an_image_and_its_pad():
    assert tile_corner(0, ncols=10) == (0, 0)
    assert tile_corner(13, ncols=10) == (3 * 29, 29)
    assert tile_corner(13, ncols=10, pad=0) == (3 * 28, 28)


def test_frame_tiles_draws_one_unfilled_frame_per_image(ax):
    frame_tiles(ax, [0, 12], ncols=10, edgecolor="red")
    frames = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [f.get_xy() for f in frames] == [(-0.5, -0.5), (2 * 29 - 0.5, 29 - 0.5)]
    assert all(f.get_width() == f.get_height() == 28 and f.get_facecolor()[3] == 0 for f in frames)


def test_label_tiles_writes_each_text_in_its_images_corner(ax):
    label_tiles(ax, [1, 10], ["7", "3"], ncols=10, color="orange")
    assert [(t.get_text(), t.get_position()) for t in ax.texts] == [("7", (30, 1)), ("3", (1, 30))]


def test_labelled_grid_labels_each_column_and_row(ax):
    labelled_grid(ax, np.zeros((6, 784)), 3, ["a", "b", "c"], ["row 1", "row 2"])
    assert ax.get_images()[0].get_array().shape == (2 * 29 - 1, 3 * 29 - 1)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["row 1", "row 2"]
    np.testing.assert_array_equal(ax.get_yticks(), [13.5, 42.5])  # the images' centre pixels


def test_interval_bars_reach_each_intervals_ends_and_never_below_zero(ax):
    interval_bars(ax, [0, 1], [0.5, 0.9], [Share(0.5, 0.4, 0.7, 10), Share(0.9, 0.95, 0.99, 10)])
    (segments,) = [c.get_segments() for c in ax.collections]
    np.testing.assert_allclose([s[:, 1] for s in segments], [[0.4, 0.7], [0.9, 0.99]])


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


@pytest.fixture
def fig():
    figure = plt.figure()
    yield figure
    plt.close(figure)


def test_image_row_draws_the_images_side_by_side_with_a_label(fig):
    ax = fig.add_subplot()
    image_row(ax, np.zeros((3, 784)), "original", color="red")
    (image,) = ax.get_images()
    assert image.get_array().shape == (28, 3 * 29 - 1)  # three tiles, a pixel of pad between them
    assert ax.get_ylabel() == "original" and ax.yaxis.label.get_color() == "red"
    assert len(ax.get_xticks()) == 0 and len(ax.get_yticks()) == 0


def test_label_columns_puts_each_label_over_its_image(fig):
    ax = fig.add_subplot()
    image_row(ax, np.zeros((3, 784)))
    label_columns(ax, ["a", "b", "c"])
    assert ax.get_ylabel() == ""
    np.testing.assert_allclose(ax.get_xticks(), [13.5, 42.5, 71.5])  # the tiles' centres
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_gapped_rows_leaves_space_only_where_asked(fig):
    axes = gapped_rows(fig, [0.0, 0.5, 0.0], hspace=0)
    assert len(axes) == 3
    (top0, bottom0), (top1, bottom1), (top2, bottom2) = [(ax.get_position().y1, ax.get_position().y0) for ax in axes]
    row = top0 - bottom0
    assert top1 - bottom1 == pytest.approx(row) and top2 - bottom2 == pytest.approx(row)
    assert bottom0 - top1 == pytest.approx(0.5 * row)  # the gap above the second row
    assert bottom1 == pytest.approx(top2)  # none above the third


def test_bar_groups_draws_a_bar_per_series_and_group(fig):
    ax = fig.add_subplot()
    # two series over three groups, two seeds each
    values = [[[1, 2, 3], [3, 4, 5]], [[0.5, 0.5, 0.5], [1.5, 1.5, 1.5]]]
    intervals = [([2, 3, 4], [1.5, 2.5, 3.5], [2.5, 3.5, 4.5]), ([1, 1, 1], [0.8, 0.8, 0.8], [1.2, 1.2, 1.2])]
    bar_groups(ax, values, ["first", "second"], ["C0", "C1"], intervals)
    assert len(ax.patches) == 6
    assert sorted(p.get_height() for p in ax.patches) == pytest.approx([1, 1, 1, 2, 3, 4])  # the seed means
    assert [t.get_text() for t in ax.texts] == ["2.000", "3.000", "4.000", "1.000", "1.000", "1.000"]
    assert len(ax.containers) == 4  # two bar containers and two error bars
    assert ax.get_ylim() == pytest.approx((0, 5 * 1.2))
    assert [c.get_label() for c in ax.containers[::2]] == ["first", "second"]
