import math

import pytest
import torch

from vaelab.train.losses import kl_divergence, loss_terms, reconstruction_loss


def test_mse_is_summed_over_pixels_and_averaged_over_batch():
    x = torch.tensor([[0.0, 1.0], [0.5, 0.5]])
    recon = torch.tensor([[0.5, 1.0], [0.5, 0.0]])
    # image 1: 0.25 + 0; image 2: 0 + 0.25 -> mean 0.25
    assert reconstruction_loss(recon, x, "mse").item() == pytest.approx(0.25)


def test_mse_value_and_gradients_match_autograd_through_mse_loss():
    # the MSE term has its own backward; it must give what autograd gives for the plain formula
    torch.manual_seed(0)
    recon = torch.rand(64, 784, dtype=torch.float64, requires_grad=True)
    x = torch.rand(64, 784, dtype=torch.float64, requires_grad=True)
    weights = torch.rand(64, 784, dtype=torch.float64)  # makes the upstream gradient not uniform
    fused = reconstruction_loss(recon * weights, x, "mse")
    g_recon, g_x = torch.autograd.grad(3.0 * fused, (recon, x))
    plain = torch.nn.functional.mse_loss(recon * weights, x, reduction="none").sum(dim=1).mean()
    p_recon, p_x = torch.autograd.grad(3.0 * plain, (recon, x))
    assert fused.item() == pytest.approx(plain.item(), rel=1e-12)
    torch.testing.assert_close(g_recon, p_recon)
    torch.testing.assert_close(g_x, p_x)


def test_mse_backward_leaves_data_without_a_gradient():
    recon = torch.rand(8, 784, requires_grad=True)
    x = torch.rand(8, 784)
    reconstruction_loss(recon, x, "mse").backward()
    assert recon.grad is not None and x.grad is None
    torch.testing.assert_close(recon.grad, 2 * (recon.detach() - x) / 8)


def test_bce_hand_computed():
    x = torch.tensor([[1.0, 0.0]])
    recon = torch.tensor([[0.5, 0.25]])
    expected = -math.log(0.5) - math.log(0.75)
    assert reconstruction_loss(recon, x, "bce").item() == pytest.approx(expected, rel=1e-6)


def test_kl_is_zero_for_standard_normal():
    assert kl_divergence(torch.zeros(4, 7), torch.zeros(4, 7)).item() == 0.0


def test_kl_hand_computed():
    # per dim: -1/2 (1 + logvar - mu^2 - e^logvar); mu=1, logvar=0 -> 0.5; mu=0, logvar=log 2 -> 0.5(2 - 1 - log 2)
    mu = torch.tensor([[1.0, 0.0]])
    logvar = torch.tensor([[0.0, math.log(2.0)]])
    expected = 0.5 + 0.5 * (2 - 1 - math.log(2))
    assert kl_divergence(mu, logvar).item() == pytest.approx(expected, rel=1e-6)


def test_ae_has_no_kl_and_beta_weights_it():
    x = torch.full((2, 3), 0.5)
    out_ae = (x.clone(), torch.ones(2, 2), None)
    assert loss_terms(out_ae, x)["kl"].item() == 0.0
    out_vae = (x.clone(), torch.ones(2, 2), torch.zeros(2, 2))  # KL = 2 * 0.5 = 1 per image
    assert loss_terms(out_vae, x, beta=3.0)["loss"].item() == pytest.approx(3.0)


def test_unknown_loss_is_an_error():
    with pytest.raises(ValueError, match="unknown reconstruction loss"):
        reconstruction_loss(torch.zeros(1, 1), torch.zeros(1, 1), "l1")
