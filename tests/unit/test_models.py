import pytest
import torch

from vaelab import models


@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("name", ["ae", "vae", "cvae"])
@pytest.mark.parametrize("latent", [2, 20])
def test_shapes(name, arch, latent):
    torch.manual_seed(0)
    model = models.build(name, latent_dim=latent, arch=arch, hidden=[64])
    x = torch.rand(5, 784)
    y = torch.arange(5)
    recon, mu, logvar = model(x, y)
    assert recon.shape == (5, 784)
    assert mu.shape == (5, latent)
    assert (logvar is None) == (name == "ae")
    if logvar is not None:
        assert logvar.shape == (5, latent)
    assert 0 <= recon.min() and recon.max() <= 1  # sigmoid output
    assert model.decode(torch.zeros(3, latent), y[:3]).shape == (3, 784)


def test_conv_architecture_is_the_publications():
    model = models.build("vae", latent_dim=20, arch="conv", hidden=[400])
    convs = [m for m in model.encoder.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size, c.stride) for c in convs] == [(32, (3, 3), (2, 2)), (64, (3, 3), (2, 2))]
    assert model.encoder.dense[0].out_features == 400
    assert sum(isinstance(m, torch.nn.ConvTranspose2d) for m in model.decoder.modules()) == 2


def test_cvae_uses_the_label():
    torch.manual_seed(0)
    model = models.build("cvae", latent_dim=4, hidden=[32]).eval()
    x = torch.rand(2, 784)
    z = torch.zeros(2, 4)
    assert not torch.allclose(model.decode(z, torch.tensor([0, 0])), model.decode(z, torch.tensor([1, 1])))
    assert not torch.allclose(model.encode(x, torch.tensor([0, 0]))[0], model.encode(x, torch.tensor([3, 3]))[0])
    with pytest.raises(ValueError, match="needs labels"):
        model(x)


def test_reparameterize_samples_in_training_and_uses_mean_in_eval():
    model = models.build("vae", latent_dim=3, hidden=[16])
    mu, logvar = torch.zeros(1000, 3), torch.zeros(1000, 3)
    model.train()
    z = model.reparameterize(mu, logvar)
    assert z.std().item() == pytest.approx(1.0, abs=0.1)
    model.eval()
    assert torch.equal(model.reparameterize(mu, logvar), mu)


def test_checkpoint_describes_itself(tmp_path):
    model = models.build("cvae", latent_dim=5, arch="conv", hidden=[32])
    path = tmp_path / "m.pt"
    models.save(model, path)
    loaded = models.load(path)
    assert type(loaded) is models.CVAE and loaded.config == model.config
    for a, b in zip(model.state_dict().values(), loaded.state_dict().values()):
        assert torch.equal(a, b)
    torch.load(path, weights_only=True)  # loads without unpickling arbitrary objects


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match="unknown model"):
        models.build("gan", latent_dim=2)
    with pytest.raises(ValueError, match="unknown arch"):
        models.build("ae", latent_dim=2, arch="transformer")
    with pytest.raises(ValueError, match="positive"):
        models.build("ae", latent_dim=0)


def test_model_names_match_the_torch_free_constants():
    from vaelab.constants import IMAGE_SIZE
    from vaelab.runs import MODEL_NAMES

    assert tuple(models.MODELS) == MODEL_NAMES
    assert models.autoencoders.IMAGE_SIZE == IMAGE_SIZE == 784
