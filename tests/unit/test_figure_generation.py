import json

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from vaelab import models  # noqa: E402
from vaelab.analysis.generation import (  # noqa: E402
    decode_prior,
    requested_digits,
    sample_fitted_density,
    sample_prior,
    wilson_interval,
)
from vaelab.analysis.metrics import encode_decode  # noqa: E402
from vaelab.figures import generation  # noqa: E402
from vaelab.figures.generation import Samples, Share  # noqa: E402
from vaelab.figures.result import as_numbers, from_numbers  # noqa: E402
from vaelab.models.classifier import DigitCNN  # noqa: E402
from vaelab.publish.numbers import NumbersError, check_numbers  # noqa: E402

REQUESTED = requested_digits(1)  # ten samples: one of each class 0..9


def proba(classes, confidence):
    """Rows whose top class is `classes[i]` with probability `confidence[i]`, the rest spread evenly."""
    confidence = np.asarray(confidence, dtype=float)
    out = np.tile((1 - confidence)[:, None] / 9, (1, 10))
    out[np.arange(len(confidence)), classes] = confidence
    return out


def confident(*groups):
    """Ten samples of made-up classes: (count, confidence) groups, in order."""
    conf = [c for count, c in groups for _ in range(count)]
    return proba(np.zeros(len(conf), dtype=int), conf)


def _samples(with_cvae=True):
    """Two training seeds' scored samples; the sources come in another order than the figure's."""
    wrong = np.where(np.arange(10) < 6, REQUESTED, (REQUESTED + 1) % 10)  # classes 6-9 drawn as another
    seed0 = {"ae_mixture": confident((10, 0.95)), "ae": confident((3, 0.95), (7, 0.5))}
    seed1 = {"ae_mixture": confident((5, 0.95), (5, 0.9)), "ae": confident((1, 0.95), (9, 0.5))}
    if with_cvae:
        seed0["cvae"] = proba(wrong, np.full(10, 0.8))
        seed1["cvae"] = proba(REQUESTED, np.full(10, 0.95))
    return {s: Samples({k: np.zeros((10, 4)) for k in p}, p, REQUESTED) for s, p in ((0, seed0), (1, seed1))}


def _compute(samples):
    return generation.compute(
        samples, chosen_latent=2, classifier_test_accuracy=0.97, mixture_components=4, confidence_threshold=0.9
    )


def test_compute_scores_each_source_per_seed_and_over_seeds():
    numbers = _compute(_samples())
    assert (numbers.chosen_latent, numbers.classifier_test_accuracy) == (2, 0.97)
    assert (numbers.n_samples, numbers.n_per_class, numbers.mixture_components) == (10, 1, 4)
    assert numbers.sources == {
        "ae": "AE, z ~ N(0, I)",
        "ae_mixture": "AE, z ~ 4-Gaussian mixture fitted to its codes",
        "cvae": "CVAE, z ~ N(0, I)",
    }  # in the figure's order
    assert numbers.seeds == [0, 1] and list(numbers.by_seed) == ["0", "1"]
    # the AE: 3 of 10 recognised at seed 0 (mean confidence 0.635), 1 of 10 at seed 1 (0.545)
    assert numbers.by_seed["0"].share_confident["ae"] == 0.3
    assert numbers.by_seed["0"].mean_confidence["ae"] == pytest.approx(0.635)
    assert numbers.by_seed["0"].share_confident_interval["ae"] == list(wilson_interval(3, 10))
    assert numbers.share_confident["ae"] == pytest.approx(0.2)
    assert numbers.mean_confidence["ae"] == pytest.approx(0.59)
    assert numbers.share_confident_pooled["ae"] == Share(0.2, *wilson_interval(4, 20), n=20)
    # a confidence of exactly the threshold is not recognised
    assert numbers.by_seed["1"].share_confident["ae_mixture"] == 0.5
    assert numbers.share_confident["ae_mixture"] == pytest.approx(0.75)
    assert numbers.mean_confidence["ae_mixture"] == pytest.approx((0.95 + 0.925) / 2)
    assert numbers.share_confident_pooled["ae_mixture"] == Share(0.75, *wilson_interval(15, 20), n=20)


