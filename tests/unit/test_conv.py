"""vaelab.models.conv and the conv backbone's flatten order: faster layers, the same function."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from vaelab import models
from vaelab.models.conv import ConvTranspose2d, conv_transpose2d


@pytest.mark.parametrize("c_out", [1, 3])  # 1: the col2im forward; 3: oneDNN's forward
@pytest.mark.parametrize("with_bias", [True, False])
def test_conv_transpose2d_matches_pytorch_in_value_and_gradient(c_out, with_bias):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 4, 5, 5, dtype=torch.float64, generator=g, requires_grad=True)
    w = torch.randn(4, c_out, 3, 3, dtype=torch.float64, generator=g, requires_grad=True)
    b = torch.randn(c_out, dtype=torch.float64, generator=g, requires_grad=True) if with_bias else None
    ours = conv_transpose2d(x, w, b, 2, 1, 1)
    reference = F.conv_transpose2d(x, w, b, 2, 1, 1)
    assert ours.shape == reference.shape == (3, c_out, 10, 10)
    torch.testing.assert_close(ours, reference)
    inputs = (x, w, b) if with_bias else (x, w)
    upstream = torch.randn(reference.shape, dtype=torch.float64, generator=g)
    torch.testing.assert_close(
        torch.autograd.grad(ours, inputs, upstream), torch.autograd.grad(reference, inputs, upstream)
    )
    assert torch.autograd.gradcheck(lambda x, w, b=None: conv_transpose2d(x, w, b, 2, 1, 1), inputs)


def test_conv_transpose2d_in_channels_last_gives_the_same_numbers():
    torch.manual_seed(0)
    layer = ConvTranspose2d(8, 1, 3, stride=2, padding=1, output_padding=1)
    x = torch.randn(4, 8, 7, 7)
    nchw = layer(x)
    nhwc = layer.to(memory_format=torch.channels_last)(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(nhwc, nchw)


def test_conv_transpose2d_under_bfloat16_autocast_is_pytorchs():
    torch.manual_seed(0)
    layer = ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1)
    x = torch.randn(2, 4, 5, 5)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = layer(x)
        reference = F.conv_transpose2d(x, layer.weight, layer.bias, 2, 1, 1)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out, reference)
    out.float().sum().backward()
    assert layer.weight.grad is not None and layer.weight.grad.dtype == torch.float32


def test_conv_transpose2d_module_keeps_nn_state_dict():
    ours = ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)
    stock = nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in stock.state_dict().items()}


def _stock_conv_vae(latent, hidden):
    """The conv VAE as vaelab wrote it before 2026-12-02: stock torch.nn layers, nn.Flatten (channel, height,
    width order). Its state dict has the same keys as vaelab's conv VAE."""

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.convs = nn.Sequential(
                nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(), nn.Flatten()
            )
            self.dense = nn.Sequential(nn.Linear(3136, hidden), nn.ReLU())

        def forward(self, x):
            return self.dense(self.convs(x.view(-1, 1, 28, 28)))

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.dense = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, 3136), nn.ReLU())
            self.deconvs = nn.Sequential(
                nn.ConvTranspose2d(64, 32, 3, 2, 1, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 3, 2, 1, 1)
            )

        def forward(self, z):
            return torch.sigmoid(self.deconvs(self.dense(z).view(-1, 64, 7, 7))).view(-1, 784)

    class StockVAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.decoder = Encoder(), Decoder()
            self.to_mu, self.to_logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)

        def forward(self, x):
            h = self.encoder(x)
            mu = self.to_mu(h)
            return self.decoder(mu), mu, self.to_logvar(h)

    return StockVAE()


def test_conv_checkpoint_from_before_flatten_order_loads_as_it_was_trained(tmp_path):
    torch.manual_seed(0)
    stock = _stock_conv_vae(latent=3, hidden=16).eval()
    # what models.save wrote then: no flatten_order in the config
    torch.save(
        {"name": "vae", "config": {"latent_dim": 3, "arch": "conv", "hidden": [16]}, "state_dict": stock.state_dict()},
        tmp_path / "old.pt",
    )
    loaded = models.load(tmp_path / "old.pt")
    assert loaded.config["flatten_order"] == "chw"
    x = torch.rand(5, 784)
    for ours, theirs in zip(loaded(x), stock(x)):
        torch.testing.assert_close(ours, theirs)


def test_hwc_and_chw_flatten_orders_are_the_same_network_with_permuted_dense_weights():
    torch.manual_seed(0)
    hwc = models.build("vae", latent_dim=3, arch="conv", hidden=[16]).eval()
    chw = models.build("vae", latent_dim=3, arch="conv", hidden=[16], flatten_order="chw").eval()
    state = dict(hwc.state_dict())
    # dense weights indexed by the feature map's (h, w, c) -> the same weights indexed by (c, h, w)
    enc = state["encoder.dense.0.weight"]
    state["encoder.dense.0.weight"] = enc.view(16, 7, 7, 64).permute(0, 3, 1, 2).reshape(16, 3136)
    for key in ("decoder.dense.2.weight", "decoder.dense.2.bias"):
        t = state[key]
        state[key] = t.view(7, 7, 64, *t.shape[1:]).permute(2, 0, 1, *range(3, t.dim() + 2)).reshape(t.shape)
    chw.load_state_dict(state)
    x = torch.rand(4, 784)
    for a, b in zip(hwc(x), chw(x)):
        torch.testing.assert_close(a, b)
    # and the orders differ: the same weights read in the other order are another network
    chw.load_state_dict(hwc.state_dict())
    assert not torch.allclose(hwc(x)[0], chw(x)[0])


def test_flatten_order_is_checked():
    with pytest.raises(ValueError, match="unknown flatten_order"):
        models.build("vae", latent_dim=2, arch="conv", flatten_order="whc")
    with pytest.raises(ValueError, match="setting of arch 'conv'"):
        models.build("vae", latent_dim=2, arch="mlp", flatten_order="chw")
    assert "flatten_order" not in models.build("vae", latent_dim=2).config
