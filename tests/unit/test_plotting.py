"""The shared panel helpers of vaelab.publish.plotting, drawn on an Agg figure."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.publish.plotting import gapped_rows, grouped_bar_seeds, image_row, label_columns  # noqa: E402


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


def test_grouped_bar_seeds_draws_a_bar_per_series_and_group(fig):
    ax = fig.add_subplot()
    # two series over three groups, two seeds each
    values = [[[1, 2, 3], [3, 4, 5]], [[0.5, 0.5, 0.5], [1.5, 1.5, 1.5]]]
    intervals = [([2, 3, 4], [1.5, 2.5, 3.5], [2.5, 3.5, 4.5]), ([1, 1, 1], [0.8, 0.8, 0.8], [1.2, 1.2, 1.2])]
    grouped_bar_seeds(ax, values, ["first", "second"], ["C0", "C1"], intervals)
    assert len(ax.patches) == 6
    assert sorted(p.get_height() for p in ax.patches) == pytest.approx([1, 1, 1, 2, 3, 4])  # the seed means
    assert [t.get_text() for t in ax.texts] == ["2.000", "3.000", "4.000", "1.000", "1.000", "1.000"]
    assert len(ax.containers) == 4  # two bar containers and two error bars
    assert ax.get_ylim() == pytest.approx((0, 5 * 1.2))
    assert [c.get_label() for c in ax.containers[::2]] == ["first", "second"]
