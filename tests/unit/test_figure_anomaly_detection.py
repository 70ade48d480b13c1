import json

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.figures import anomaly_detection  # noqa: E402
from vaelab.figures.anomaly_detection import ReadAs, highest, mean_per_outside_class, most_like_inside  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402


class Paint(torch.nn.Module):
    """A stand-in unconditional autoencoder: reconstructs each image as it is, with pixel `pixel`
    set to 1 (None: none)."""

    conditional = False

    def __init__(self, pixel=None):
        super().__init__()
        self.pixel = pixel

    def encode(self, x, y):
        return x, None

    def decode(self, z, y):
        z = z.clone()
        if self.pixel is not None:
            z[:, self.pixel] = 1.0
        return z


class BrightestOfTen(torch.nn.Module):
    """A stand-in classifier: the class of an image is the brightest of its first 10 pixels."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(100.0))

    def forward(self, x):
        return self.scale * x.reshape(len(x), -1)[:, :10]


Y_TEST = np.array([0, 1, 2, 3])
INSIDE = np.array([0.1, 0.4, 0.2, 0.3])
# six outside images, EMNIST letters a, a, b, b, c, d; each has one pixel of 0.5 among its first
# ten (7, 7, 4, 5, 0, 3): what the classifier reads an unchanged image as
Y_OUT = np.array([1, 1, 2, 2, 3, 4])
X_OUT = np.zeros((6, 784), np.float32)
X_OUT[np.arange(6), [7, 7, 4, 5, 0, 3]] = 0.5
# seed 0, latent 2: the d (0.35) scores below one test image (0.4): 23 of 24 pairs ordered, AUROC 23/24;
# the other runs' outside images all score above every test image: AUROC 1
OUTSIDE = np.array([0.5, 0.7, 0.6, 0.8, 0.9, 0.35])


def _scores(seed, latent, model):
    outside = OUTSIDE if (seed, latent) == (0, 2) else OUTSIDE + 0.1
    scale = 2.0 if model == "vae" else 1.0  # the VAE's errors: twice the AE's, in the same order
    scores = {"inside": scale * INSIDE, "outside": scale * outside}
    if model == "vae":  # -ELBO ranks every outside image below every test image: AUROC 0
        scores |= {"inside_neg_elbo": np.array([1.0, 2.0, 3.0, 4.0]), "outside_neg_elbo": np.zeros(6)}
    return scores


def _compute(seeds=(0, 1), n_top=2):
    scores = {s: {(m, z): _scores(s, z, m) for m in ("vae", "ae") for z in (10, 2)} for s in seeds}
    baselines = {
        "pca_inside_z2": INSIDE,
        "pca_outside_z2": np.zeros(6),  # AUROC 0
        "pca_inside_z10": INSIDE,
        "pca_outside_z10": np.ones(6),  # AUROC 1
        "nn_inside": INSIDE,
        "nn_outside": np.full(6, 0.15),  # above 0.1 only: AUROC 1/4
    }
    # seed 0's AE reconstructs the images as they are, its VAE paints pixel 9; seed 1's AE paints pixel 2
    models = {s: {"ae": Paint(None if s == 0 else 2), "vae": Paint(9)} for s in seeds}
    return anomaly_detection.compute(
        scores,
        baselines,
        models,
        BrightestOfTen(),
        Y_TEST,
        X_OUT,
        Y_OUT,
        chosen_latent=2,
        n_top=n_top,
        outside_name="EMNIST letters a-m",
        outside_dataset="emnist-letters",
        class_noun="digit",
    )


def test_compute_aurocs_mean_over_seeds_and_the_baselines():
    numbers = _compute()
    assert numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    assert list(numbers.auroc) == ["ae", "vae"]  # the study's order of models
    assert numbers.auroc["ae"] == pytest.approx({"2": (23 / 24 + 1) / 2, "10": 1.0})
    assert numbers.auroc["vae"] == numbers.auroc["ae"]
    assert numbers.by_seed["0"].auroc["ae"] == pytest.approx({"2": 23 / 24, "10": 1.0})
    assert numbers.auroc_neg_elbo == {"vae": {"2": 0.0, "10": 0.0}}  # the AE has no -ELBO
    assert numbers.auroc_pca == {"2": 0.0, "10": 1.0}
    assert numbers.auroc_nearest_image == 0.25


def test_compute_errors_at_the_chosen_latent_size():
    numbers = _compute()
    assert numbers.chosen_latent == 2 and (numbers.n_inside, numbers.n_outside) == (4, 6)
    assert numbers.mean_error_inside == pytest.approx({"ae": 0.25, "vae": 0.5})
    # seed 0: 3.85 / 6, seed 1: 4.45 / 6
    assert numbers.mean_error_outside == pytest.approx({"ae": 4.15 / 6, "vae": 8.3 / 6})
    assert numbers.by_seed["0"].mean_error_per_outside_class["ae"] == pytest.approx(
        {"a": 0.6, "b": 0.7, "c": 0.9, "d": 0.35}
    )
    assert numbers.mean_error_per_outside_class["ae"] == pytest.approx({"a": 0.65, "b": 0.75, "c": 0.95, "d": 0.4})
    assert numbers.outside_classes_most_like_inside == {"ae": ["d", "a", "b"], "vae": ["d", "a", "b"]}
    top = numbers.top_error_inside
    assert (top["ae"].test_index, top["ae"].label, top["ae"].mse) == ([1, 3], [1, 3], [0.4, 0.3])
    assert top["vae"].mse == [0.8, 0.6]
    assert numbers.example_outside_indices == [0, 2, 4, 5]
    assert numbers.conditional_score == "CVAE: smallest error over the ten digit labels"


def test_compute_reads_each_seeds_reconstructions_with_the_classifier():
    numbers = _compute()
    assert numbers.outside_class_read_as["ae"] == {
        "a": ReadAs(7, 1.0),
        "b": ReadAs(4, 0.5),  # one b read as 4, one as 5: the lower class wins the tie
        "c": ReadAs(0, 1.0),
        "d": ReadAs(3, 1.0),
    }
    assert numbers.outside_class_read_as["vae"] == {c: ReadAs(9, 1.0) for c in "abcd"}
    assert numbers.by_seed["1"].outside_class_read_as["ae"] == {c: ReadAs(2, 1.0) for c in "abcd"}
    assert numbers.by_seed["0"].outside_class_read_as == numbers.outside_class_read_as


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = _compute(seeds=(0,))
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("anomaly_detection", saved)
    assert saved["outside_class_read_as"]["ae"]["b"] == {"label": 4, "share": 0.5}
    assert from_numbers(anomaly_detection.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'by_seed\.0' lacks 'outside_class_read_as'"):
        del saved["by_seed"]["0"]["outside_class_read_as"]
        check_numbers("anomaly_detection", saved)


def test_outside_subset_all_or_a_seeded_sorted_subset():
    assert anomaly_detection.outside_subset(5, None, seed=0).tolist() == [0, 1, 2, 3, 4]
    assert anomaly_detection.outside_subset(5, 8, seed=0).tolist() == [0, 1, 2, 3, 4]
    keep = anomaly_detection.outside_subset(100, 10, seed=3)
    assert len(set(keep.tolist())) == 10 and keep.tolist() == sorted(keep.tolist()) and keep.max() < 100
    assert np.array_equal(keep, anomaly_detection.outside_subset(100, 10, seed=3))
    assert not np.array_equal(keep, anomaly_detection.outside_subset(100, 10, seed=4))


def test_load_scores_keeps_the_outside_images_used_and_checks_the_labels(tmp_path):
    path = tmp_path / "anomaly_scores.npz"
    np.savez(
        path,
        inside=INSIDE,
        outside=np.arange(6.0),
        pca_outside_z2=10 + np.arange(6.0),
        inside_labels=Y_TEST,
        outside_labels=Y_OUT,
    )
    keep = np.array([1, 4])
    scores = anomaly_detection.load_scores(path, keep, Y_TEST, Y_OUT[keep])
    assert set(scores) == {"inside", "outside", "pca_outside_z2"}
    assert scores["inside"].tolist() == INSIDE.tolist()
    assert scores["outside"].tolist() == [1.0, 4.0] and scores["pca_outside_z2"].tolist() == [11.0, 14.0]
    with pytest.raises(ValueError, match="scored other images"):
        anomaly_detection.load_scores(path, keep, Y_TEST[::-1], Y_OUT[keep])
    with pytest.raises(ValueError, match="scored other images"):
        anomaly_detection.load_scores(path, np.array([0, 1]), Y_TEST, Y_OUT[keep])


def test_read_as_classes_names_the_most_common_class_and_its_share():
    proba = np.eye(10)[[7, 7, 2, 4, 5]]
    read = anomaly_detection.read_as_classes(proba, np.array([1, 1, 1, 2, 2]), "emnist-letters")
    assert read == {"a": ReadAs(7, 2 / 3), "b": ReadAs(4, 0.5)}


def test_mean_per_outside_class_and_most_like_inside():
    errors = np.array([1.0, 3.0, 0.5, 0.2, 0.4, 9.0])
    labels = np.array([1, 1, 2, 3, 3, 4])
    per = mean_per_outside_class(errors, labels, "emnist-letters")
    assert per == pytest.approx({"a": 2.0, "b": 0.5, "c": 0.3, "d": 9.0})
    assert list(per) == ["a", "b", "c", "d"]
    assert most_like_inside(per, k=3) == ["c", "b", "a"]


def test_highest_orders_largest_first():
    assert highest(np.array([0.1, 0.9, 0.5, 0.9, 0.2]), 3).tolist() == [1, 3, 2]


def test_shown_reconstructions_are_each_models_own():
    examples = X_OUT[[0, 2]]
    recon = anomaly_detection.shown_reconstructions({"vae": Paint(9), "ae": Paint(None)}, examples)
    assert list(recon) == ["vae", "ae"]
    np.testing.assert_array_equal(recon["ae"], examples)
    assert (recon["vae"][:, 9] == 1.0).all() and recon["vae"].shape == examples.shape


def test_auroc_table_has_the_models_rows_then_the_baselines():
    labels, values, texts = anomaly_detection.auroc_table(_compute())
    assert labels == ["AE, MSE", "VAE, MSE", "VAE, −ELBO", "PCA, MSE", "nearest training image"]
    assert values.shape == (5, 2)
    assert values[:, 0] == pytest.approx([(23 / 24 + 1) / 2, (23 / 24 + 1) / 2, 0.0, 0.0, 0.25])
    assert texts[0] == ["0.979\n± 0.029", "1.000\n± 0.000"]  # mean ± sd over the two seeds
    assert texts[3:] == [["0.000", "1.000"], ["0.250", "0.250"]]


def test_the_panels_draw_every_model_and_label():
    numbers = _compute()
    fig, axes = plt.subplots(2, 3)
    scores = {(m, z): _scores(0, z, m) for m in ("ae", "vae") for z in (2, 10)}
    anomaly_detection.draw_error_histograms(axes[0, :2], scores, numbers, "digit")
    assert [len(ax.patches) for ax in axes[0, :2]] == [2 * 59, 2 * 59]  # 59 bins, test and outside
    assert axes[0, 1].get_title() == "VAE, latent size 2, seed 0: AUROC 0.958"

    x_test = np.zeros((4, 784), np.float32)
    anomaly_detection.draw_worst_test_images(axes[1, 0], numbers, x_test, [str(d) for d in range(10)], "digit")
    assert [t.get_text() for t in axes[1, 0].texts] == ["1", "3", "1", "3"]  # the labels, a row per model

    recon = {m: X_OUT[:4] for m in ("ae", "vae")}
    anomaly_detection.draw_outside_examples(axes[1, 1], numbers, X_OUT[:4], recon)
    assert [t.get_text() for t in axes[1, 1].get_xticklabels()] == ["a", "b", "c", "d"]
    assert [t.get_text() for t in axes[1, 1].get_yticklabels()] == ["image", "AE", "VAE"]

    anomaly_detection.draw_auroc_table(axes[1, 2], numbers, "digit")
    assert len(axes[1, 2].texts) == 5 * 2 and len(fig.axes) == 7  # and its colour bar

    anomaly_detection.draw_outside_class_errors(axes[0, 2], numbers, "digit")
    bars = axes[0, 2].patches
    assert len(bars) == 2 * 4 and sum(bar.get_hatch() == "///" for bar in bars) == 2 * 3
    assert len(axes[0, 2].get_legend().get_texts()) == 3  # each model, and what the hatching means
    plt.close(fig)
