import json

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab.figures import imputation  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402

TRUTH = 0.7  # every pixel of every test and validation image


class Affine(torch.nn.Module):
    """A stand-in VAE: the code is the image itself and decodes to scale * code + shift, so that
    feeding an imputation back moves its missing pixels from `shift` towards shift / (1 - scale)."""

    conditional = False
    latent_dim = 10

    def __init__(self, scale, shift):
        super().__init__()
        self.scale, self.shift = scale, shift

    def encode(self, x, y):
        return x, None

    def decode(self, z, y):
        return self.scale * z + self.shift


def _images(n, value):
    return np.full((n, 784), value, np.float32)


# training images: three of 0.2 and three of 0.6; their mean is 0.4, and a test image's (0.7)
# three nearest neighbours are the 0.6 ones on whatever pixels it shows
X_TRAIN = np.concatenate([_images(3, 0.2), _images(3, 0.6)])
Y_TEST = np.array([3, 1, 4, 1, 5, 9])
# seed 0's masked VAE fills 0.35, then 0.525 after a second pass (closer to 0.7);
# seed 1's always fills 0.5; the plain VAEs always fill 0.3
MASKED = {0: Affine(0.5, 0.35), 1: Affine(0.0, 0.5)}
PLAIN = {0: Affine(0.0, 0.3), 1: Affine(0.0, 0.3)}


def _compute(plain=PLAIN, max_passes=2):
    return imputation.compute(
        X_TRAIN,
        _images(6, TRUTH),
        Y_TEST,
        _images(3, TRUTH),
        MASKED,
        plain,
        seed=0,
        n_eval=4,
        n_val=3,
        n_neighbors=3,
        max_passes=max_passes,
        n_examples=2,
    )


def test_each_method_error_on_the_missing_pixels():
    numbers = _compute()
    seed0, seed1 = (0.7 - 0.525) ** 2, (0.7 - 0.5) ** 2
    for kind in ("half", "square", "random"):
        mse = numbers.mse_missing[kind]
        assert mse.mean_image == pytest.approx((0.7 - 0.4) ** 2, rel=1e-5)
        assert mse.knn == pytest.approx((0.7 - 0.6) ** 2, rel=1e-5)
        assert mse.vae == pytest.approx((0.7 - 0.3) ** 2, rel=1e-5)
        assert mse.masked_vae == pytest.approx((seed0 + seed1) / 2, rel=1e-5)
        assert numbers.by_seed["0"].mse_missing[kind].masked_vae == pytest.approx(seed0, rel=1e-5)
        assert numbers.by_seed["1"].mse_missing[kind].masked_vae == pytest.approx(seed1, rel=1e-5)
        # every image has the same error: the interval over images has no width
        assert numbers.mse_missing_interval[kind]["knn"] == pytest.approx([0.01, 0.01], rel=1e-5)
        minus = numbers.masked_vae_minus[kind]
        assert list(minus) == ["mean_image", "knn", "vae"]
        assert minus["knn"].mean == pytest.approx((seed0 + seed1) / 2 - 0.01, rel=1e-5) and minus["knn"].n == 4
        assert numbers.by_seed["1"].masked_vae_minus[kind]["vae"].mean == pytest.approx(seed1 - 0.16, rel=1e-5)


def test_passes_are_chosen_on_validation_images_per_seed():
    numbers = _compute(max_passes=3)
    # seed 0 improves with every pass (0.35, 0.525, 0.6125); seed 1 ties, which go to one pass
    assert numbers.passes["half"] == {"masked_vae": [3, 1], "vae": [1, 1]}
    curve = [((0.7 - 0.35) ** 2 + 0.04) / 2, ((0.7 - 0.525) ** 2 + 0.04) / 2, ((0.7 - 0.6125) ** 2 + 0.04) / 2]
    assert numbers.val_mse_per_pass["square"]["masked_vae"] == pytest.approx(curve, rel=1e-5)
    assert numbers.test_mse_per_pass["square"]["masked_vae"] == pytest.approx(curve, rel=1e-5)
    assert numbers.max_passes == 3


def test_counts_masks_and_labels():
    numbers = _compute()
    assert (numbers.n_eval, numbers.n_val, numbers.n_knn_reference, numbers.n_neighbors) == (4, 3, 6, 3)
    assert numbers.latent == 10 and numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    assert numbers.missing_share["half"] == 0.5 and numbers.missing_share["square"] == 0.25
    assert 0.4 < numbers.missing_share["random"] < 0.6
    assert numbers.example_labels == [3, 1]


def test_without_plain_vaes_their_error_is_none():
    numbers = _compute(plain={})
    assert numbers.mse_missing["half"].vae is None and numbers.by_seed["0"].mse_missing["half"].vae is None
    assert "vae" not in numbers.masked_vae_minus["half"] and "vae" not in numbers.passes["half"]
    assert imputation.methods(numbers) == ["masked_vae", "mean_image", "knn"]
    assert imputation.methods(_compute()) == ["masked_vae", "vae", "mean_image", "knn"]
    check_numbers("imputation", as_numbers(numbers))


