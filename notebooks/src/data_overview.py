# %% [markdown]
# # Data overview
# A grid of 100 test digits, and a t-SNE of the raw test images coloured by digit.
# %%
import matplotlib.pyplot as plt
import numpy as np

from vaelab.data import load_split
from vaelab.embedding import tsne_2d
from vaelab.figures import notebook_setup, save_figure
from vaelab.plotting import scatter_by_digit, show_images

notebook_setup()
# %% parameters
split_path = "results/smoke/mnist/data/split.npz"
out_figure_path = "results/smoke/mnist/figures/data_overview.png"
dataset = "mnist"
seed = 0
n_grid = 100
# %%
split = load_split(split_path)
x_test, y_test = split["x_test"], split["y_test"]
xy = tsne_2d(x_test, seed=seed)
# %%
fig, (ax_grid, ax_tsne) = plt.subplots(1, 2, figsize=(13, 6), gridspec_kw={"width_ratios": [1, 1.2]})
show_images(ax_grid, x_test[:n_grid], ncols=10, title=f"The first {n_grid} test images ({dataset})")
scatter_by_digit(ax_tsne, xy, y_test, title=f"t-SNE of the {len(x_test):,} raw test images")
ax_tsne.set_xlabel("t-SNE 1")
ax_tsne.set_ylabel("t-SNE 2")
fig.tight_layout()
counts = np.bincount(y_test, minlength=10)
save_figure(fig, out_figure_path, {
    "n_train": int(len(split["x_train"])), "n_val": int(len(split["x_val"])), "n_test": int(len(x_test)),
    "test_count_per_digit": counts.tolist(),
    "mean_train_pixel": float(split["x_train"].mean()),
    "grid_labels": y_test[:n_grid].tolist(),
})
