import numpy as np
import pytest
import torch

from vaelab import models
from vaelab.analysis.generation import (
    conditional_accuracy,
    confidence_stats,
    decode_prior,
    midpoint_scores,
    requested_digits,
    sample_fitted_density,
    sample_prior,
    share_with_interval,
    top_confidence,
    wilson_interval,
)


def one_hot_like(classes, confidence):
    """Rows whose top class is `classes[i]` with probability `confidence[i]`, rest spread evenly."""
    n = len(classes)
    proba = np.tile((1 - np.asarray(confidence, dtype=float))[:, None] / 9, (1, 10))
    proba[np.arange(n), classes] = confidence
    return proba


def test_sample_prior_is_seeded_and_standard_normal():
    a, b, c = sample_prior(5000, 3, seed=1), sample_prior(5000, 3, seed=1), sample_prior(5000, 3, seed=2)
    assert a.shape == (5000, 3)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert abs(a.mean().item()) < 0.05
    assert abs(a.std().item() - 1) < 0.05


def test_requested_digits_one_row_per_class():
    r = requested_digits(10)
    assert r.shape == (100,)
    assert r[:10].tolist() == [0] * 10
    assert r[90:].tolist() == [9] * 10


def test_confidence_stats():
    proba = one_hot_like([0, 1, 2, 3], [0.95, 0.5, 0.91, 0.9])
    np.testing.assert_allclose(top_confidence(proba), [0.95, 0.5, 0.91, 0.9])
    stats = confidence_stats(proba, threshold=0.9)
    assert stats["mean_confidence"] == pytest.approx((0.95 + 0.5 + 0.91 + 0.9) / 4)
    assert stats["share_confident"] == pytest.approx(0.5)  # 0.9 itself is not above the threshold
    assert stats["n"] == 4
    assert (stats["share_confident_low"], stats["share_confident_high"]) == pytest.approx(wilson_interval(2, 4))
    with pytest.raises(ValueError):
        confidence_stats(np.zeros((0, 10)), threshold=0.9)


def test_conditional_accuracy_overall_and_per_class():
    requested = requested_digits(2)  # 0,0,1,1,...,9,9
    predicted = requested.copy()
    predicted[1] = 5  # one of the two 0s is drawn as a 5
    predicted[2:4] = 7  # both 1s are drawn as 7s
    overall, per_class = conditional_accuracy(one_hot_like(predicted, np.full(20, 0.8)), requested)
    assert overall["share"] == pytest.approx(17 / 20) and overall["n"] == 20
    assert overall["low"] < 17 / 20 < overall["high"]
    assert [d["share"] for d in per_class] == pytest.approx([0.5, 0.0] + [1.0] * 8)
    assert [d["n"] for d in per_class] == [2] * 10
    assert per_class[1]["low"] == 0.0 and per_class[1]["high"] > 0.5  # 0 of 2: wide, not [0, 0]


def test_conditional_accuracy_needs_every_digit_and_matching_lengths():
    with pytest.raises(ValueError, match="digit 9"):
        conditional_accuracy(one_hot_like(np.arange(9), np.ones(9)), np.arange(9))
    with pytest.raises(ValueError):
        conditional_accuracy(one_hot_like(np.arange(10), np.ones(10)), np.arange(5))


def test_decode_prior_uses_the_requested_labels():
    torch.manual_seed(0)
    cvae = models.build("cvae", latent_dim=2, hidden=[16])
    z = sample_prior(10, 2, seed=0)
    same_z = z[:1].repeat(10, 1)
    images = decode_prior(cvae, same_z, np.arange(10))
    assert images.shape == (10, 784)
    assert ((images >= 0) & (images <= 1)).all()
    assert not np.allclose(images[0], images[1])  # same z, different digit -> different image
    ae = models.build("ae", latent_dim=2, hidden=[16])
    np.testing.assert_allclose(decode_prior(ae, z), decode_prior(ae, z))


def test_wilson_interval_known_values_and_edges():
    # 0.5 of 100: 0.5 +- 1.96 * sqrt(0.25/100 + 1.96^2/40000) / (1 + 1.96^2/100), about 0.404-0.596
    low, high = wilson_interval(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    low, high = wilson_interval(0, 20)
    assert low == 0.0 and high == pytest.approx(0.1611, abs=1e-4)
    low, high = wilson_interval(20, 20)
    assert high == 1.0 and low == pytest.approx(1 - 0.1611, abs=1e-4)
    assert wilson_interval(500, 1000)[1] - wilson_interval(500, 1000)[0] < high - low  # narrows with n
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_wilson_interval_covers_the_true_share_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    hits = rng.binomial(200, 0.3, size=2000)
    covered = np.mean([lo <= 0.3 <= hi for lo, hi in (wilson_interval(int(k), 200) for k in hits)])
    assert 0.93 < covered < 0.97


def test_share_with_interval():
    s = share_with_interval(np.array([True, False, True, True]))
    assert s["share"] == 0.75 and s["n"] == 4 and (s["low"], s["high"]) == wilson_interval(3, 4)


def test_fitted_density_samples_match_the_codes_not_the_prior():
    rng = np.random.default_rng(0)
    # codes far from N(0, I): two clusters around +-5 in the first dimension, narrow in the second
    codes = np.concatenate([rng.normal([5, 0], [0.5, 0.1], (1000, 2)), rng.normal([-5, 0], [0.5, 0.1], (1000, 2))])
    gauss = sample_fitted_density(codes, 4000, 1, seed=0).numpy()
    assert gauss.shape == (4000, 2) and gauss.dtype == np.float32
    np.testing.assert_allclose(gauss.mean(0), codes.mean(0), atol=0.3)
    np.testing.assert_allclose(gauss.std(0), codes.std(0), rtol=0.1)
    mixture = sample_fitted_density(codes, 4000, 2, seed=0).numpy()
    assert (np.abs(np.abs(mixture[:, 0]) - 5) < 2).mean() > 0.99  # both clusters, nothing between
    assert 0.4 < (mixture[:, 0] > 0).mean() < 0.6
    assert (mixture[:2000, 0] > 0).mean() > 0.3  # mixed order, not grouped by component
    assert np.array_equal(mixture, sample_fitted_density(codes, 4000, 2, seed=0).numpy())
    with pytest.raises(ValueError, match="too few"):
        sample_fitted_density(codes[:10], 5, 10, seed=0)


def test_midpoint_scores_share_recognised_and_share_read_as_an_end_class():
    # four midpoints between (1, 7): read as 1 (sure), 7 (unsure), 4 (sure), 1 (sure)
    proba = one_hot_like([1, 7, 4, 1], [0.95, 0.6, 0.99, 0.92])
    got = midpoint_scores(proba, np.array([1, 1, 1, 1]), np.array([7, 7, 7, 7]), threshold=0.9)
    assert got["recognised"]["share"] == 0.75 and got["recognised"]["n"] == 4
    assert got["an_end_class"]["share"] == 0.75
    assert (got["an_end_class"]["low"], got["an_end_class"]["high"]) == wilson_interval(3, 4)
    with pytest.raises(ValueError):
        midpoint_scores(proba, np.array([1, 1]), np.array([7, 7]), threshold=0.9)