def test_examples_are_the_first_test_images_with_their_masks():
    numbers = _compute()
    x_test = _images(6, TRUTH)
    x, masks, imputed = imputation.examples(numbers, X_TRAIN, x_test, MASKED, {}, seed=0)
    assert x.shape == (2, 784)
    assert np.array_equal(masks["random"], imputation.eval_masks(4, 0)["random"][:2])
    missing = masks["random"] == 0
    # seed 0's masked VAE was fed back twice
    assert imputed["random"]["masked_vae"][missing] == pytest.approx(0.525)
    assert np.all(imputed["random"]["masked_vae"][~missing] == np.float32(TRUTH))
    assert imputed["half"]["knn"][masks["half"] == 0] == pytest.approx(0.6)
    assert imputed["half"]["mean_image"][masks["half"] == 0] == pytest.approx(0.4)
    assert list(imputed["half"]) == ["mean_image", "knn", "masked_vae"]  # no plain VAE given
    # the first training seed's plain VAE, where given
    _, _, imputed = imputation.examples(numbers, X_TRAIN, x_test, MASKED, PLAIN, seed=0)
    assert imputed["half"]["vae"][masks["half"] == 0] == pytest.approx(0.3)


def _examples():
    numbers = _compute()
    return numbers, *imputation.examples(numbers, X_TRAIN, _images(6, TRUTH), MASKED, PLAIN, seed=0)


def test_examples_image_has_a_block_per_mask_kind_and_a_row_per_method():
    numbers, x, masks, imputed = _examples()
    methods = imputation.methods(numbers)
    image = imputation.examples_image(x, masks, imputed, methods, gap=8)
    block = (6 * 29 - 1, 2 * 29 - 1)  # masked input, four methods, truth; two images
    assert image.shape == (block[0], 3 * block[1] + 2 * 8, 3)
    # the masked input's missing pixels are blue; the truth below is not masked
    blue = np.all(np.isclose(image, imputation.MISSING_RGB), axis=2)
    assert blue[:28].sum() == sum((m == 0).sum() for m in masks.values())
    assert not blue[28:].any()
    assert np.all(image[5 * 29 : 5 * 29 + 28, :28] == np.float32(TRUTH))


def test_draw_examples_names_each_block_and_row():
    numbers, x, masks, imputed = _examples()
    fig, ax = plt.subplots()
    labels = {m: m.upper() for m in imputation.METHODS}
    imputation.draw_examples(ax, x, masks, imputed, ["knn", "masked_vae"], {k: k + "!" for k in masks}, labels)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["half!", "square!", "random!"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["masked input", "KNN", "MASKED_VAE", "truth"]
    assert ax.get_images()[0].get_array().shape[0] == 4 * 29 - 1
    plt.close(fig)


def test_bar_values_are_each_seeds_errors_and_the_intervals_by_mask_kind():
    numbers = _compute()
    values, intervals = imputation.bar_values(numbers, ["masked_vae", "knn"])
    seed0, seed1 = (0.7 - 0.525) ** 2, (0.7 - 0.5) ** 2
    assert np.shape(values) == (2, 2, 3)  # methods, seeds, mask kinds
    assert values[0][1] == pytest.approx([seed1] * 3, rel=1e-5)
    assert values[0][0] == pytest.approx([seed0] * 3, rel=1e-5)
    means, lows, highs = intervals[1]
    assert means == pytest.approx([0.01] * 3, rel=1e-5)
    assert lows == pytest.approx([0.01] * 3, rel=1e-5) and highs == pytest.approx([0.01] * 3, rel=1e-5)


def test_draw_passes_draws_each_vaes_validation_and_test_curve():
    fig, ax = plt.subplots()
    kinds = {"half": "H", "square": "S", "random": "R"}
    imputation.draw_passes(ax, _compute(max_passes=3), kinds, {"masked_vae": "masked", "vae": "plain"})
    assert len(ax.lines) == 3 * 2 * 2  # mask kinds, VAEs, validation and test
    assert all(len(line.get_xdata()) == 3 for line in ax.lines)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["H", "S", "R", "masked", "plain"]
    ax.clear()
    imputation.draw_passes(ax, _compute(plain={}), kinds, {"masked_vae": "masked", "vae": "plain"})
    assert len(ax.lines) == 3 * 2 and ax.get_legend().get_texts()[-1].get_text() == "masked"
    plt.close(fig)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = _compute()
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("imputation", saved)
    assert from_numbers(imputation.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'by_seed\.0\.masked_vae_minus\.half\.knn' lacks 'n'"):
        del saved["by_seed"]["0"]["masked_vae_minus"]["half"]["knn"]["n"]
        check_numbers("imputation", saved)