def test_compute_the_cvae_draws_the_requested_class():
    numbers = _compute(_samples())
    assert numbers.by_seed["0"].cvae_conditional_accuracy == 0.6
    assert numbers.by_seed["0"].cvae_accuracy_per_class == [1.0] * 6 + [0.0] * 4
    assert numbers.by_seed["1"].cvae_conditional_accuracy == 1.0
    assert numbers.cvae_conditional_accuracy == pytest.approx(0.8)
    assert numbers.cvae_accuracy_per_class == [1.0] * 6 + [0.5] * 4
    assert numbers.cvae_conditional_pooled == Share(0.8, *wilson_interval(16, 20), n=20)
    assert numbers.cvae_accuracy_per_class_pooled[0] == Share(1.0, *wilson_interval(2, 2), n=2)
    assert numbers.cvae_accuracy_per_class_pooled[9] == Share(0.5, *wilson_interval(1, 2), n=2)
    assert numbers.share_confident["cvae"] == 0.5  # 0.8 at seed 0, 0.95 at seed 1


def test_compute_without_a_cvae_writes_null():
    numbers = _compute(_samples(with_cvae=False))
    assert list(numbers.sources) == ["ae", "ae_mixture"]
    assert numbers.cvae_conditional_accuracy is None and numbers.cvae_conditional_pooled is None
    assert numbers.cvae_accuracy_per_class is None and numbers.cvae_accuracy_per_class_pooled is None
    assert numbers.by_seed["1"].cvae_conditional_accuracy is None
    assert numbers.by_seed["1"].cvae_accuracy_per_class is None
    check_numbers("generation", json.loads(json.dumps(as_numbers(numbers))))


def test_sample_decodes_the_same_prior_draws_and_fits_the_ae_its_densities():
    torch.manual_seed(0)
    nets = {m: models.build(m, latent_dim=2, hidden=[16]) for m in ("ae", "cvae")}
    x_train = np.random.default_rng(0).random((60, 784), dtype=np.float32)
    y_train = np.arange(60) % 10
    classifier = DigitCNN(channels=(2, 2), dense=8).eval()
    samples = generation.sample(nets, classifier, x_train, y_train, 2, 20, 2, seed=5)
    assert list(samples.images) == ["ae", "ae_gaussian", "ae_mixture", "cvae"]
    assert samples.requested.tolist() == [c for c in range(10) for _ in range(2)]
    z = sample_prior(20, 2, seed=5)
    np.testing.assert_array_equal(samples.images["ae"], decode_prior(nets["ae"], z))
    np.testing.assert_array_equal(samples.images["cvae"], decode_prior(nets["cvae"], z, samples.requested))
    assert not np.allclose(samples.images["ae_gaussian"], samples.images["ae"])  # other z
    # the mixture: 2 components fitted (seeded) to the AE's codes of the training images
    codes = encode_decode(nets["ae"], torch.from_numpy(x_train), torch.from_numpy(y_train))[1].numpy()
    mixture_z = sample_fitted_density(codes, 20, 2, seed=5)
    np.testing.assert_array_equal(samples.images["ae_mixture"], decode_prior(nets["ae"], mixture_z))
    assert samples.proba["ae_mixture"].shape == (20, 10)
    np.testing.assert_allclose(samples.proba["ae_mixture"].sum(axis=1), 1, rtol=1e-5)
    again = generation.sample(nets, classifier, x_train, y_train, 2, 20, 2, seed=5)
    np.testing.assert_array_equal(again.images["ae_mixture"], samples.images["ae_mixture"])
    with pytest.raises(ValueError, match="multiple of 10"):
        generation.sample(nets, classifier, x_train, y_train, 2, 25, 2, seed=5)


