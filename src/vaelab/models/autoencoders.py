"""AE, VAE and CVAE over flat 28x28 images, with an MLP or a convolutional backbone.

Every model takes images as float tensors of shape (batch, 784) in [0, 1] and, for the
CVAE, integer labels. `forward` returns (reconstruction, mu, logvar); the AE's logvar is
None and its mu is the code itself.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from vaelab.constants import IMAGE_SIDE, IMAGE_SIZE, N_CLASSES
from vaelab.models.conv import ConvTranspose2d


def _mlp(sizes: list[int]) -> nn.Sequential:
    """Linear + ReLU between each consecutive pair of sizes."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers)


class MLPEncoder(nn.Module):
    def __init__(self, hidden: list[int], cond_dim: int):
        super().__init__()
        self.body = _mlp([IMAGE_SIZE + cond_dim, *hidden])
        self.out_dim = hidden[-1]

    def forward(self, x, cond=None):
        if cond is not None:
            x = torch.cat([x, cond], dim=1)
        return self.body(x)


class MLPDecoder(nn.Module):
    def __init__(self, hidden: list[int], in_dim: int):
        super().__init__()
        self.body = _mlp([in_dim, *reversed(hidden)])
        self.out = nn.Linear(hidden[0], IMAGE_SIZE)

    def forward(self, z):
        return torch.sigmoid(self.out(self.body(z)))


# The order in which the 64x7x7 feature map is flattened for the dense layers (and unflattened
# after them). "hwc" (height, width, channel) is a view of a channels-last activation, which
# training uses; "chw", nn.Flatten's order, copies it and hands the backward pass gradients in
# the other layout (docs/performance.md#conv-feature-map-flattened-channels-last). "chw" stays
# for older conv checkpoints, whose config has no flatten_order (see from_checkpoint).
FLATTEN_ORDERS = ("hwc", "chw")
FEATURE_MAP = (64, 7, 7)  # channels, height, width after the encoder's convolutions


def flatten_feature_map(h, order: str):
    """(n, 64, 7, 7) -> (n, 3136) in `order`."""
    return (h.permute(0, 2, 3, 1) if order == "hwc" else h).flatten(1)


def unflatten_feature_map(h, order: str):
    """(n, 3136) in `order` -> (n, 64, 7, 7); channels-last in memory for "hwc"."""
    c, height, width = FEATURE_MAP
    if order == "hwc":
        return h.view(-1, height, width, c).permute(0, 3, 1, 2)
    return h.view(-1, c, height, width)


class ConvEncoder(nn.Module):
    """Two stride-2 3x3 convolutions (32, 64 channels) then a dense layer, as in the publication."""

    def __init__(self, hidden: list[int], cond_dim: int, flatten_order: str = "hwc"):
        super().__init__()
        dense = hidden[-1]
        self.flatten_order = flatten_order
        # in-place ReLUs: no layer here needs its output kept for the backward pass, and writing
        # over it spares a fresh 3-25 MiB buffer per activation (-4% of a conv step at batch 1024)
        self.convs = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),  # 28 -> 14
            nn.Conv2d(32, 64, 3, stride=2, padding=1),
            nn.ReLU(inplace=True),  # 14 -> 7
        )
        self.dense = nn.Sequential(nn.Linear(math.prod(FEATURE_MAP) + cond_dim, dense), nn.ReLU(inplace=True))
        self.out_dim = dense

    def forward(self, x, cond=None):
        h = flatten_feature_map(self.convs(x.view(-1, 1, IMAGE_SIDE, IMAGE_SIDE)), self.flatten_order)
        if cond is not None:
            h = torch.cat([h, cond], dim=1)
        return self.dense(h)


class ConvDecoder(nn.Module):
    """Mirror of ConvEncoder: dense layers up to 64x7x7, then two stride-2 transposed convs."""

    def __init__(self, hidden: list[int], in_dim: int, flatten_order: str = "hwc"):
        super().__init__()
        self.flatten_order = flatten_order
        self.dense = nn.Sequential(  # in-place ReLUs as in ConvEncoder
            nn.Linear(in_dim, hidden[-1]),
            nn.ReLU(inplace=True),
            nn.Linear(hidden[-1], math.prod(FEATURE_MAP)),
            nn.ReLU(inplace=True),
        )
        # vaelab.models.conv.ConvTranspose2d: nn.ConvTranspose2d with a faster CPU training step
        self.deconvs = nn.Sequential(
            ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1),
            nn.ReLU(inplace=True),  # 7 -> 14
            ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1),  # 14 -> 28
        )

    def forward(self, z):
        h = unflatten_feature_map(self.dense(z), self.flatten_order)
        return torch.sigmoid(self.deconvs(h)).view(-1, IMAGE_SIZE)


BACKBONES = {"mlp": (MLPEncoder, MLPDecoder), "conv": (ConvEncoder, ConvDecoder)}


