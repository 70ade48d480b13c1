"""The training loop: data held as tensors, seeded per epoch, resumable from its checkpoint.

Determinism and resume: each epoch reseeds torch's generator from (seed, epoch) before it
shuffles and samples, so epoch k depends only on the weights and optimizer state at its
start. The checkpoint written after every epoch holds exactly those, so a run killed
mid-training and rerun ends with the same weights as one that was never interrupted.
A checkpoint also holds the fingerprint of its training (`training_fingerprint`): one made
on other data or with other settings is set aside, never resumed.
"""

from __future__ import annotations

import hashlib
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from vaelab.io import atomic_torch_save, load_torch
from vaelab.train.cpu import has_native_bfloat16, prepare_cpu_training
from vaelab.train.device import adamw, pick_device  # noqa: F401 (re-exported)
from vaelab.train.history import HISTORY_FIELDS, read_history, write_history  # noqa: F401 (re-exported)
from vaelab.train.losses import RECON_LOSSES, loss_terms, reconstruction_loss
from vaelab.train.progress import EpochProgress

PRECISIONS = ("float32", "bfloat16")


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """The settings of one training run. Every value is the study's, from the validated config
    (`training`, with `overrides`) through the CLI: none has a default here, so a value the
    config does not pass is an error, not a silent choice."""

    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    beta: float
    recon_loss: str
    seed: int
    precision: str  # of the training forward pass; see `autocast`

    def __post_init__(self):
        """Only what this code implements; the values' bounds are the config schema's
        (workflow/schemas/config.schema.yaml), checked before any job."""
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        if self.recon_loss not in RECON_LOSSES:
            raise ValueError(f"recon_loss must be one of {RECON_LOSSES}, got {self.recon_loss!r}")


