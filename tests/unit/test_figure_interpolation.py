import json

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.figures import interpolation  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402


class Decoder(torch.nn.Module):
    """A stand-in model with a 1-D code: decodes z to an image whose every pixel is f(z)."""

    def __init__(self, f, conditional=False):
        super().__init__()
        self.f, self.conditional = f, conditional
        self.unused = torch.nn.Parameter(torch.zeros(1))  # decode reads the parameters' dtype

    def decode(self, z, y):
        return self.f(z[:, :1]).expand(len(z), 784)


class Classifier(torch.nn.Module):
    """Class 0, confidently, for an image brighter than 0.9 on average; class 1 for one darker than
    0.1 and class 9 for the rest, both at about 0.23."""

    def __init__(self):
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        logits = torch.zeros(len(x), 10)
        brightness = x.reshape(len(x), -1).mean(dim=1)
        logits[:, 0] = 20.0 * (brightness > 0.9)
        logits[:, 1] = 1.0 * (brightness < 0.1)
        logits[:, 9] = 1.0 * (brightness >= 0.1)
        return logits


# two test images: class 0 (all ones) and class 1 (all zeros), coded as 0 and 1; every pair joins them
X_TEST = np.stack([np.ones(784, np.float32), np.zeros(784, np.float32)])
Y_TEST = np.array([0, 1])
LATENTS = {"mu": np.array([[0.0], [1.0]], np.float32), "labels": Y_TEST}
CONSTANT_ONE, CONSTANT_ZERO, LINEAR = (lambda z: torch.ones_like(z)), (lambda z: torch.zeros_like(z)), (lambda z: z)
# seed 0's AE decodes everything to a bright image (recognised as class 0), seed 1's to a dark one
# (read as class 1, unsure);
# the VAE decodes the code itself, so its midpoints are grey; the CVAE is left out
NETS = {
    0: {"ae": Decoder(CONSTANT_ONE), "vae": Decoder(LINEAR), "cvae": Decoder(LINEAR, conditional=True)},
    1: {"ae": Decoder(CONSTANT_ZERO), "vae": Decoder(LINEAR), "cvae": Decoder(LINEAR, conditional=True)},
}


def _compute(latents=None):
    latents = latents or {s: {m: LATENTS for m in NETS[s]} for s in NETS}
    return interpolation.compute(
        NETS,
        latents,
        X_TEST,
        Y_TEST,
        Classifier(),
        chosen_latent=1,
        seed=0,
        n_pairs=2,
        n_steps=3,
        n_scored_pairs=20,
        confidence_threshold=0.9,
    )


def test_paths_of_the_first_seeds_unconditional_models():
    numbers = _compute()
    assert numbers.models == ["ae", "vae"] and numbers.chosen_latent == 1
    assert numbers.t == [0.0, 0.5, 1.0]
    assert len(numbers.pairs_test_index) == 2 and all(sorted(p) == [0, 1] for p in numbers.pairs_test_index)
    assert numbers.pairs_classes == numbers.pairs_test_index  # here each image's index is its class
    # the VAE's path is 0, 0.5, 1 (or back): two equal steps; the AE's (seed 0) does not change
    assert numbers.step_mse["vae"] == [[0.25, 0.25], [0.25, 0.25]]
    assert numbers.max_step_share == {"ae": [0.0, 0.0], "vae": [0.5, 0.5]}
    assert numbers.step_mse["ae"] == [[0.0, 0.0], [0.0, 0.0]]


def test_midpoints_are_scored_per_seed_and_averaged():
    numbers = _compute()
    assert numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    seed0, seed1 = numbers.by_seed["0"], numbers.by_seed["1"]
    assert seed0.midpoint_recognised["ae"].share == 1.0 and seed1.midpoint_recognised["ae"].share == 0.0
    # classes 0 and 1 are the ends of every pair
    assert seed0.midpoint_an_end_class["ae"].share == 1.0 and seed1.midpoint_an_end_class["ae"].share == 1.0
    assert seed0.midpoint_recognised["vae"].share == 0.0 and seed0.midpoint_an_end_class["vae"].share == 0.0
    assert seed0.midpoint_recognised["ae"].n == 20
    assert numbers.midpoint_recognised == {"ae": 0.5, "vae": 0.0}
    assert numbers.midpoint_an_end_class == {"ae": 1.0, "vae": 0.0}
    pooled = numbers.midpoint_recognised_pooled["ae"]
    assert pooled.share == 0.5 and pooled.n == 40 and pooled.low < 0.5 < pooled.high
    # the test images at the pairs' ends: the bright one is recognised, the dark one not
    assert (numbers.test_images_recognised.share, numbers.test_images_recognised.n) == (0.5, 2)
    assert numbers.n_scored_pairs == 20 and numbers.confidence_threshold == 0.9


def test_latents_of_other_labels_are_refused():
    latents = {s: {m: LATENTS for m in NETS[s]} for s in NETS}
    latents[1]["vae"] = {**LATENTS, "labels": np.array([1, 0])}
    with pytest.raises(ValueError, match=r"vae \(seed 1\)"):
        _compute(latents)


def test_image_rows_frame_each_path_with_its_test_images():
    rows = interpolation.image_rows(NETS[0]["vae"], LATENTS["mu"], X_TEST, [(1, 0)], n_steps=3)
    assert rows.shape == (5, 784)
    assert [float(r.mean()) for r in rows] == [0.0, 1.0, 0.5, 0.0, 1.0]


def test_shown_rows_are_the_first_seeds_paths_of_the_pairs_drawn():
    numbers = _compute()
    latents = {s: {m: LATENTS for m in NETS[s]} for s in NETS}
    rows = interpolation.shown_rows(NETS, latents, X_TEST, numbers)
    assert list(rows) == ["ae", "vae"] and rows["vae"].shape == (2 * 5, 784)
    # the first row: test image A, seed 0's AE path (ones; seed 1's would be zeros), test image B
    a, b = numbers.pairs_test_index[0]
    assert [float(r.mean()) for r in rows["ae"][:5]] == [X_TEST[a].mean(), 1.0, 1.0, 1.0, X_TEST[b].mean()]


def test_draw_paths_labels_each_step_and_pair():
    numbers = _compute()
    fig, ax = plt.subplots()
    interpolation.draw_paths(ax, np.zeros((10, 784)), numbers, "vae", "digit")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "0", "0.5", "1", "B"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{a} → {b}" for a, b in numbers.pairs_classes]
    assert len(ax.lines) == 2 and ax.get_title() == "VAE, latent size 1"
    plt.close(fig)


def test_draw_midpoint_scores_draws_a_bar_per_model_and_each_seeds_dots():
    numbers = _compute()
    fig, ax = plt.subplots()
    interpolation.draw_midpoint_scores(ax, numbers)
    assert [b.get_height() for b in ax.patches] == [0.5, 0.0]
    assert len(ax.lines) == 2 + 1 + 2  # a line of dots per seed, the test images' share, 2 error caps
    assert [t.get_text() for t in ax.texts] == ["0.50", "0.00"]
    plt.close(fig)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = _compute()
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("interpolation", saved)
    assert from_numbers(interpolation.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'pairs_test_index\[0\]' must be \[integer\] of 2"):
        saved["pairs_test_index"][0] = [0, 1, 1]
        check_numbers("interpolation", saved)
