"""Figure data_overview: a grid of the first test images and a t-SNE map of the raw test images,
from the split (prepare_data) and the map (tsne_test_images); its numbers are the split's sizes,
the test images per class, the mean training pixel and the labels of the images in the grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np

from vaelab.figures.result import Length


@dataclass
class Numbers:
    n_train: int
    n_val: int
    n_test: int
    test_count_per_class: Annotated[list[int], Length(10)]
    mean_train_pixel: float
    grid_labels: list[int]  # the labels of the n_grid test images the grid shows, in its order


def compute(split: dict[str, np.ndarray], n_grid: int, n_classes: int) -> Numbers:
    """`split`: vaelab.data.datasets.load_split (x_ and y_ of train, val, test)."""
    y_test = split["y_test"]
    return Numbers(
        n_train=int(len(split["x_train"])),
        n_val=int(len(split["x_val"])),
        n_test=int(len(split["x_test"])),
        test_count_per_class=np.bincount(y_test, minlength=n_classes).tolist(),
        mean_train_pixel=float(split["x_train"].mean()),
        grid_labels=y_test[:n_grid].tolist(),
    )