def autocast(device: torch.device, precision: str):
    """Mixed precision for the training forward pass: with "bfloat16", convolutions and matrix
    products take bfloat16 inputs (accumulating in float32) while the weights, the optimizer
    state and the loss stay float32. About 2x the conv VAE's float32 samples/s on a CPU with
    native bfloat16 (benchmarks/). "float32" leaves everything as it is."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bfloat16")


def as_float32(model_out: tuple) -> tuple:
    """The model's outputs in float32 (a no-op unless autocast made them bfloat16), so the
    loss and its reduction over 784 pixels are computed at full precision."""
    return tuple(None if t is None else t.float() for t in model_out)


def epoch_seed(seed: int, epoch: int) -> int:
    return seed * 100_003 + epoch


@torch.no_grad()
def evaluate_loss(model, x, y, cfg: TrainConfig, batch_size: int = 1024) -> dict[str, float]:
    """Mean per-image loss terms on (x, y) with the training objective, and the z = mu
    reconstruction error beside it.

    `loss`, `recon`, `kl`: as in training, z sampled from q(z|x) (the AE's z is its code), so
    the validation curve and the training curve measure the same quantity. The noise comes
    from a generator seeded by cfg.seed, the same every epoch, so that the curve's changes
    are the model's. `recon_mean_z`: the reconstruction term with z = mu; `mse`: its
    per-pixel squared error, the number model selection reads. Runs after every epoch, in
    batches of 1,024 so that a layer's activations stay in cache."""
    model.eval()
    gen = torch.Generator(device=x.device).manual_seed(cfg.seed)
    sums = {"loss": 0.0, "recon": 0.0, "kl": 0.0, "recon_mean_z": 0.0, "sq_err": 0.0}
    for i in range(0, len(x), batch_size):
        xb, yb = x[i : i + batch_size], y[i : i + batch_size]
        mu, logvar = model.encode(xb, yb)
        recon_mean_z = model.decode(mu, yb)
        recon = recon_mean_z
        if logvar is not None:
            eps = torch.randn(mu.shape, generator=gen, device=mu.device, dtype=mu.dtype)
            recon = model.decode(mu + torch.exp(0.5 * logvar) * eps, yb)
        terms = loss_terms((recon, mu, logvar), xb, cfg.recon_loss, cfg.beta)
        for k in ("loss", "recon", "kl"):
            sums[k] += terms[k].item() * len(xb)
        sums["recon_mean_z"] += reconstruction_loss(recon_mean_z, xb, cfg.recon_loss).item() * len(xb)
        sums["sq_err"] += (recon_mean_z - xb).pow(2).sum().item()
    n = len(x)
    return {
        "loss": sums["loss"] / n,
        "recon": sums["recon"] / n,
        "kl": sums["kl"] / n,
        "recon_mean_z": sums["recon_mean_z"] / n,
        "mse": sums["sq_err"] / (n * x.shape[1]),
    }


def data_hash(*tensors: torch.Tensor) -> str:
    """SHA-256 of the tensors' shapes, dtypes and bytes: the content of the training data.
    About 0.3 s for MNIST's 54,000 training images, once per training job that checkpoints."""
    h = hashlib.sha256()
    for t in tensors:
        t = t.detach().contiguous().cpu()
        h.update(f"{tuple(t.shape)} {t.dtype};".encode())
        h.update(memoryview(t.view(torch.uint8).numpy()) if t.numel() else b"")
    return h.hexdigest()


def training_fingerprint(model, cfg: TrainConfig, data: str, corrupted: bool) -> dict:
    """What a checkpoint must share with a run to be resumed by it: the data's content
    (`data_hash`), the model and its settings, the training settings (the seed among them) and
    whether inputs are corrupted, and the history's columns. The initial weights follow from the seed and the model."""
    from vaelab.models.autoencoders import model_name  # local: avoids a cycle with models.save

    return {
        "data": data,
        "model": model_name(model),
        "config": model.config,
        "train_config": asdict(cfg),
        "corrupt_inputs": corrupted,
        # a checkpoint's history must have this vaelab's columns to be continued
        "history_fields": HISTORY_FIELDS,
    }


def _mismatch(ckpt: dict, fingerprint: dict) -> str | None:
    """Why the checkpoint does not belong to the training of `fingerprint`, in words; None
    when it does."""
    words = {
        "data": "training or validation data",
        "model": "model",
        "config": "model settings",
        "train_config": "training settings",
        "corrupt_inputs": "input masking",
        "history_fields": "history columns",
    }
    saved = ckpt.get("fingerprint")
    if not isinstance(saved, dict):
        return "it records no fingerprint of its training (an older vaelab wrote it)"
    differs = [words[k] for k in fingerprint if saved.get(k) != fingerprint[k]]
    return f"it was written for other {', '.join(differs)}" if differs else None


def _resume_or_set_aside(checkpoint_path: Path, fingerprint: dict, device) -> dict | None:
    """The checkpoint at `checkpoint_path` if it belongs to this training, else None. One that
    belongs to another training (other data or settings) is renamed to <name>.stale.pt, with
    one line on stderr saying why, so that the training starts from scratch."""
    ckpt = load_torch(
        checkpoint_path,
        what="training checkpoint",
        map_location=device,
        remedy="delete it; the training job then starts from scratch",
    )
    why = _mismatch(ckpt, fingerprint)
    if why is None:
        return ckpt
    stale = checkpoint_path.with_name(f"{checkpoint_path.stem}.stale{checkpoint_path.suffix}")
    checkpoint_path.replace(stale)
    print(f"not resuming from {checkpoint_path}: {why}; moved to {stale}, training from scratch", file=sys.stderr)
    return None


def train(
    model,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    cfg: TrainConfig,
    checkpoint_path: str | Path | None = None,
    corrupt: Callable[[torch.Tensor], torch.Tensor] | None = None,
    progress: bool = True,
    stop_after_epoch: int | None = None,
) -> list[dict]:
    """Train `model` in place with AdamW; return the per-epoch history.

    Tensors must already be on the model's device. `corrupt(x)` (optional) makes the
    encoder's input from a clean batch, e.g. by masking pixels; the loss is always
    against the clean batch. `stop_after_epoch` simulates a crash, for tests.
    """
    from vaelab.models.autoencoders import model_name  # local: avoids a cycle with models.save

    prepare_cpu_training(model)
    device = x_train.device
    if cfg.precision == "bfloat16" and not has_native_bfloat16(device):
        print(
            f"warning: precision bfloat16 on {device}, which has no native bfloat16: it is emulated"
            " and slower than float32",
            file=sys.stderr,
        )
    optimizer = adamw(model.parameters(), cfg.lr, cfg.weight_decay)
    history: list[dict] = []
    start_epoch = 1
    fingerprint = None
    if checkpoint_path is not None:
        checkpoint_path = Path(checkpoint_path)
        fingerprint = training_fingerprint(model, cfg, data_hash(x_train, y_train, x_val, y_val), corrupt is not None)
        ckpt = _resume_or_set_aside(checkpoint_path, fingerprint, device) if checkpoint_path.exists() else None
        if ckpt is not None:
            model.load_state_dict(ckpt["state_dict"])
            optimizer.load_state_dict(ckpt["optimizer"])
            history = list(ckpt["history"])
            start_epoch = ckpt["epoch"] + 1
            print(f"resuming from {checkpoint_path} after epoch {ckpt['epoch']}", file=sys.stderr)

    n = len(x_train)
    n_batches = math.ceil(n / cfg.batch_size)
    tracker = EpochProgress(
        f"train {model_name(model)} z={model.latent_dim}", cfg.epochs, start_epoch - 1, enabled=progress
    )
    for epoch in range(start_epoch, cfg.epochs + 1):
        t0 = time.perf_counter()
        torch.manual_seed(epoch_seed(cfg.seed, epoch))
        model.train()
        perm = torch.randperm(n, device=x_train.device)
        sums = torch.zeros(3, device=x_train.device)  # loss, recon, kl; summed on device to avoid syncs
        for b in range(n_batches):
            idx = perm[b * cfg.batch_size : (b + 1) * cfg.batch_size]
            # index_select copies whole rows; x[idx] indexes element by element
            # (docs/performance.md#batches-gathered-with-index_select)
            xb, yb = x_train.index_select(0, idx), y_train.index_select(0, idx)
            x_in = corrupt(xb) if corrupt is not None else xb
            with autocast(device, cfg.precision):
                out = model(x_in, yb)
            terms = loss_terms(as_float32(out), xb, cfg.recon_loss, cfg.beta)
            optimizer.zero_grad(set_to_none=True)
            terms["loss"].backward()
            optimizer.step()
            sums += torch.stack([terms["loss"].detach(), terms["recon"].detach(), terms["kl"].detach()]) * len(idx)
        train_loss, train_recon, train_kl = (sums / n).tolist()
        val = evaluate_loss(model, x_val, y_val, cfg)
        row = {
            "epoch": epoch,
            "train_loss": train_loss,
            "train_recon": train_recon,
            "train_kl": train_kl,
            "val_loss": val["loss"],
            "val_recon": val["recon"],
            "val_kl": val["kl"],
            "val_recon_mean_z": val["recon_mean_z"],
            "val_mse": val["mse"],
        }
        history.append(row)
        # the epoch's time goes to the log line only: results of the same seed are the same bytes
        tracker.end_epoch(time.perf_counter() - t0, loss=f"{train_loss:.2f}", val_mse=f"{val['mse']:.4f}")
        if checkpoint_path is not None:
            atomic_torch_save(
                {
                    "name": model_name(model),
                    "config": model.config,
                    "train_config": asdict(cfg),
                    "fingerprint": fingerprint,
                    "state_dict": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "epoch": epoch,
                    "history": history,
                },
                checkpoint_path,
            )
        if stop_after_epoch is not None and epoch >= stop_after_epoch:
            raise KeyboardInterrupt(f"stopped after epoch {epoch} (simulated crash)")
    tracker.close()
    model.eval()
    return history
