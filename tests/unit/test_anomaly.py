import numpy as np
import pytest
import torch

from vaelab import models
from vaelab.analysis.anomaly import (
    anomaly_scores,
    auroc,
    letter_name,
    nearest_neighbour_mse,
    reconstruct_best_label,
)
from vaelab.analysis.metrics import encode_decode, negative_elbo_per_image


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


def test_best_label_is_the_minimum_over_labels_for_a_cvae():
    torch.manual_seed(0)
    model = models.build("cvae", latent_dim=2, hidden=[16])
    x = torch.rand(6, 784)
    per_label = torch.stack([(encode_decode(model, x, torch.full((6,), c))[0] - x).pow(2).mean(1) for c in range(10)])
    rec, err, label = reconstruct_best_label(model, x.numpy())
    assert np.allclose(err, per_label.min(0).values.numpy(), atol=1e-7)
    assert np.array_equal(label, per_label.argmin(0).numpy())
    assert np.allclose(((rec - x.numpy()) ** 2).mean(1), err, atol=1e-7)


def test_unconditional_model_scored_once():
    torch.manual_seed(0)
    model = models.build("vae", latent_dim=2, hidden=[16])
    x = torch.rand(4, 784)
    rec, err, label = reconstruct_best_label(model, x.numpy())
    assert (label == 0).all()
    expected = encode_decode(model, x, torch.zeros(4, dtype=torch.long))[0]
    assert np.allclose(rec, expected.numpy())


def test_nearest_neighbour_mse_is_the_smallest_mse_to_a_reference_image():
    rng = np.random.default_rng(0)
    ref = rng.random((300, 784)).astype(np.float32)
    x = np.concatenate([ref[:3] + 0.01, rng.random((5, 784)).astype(np.float32)])
    got = nearest_neighbour_mse(ref, x, batch_size=3)  # batches of 3: a short last batch too
    brute = ((x[:, None, :].astype(np.float64) - ref[None]) ** 2).mean(axis=2).min(axis=1)
    # float32 products: about 1e-7 off per pixel, far below the 1e-2 that scores of digits differ by
    np.testing.assert_allclose(got, brute, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got[:3], 1e-4, rtol=2e-2)  # a near copy of a reference image: almost 0


@pytest.mark.parametrize("name", ["ae", "vae", "cvae"])
def test_anomaly_scores_mse_and_the_negative_elbo_at_the_best_label(name):
    torch.manual_seed(0)
    model = models.build(name, latent_dim=2, hidden=[16])
    x = torch.rand(6, 784)
    scores = anomaly_scores(model, x.numpy(), "mse", elbo_samples=3, seed=5)
    _, err, label = reconstruct_best_label(model, x.numpy())
    np.testing.assert_array_equal(scores["mse"], err)
    if name == "ae":
        assert set(scores) == {"mse"}
        return
    want = negative_elbo_per_image(model, x, torch.from_numpy(label), "mse", 3, seed=5)
    np.testing.assert_allclose(scores["neg_elbo"], want.numpy(), rtol=1e-6)
    assert scores["neg_elbo"].shape == (6,) and (scores["neg_elbo"] > 0).all()


def test_negative_elbo_per_image_averages_draws_of_z_plus_the_kl():
    from vaelab.train.losses import kl_divergence

    torch.manual_seed(0)
    model = models.build("vae", latent_dim=3, hidden=[16]).eval()
    x, y = torch.rand(5, 784), torch.zeros(5, dtype=torch.long)
    got = negative_elbo_per_image(model, x, y, "mse", n_samples=2, seed=1)
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        recs = [
            (model.decode(mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=gen)) - x).pow(2).sum(1)
            for _ in range(2)
        ]
        kl = torch.stack([kl_divergence(mu[i : i + 1], logvar[i : i + 1]) for i in range(5)])
    torch.testing.assert_close(got, (recs[0] + recs[1]) / 2 + kl)
    # more draws: closer to the expectation; the mean of many single draws is the same estimate
    assert not torch.equal(got, negative_elbo_per_image(model, x, y, "mse", n_samples=1, seed=1))
    with pytest.raises(ValueError, match="not variational"):
        negative_elbo_per_image(models.build("ae", latent_dim=3, hidden=[16]), x, y, "mse", 1)