class AE(nn.Module):
    """Deterministic autoencoder: x -> z -> x_hat."""

    variational = False
    conditional = False

    def __init__(
        self,
        latent_dim: int,
        arch: str = "mlp",
        hidden: list[int] | tuple[int, ...] = (400,),
        flatten_order: str | None = None,
    ):
        super().__init__()
        if arch not in BACKBONES:
            raise ValueError(f"unknown arch {arch!r}; choose from {sorted(BACKBONES)}")
        if latent_dim <= 0:
            raise ValueError(f"latent_dim must be positive, got {latent_dim}")
        self.config = {"latent_dim": int(latent_dim), "arch": arch, "hidden": [int(h) for h in hidden]}
        backbone_args = {}
        if arch == "conv":
            flatten_order = flatten_order or FLATTEN_ORDERS[0]
            if flatten_order not in FLATTEN_ORDERS:
                raise ValueError(f"unknown flatten_order {flatten_order!r}; choose from {FLATTEN_ORDERS}")
            self.config["flatten_order"] = backbone_args["flatten_order"] = flatten_order
        elif flatten_order is not None:
            raise ValueError(f"flatten_order is a setting of arch 'conv', not of {arch!r}")
        encoder_cls, decoder_cls = BACKBONES[arch]
        cond_dim = N_CLASSES if self.conditional else 0
        self.encoder = encoder_cls(self.config["hidden"], cond_dim, **backbone_args)
        self.to_mu = nn.Linear(self.encoder.out_dim, latent_dim)
        if self.variational:
            self.to_logvar = nn.Linear(self.encoder.out_dim, latent_dim)
        self.decoder = decoder_cls(self.config["hidden"], latent_dim + cond_dim, **backbone_args)

    @property
    def latent_dim(self) -> int:
        return self.config["latent_dim"]

    def _cond(self, y):
        if not self.conditional:
            return None
        if y is None:
            raise ValueError(f"{type(self).__name__} needs labels y")
        return F.one_hot(y, N_CLASSES).to(self.to_mu.weight.dtype)

    def encode(self, x, y=None):
        """(mu, logvar); logvar is None for the deterministic AE."""
        h = self.encoder(x, self._cond(y))
        logvar = self.to_logvar(h) if self.variational else None
        return self.to_mu(h), logvar

    def reparameterize(self, mu, logvar):
        """z = mu + sigma * eps (Kingma & Welling 2014, sec. 2.4); the mean when not training."""
        if logvar is None or not self.training:
            return mu
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def decode(self, z, y=None):
        cond = self._cond(y)
        if cond is not None:
            z = torch.cat([z, cond], dim=1)
        return self.decoder(z)

    def forward(self, x, y=None):
        mu, logvar = self.encode(x, y)
        return self.decode(self.reparameterize(mu, logvar), y), mu, logvar


class VAE(AE):
    """Variational autoencoder (Kingma & Welling 2014)."""

    variational = True


class CVAE(AE):
    """Conditional VAE (Sohn et al. 2015): the one-hot label goes to the encoder and, with z, to the decoder."""

    variational = True
    conditional = True


MODELS = {"ae": AE, "vae": VAE, "cvae": CVAE}


def build(name: str, **config) -> AE:
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {sorted(MODELS)}")
    return MODELS[name](**config)


def model_name(model: nn.Module) -> str:
    return next(k for k, cls in MODELS.items() if type(model) is cls)


def n_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def save(model: AE, path: str | Path, extra: dict | None = None) -> None:
    """A checkpoint that describes itself: name + config + weights (+ anything in `extra`)."""
    from vaelab.io import atomic_torch_save

    atomic_torch_save(
        {"name": model_name(model), "config": model.config, "state_dict": model.state_dict(), **(extra or {})}, path
    )


def from_checkpoint(ckpt: dict, path: str | Path | None = None) -> AE:
    """Rebuild the right class from a loaded checkpoint dict written by `save`. With the
    file's `path`, a dict that is not a vaelab model is an error naming the file."""
    try:
        config = dict(ckpt["config"])
        if config.get("arch") == "conv":
            # conv checkpoints written before flatten_order existed flattened in nn.Flatten's order
            config.setdefault("flatten_order", "chw")
        model = build(ckpt["name"], **config)
        model.load_state_dict(ckpt["state_dict"])
    except (KeyError, TypeError, ValueError, RuntimeError) as err:  # loads, but is not a vaelab model
        if path is None:
            raise
        from vaelab.io import DamagedFileError, remake_command

        raise DamagedFileError(
            f"{path} is not a vaelab model ({type(err).__name__}: {err}); remake it: {remake_command(path)}"
        ) from None
    return model.eval()


def load(path: str | Path, map_location="cpu") -> AE:
    """Rebuild the right class from a checkpoint file written by `save`; a file that cannot be
    loaded or rebuilt is named in the error (vaelab.io.load_torch)."""
    from vaelab.io import load_torch

    return from_checkpoint(load_torch(path, what="model", map_location=map_location), path)
