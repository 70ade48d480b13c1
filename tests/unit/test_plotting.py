import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from vaelab.figures.result import Share  # noqa: E402
from vaelab.publish.plotting import (  # noqa: E402
    frame_tiles,
    interval_bars,
    label_tiles,
    labelled_grid,
    tile_corner,
)


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