def test_its_json_has_the_declared_shape_and_reads_back():
    numbers = _compute(_samples())
    saved = json.loads(json.dumps(as_numbers(numbers)))
    check_numbers("generation", saved)
    assert from_numbers(generation.Numbers, saved) == numbers
    with pytest.raises(NumbersError, match=r"'cvae_accuracy_per_class' must be \[number\] of 10 or null"):
        check_numbers("generation", {**saved, "cvae_accuracy_per_class": [0.5] * 9})
    with pytest.raises(NumbersError, match=r"'share_confident_pooled\.ae' lacks 'n'"):
        del saved["share_confident_pooled"]["ae"]["n"]
        check_numbers("generation", saved)


def _hundred_samples():
    """Two seeds' 100 samples of each source; the CVAE's are asked for classes 0-9 in turn, image i
    is grey i/100, and the AE's and CVAE's samples 0, 5 and 12 are not recognised; the CVAE draws
    class 1 where 9 was asked for."""
    requested = np.tile(np.arange(10), 10)
    images = np.repeat(np.arange(100, dtype=np.float32)[:, None] / 100, 784, axis=1)
    confidence = np.full(100, 0.95)
    confidence[[0, 5, 12]] = 0.5
    drawn = np.where(requested == 9, 1, requested)
    scores = {"ae": proba(np.zeros(100, dtype=int), confidence), "cvae": proba(drawn, confidence)}
    return {s: Samples({k: images for k in scores}, scores, requested) for s in (3, 4)}


def test_shown_is_the_first_hundred_and_the_cvaes_first_ten_of_each_class():
    samples = _hundred_samples()[3]
    images, scores, requested = generation.shown(samples, "ae")
    assert images.shape == (100, 784) and scores.shape == (100, 10)
    np.testing.assert_allclose(images[:, 0] * 100, np.arange(100), rtol=1e-6)
    images, scores, requested = generation.shown(samples, "cvae")
    np.testing.assert_array_equal(requested, np.repeat(np.arange(10), 10))  # one row per class
    np.testing.assert_allclose(images[:3, 0] * 100, [0, 10, 20])  # the first samples asked for class 0


def test_draw_samples_frames_the_unrecognised_and_labels_the_wrong_class():
    samples = _hundred_samples()
    numbers = _compute(samples)
    fig, (ae, cvae) = plt.subplots(1, 2)
    generation.draw_samples(ae, numbers, samples[3], "ae", list("0123456789"), "digit", 0.9)
    generation.draw_samples(cvae, numbers, samples[3], "cvae", list("0123456789"), "digit", 0.9)
    assert len(ae.patches) == 3 and not ae.texts  # samples 0, 5 and 12
    assert "recognised 97% of 100 (seed 3)" in ae.get_title()
    # the CVAE's rows: samples 0, 5 (classes 0 and 5) and 12 (class 2), then the ten asked for 9
    assert len(cvae.patches) == 3
    assert [t.get_text() for t in cvae.texts] == ["1"] * 10
    assert [t.get_text() for t in cvae.get_yticklabels()] == list("0123456789")
    assert "requested digit drawn 90%" in cvae.get_title()
    plt.close(fig)


def test_draw_scores_and_the_cvae_accuracy_draw_a_bar_per_source_and_class():
    numbers = _compute(_hundred_samples())
    fig, (scores, per_class) = plt.subplots(1, 2)
    generation.draw_scores(scores, numbers, "digit", 0.9)
    assert len(scores.patches) == 2 * 2  # mean confidence and share recognised of the AE and the CVAE
    assert [t.get_text() for t in scores.get_xticklabels()] == ["AE\nN(0, I)", "CVAE\nN(0, I)"]
    generation.draw_cvae_accuracy(per_class, numbers, list("0123456789"), "digit")
    assert [b.get_height() for b in per_class.patches] == [1.0] * 9 + [0.0]
    assert per_class.get_legend().get_texts()[0].get_text() == "all digits: 90%"
    plt.close(fig)
