import numpy as np
import pytest
import torch

from vaelab import models
from vaelab.analysis.generation import (
    conditional_accuracy,
    confidence_stats,
    decode_prior,
    requested_digits,
    sample_prior,
    top_confidence,
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


def test_requested_digits_one_row_per_digit():
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
    with pytest.raises(ValueError):
        confidence_stats(np.zeros((0, 10)))


def test_conditional_accuracy_overall_and_per_digit():
    requested = requested_digits(2)  # 0,0,1,1,...,9,9
    predicted = requested.copy()
    predicted[1] = 5  # one of the two 0s is drawn as a 5
    predicted[2:4] = 7  # both 1s are drawn as 7s
    overall, per_digit = conditional_accuracy(one_hot_like(predicted, np.full(20, 0.8)), requested)
    assert overall == pytest.approx(17 / 20)
    assert per_digit == pytest.approx([0.5, 0.0] + [1.0] * 8)


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
