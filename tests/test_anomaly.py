import numpy as np
import pytest
import torch

from vaelab import models
from vaelab.analysis.anomaly import (
    auroc,
    highest,
    letter_name,
    mean_per_letter,
    most_like_digits,
    reconstruct_best_label,
)
from vaelab.analysis.metrics import encode_decode


def test_auroc_perfect_chance_and_reversed():
    assert auroc(np.array([0.1, 0.2, 0.3]), np.array([0.5, 0.9])) == 1.0
    assert auroc(np.array([0.5, 0.9]), np.array([0.1, 0.2, 0.3])) == 0.0
    assert auroc(np.array([0.1, 0.2]), np.array([0.1, 0.2])) == 0.5
    # one of the 2 x 2 pairs ranked wrongly
    assert auroc(np.array([0.1, 0.4]), np.array([0.3, 0.5])) == pytest.approx(0.75)


def test_letter_names():
    assert letter_name(1) == "a" and letter_name(13) == "m" and letter_name(26) == "z"
    with pytest.raises(ValueError):
        letter_name(0)


def test_mean_per_letter_and_most_like_digits():
    errors = np.array([1.0, 3.0, 0.5, 0.2, 0.4, 9.0])
    labels = np.array([1, 1, 2, 3, 3, 4])
    per = mean_per_letter(errors, labels)
    assert per == pytest.approx({"a": 2.0, "b": 0.5, "c": 0.3, "d": 9.0})
    assert list(per) == ["a", "b", "c", "d"]
    assert most_like_digits(per, k=3) == ["c", "b", "a"]


def test_highest_orders_largest_first():
    assert highest(np.array([0.1, 0.9, 0.5, 0.9, 0.2]), 3).tolist() == [1, 3, 2]


def test_best_label_is_the_minimum_over_labels_for_a_cvae():
    torch.manual_seed(0)
    model = models.build("cvae", latent_dim=2, hidden=[16])
    x = torch.rand(6, 784)
    per_label = torch.stack([(encode_decode(model, x, torch.full((6,), c))[0] - x).pow(2).mean(1) for c in range(10)])
    rec, err = reconstruct_best_label(model, x.numpy())
    assert np.allclose(err, per_label.min(0).values.numpy(), atol=1e-7)
    assert np.allclose(((rec - x.numpy()) ** 2).mean(1), err, atol=1e-7)


def test_unconditional_model_scored_once():
    torch.manual_seed(0)
    model = models.build("vae", latent_dim=2, hidden=[16])
    x = torch.rand(4, 784)
    rec, err = reconstruct_best_label(model, x.numpy())
    expected = encode_decode(model, x, torch.zeros(4, dtype=torch.long))[0]
    assert np.allclose(rec, expected.numpy())
