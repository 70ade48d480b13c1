"""A small CNN that recognises digits, used to score images the generative models make.

`vaelab train-classifier --split <split.npz> ...` trains it on the split's training images and
writes a self-describing checkpoint plus its test accuracy. Two 3x3 conv +
max-pool stages and one dense layer (the shape of PyTorch's examples/mnist, smaller) reach
about 99% test accuracy on MNIST in a few epochs on a CPU.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from vaelab.models.autoencoders import IMAGE_SIDE, N_CLASSES
from vaelab.train.cpu import prepare_cpu_training
from vaelab.train.device import adamw, pick_device
from vaelab.train.progress import EpochProgress


class DigitCNN(nn.Module):
    """conv(1->c1, 3) + maxpool + ReLU, conv(c1->c2, 3) + maxpool + ReLU, dense, 10 logits.

    Pooling before the ReLU computes the same function and gradients as the usual ReLU then
    pooling (max and ReLU commute: ReLU never lowers an order), on a 4x smaller tensor
    (docs/performance.md#classifier-pools-before-its-relu). The state dict is the same either way.
    """

    def __init__(self, channels: list[int] | tuple[int, int], dense: int):
        """`channels` of the two conv layers and `dense` units: the config's `classifier` settings."""
        super().__init__()
        c1, c2 = (int(c) for c in channels)
        self.config = {"channels": [c1, c2], "dense": int(dense)}
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3),
            nn.MaxPool2d(2),
            nn.ReLU(inplace=True),  # 28 -> 26 -> 13
            nn.Conv2d(c1, c2, 3),
            nn.MaxPool2d(2),
            nn.ReLU(inplace=True),  # 13 -> 11 -> 5
            nn.Flatten(),
        )
        self.head = nn.Sequential(nn.Linear(c2 * 5 * 5, dense), nn.ReLU(), nn.Linear(dense, N_CLASSES))

    def forward(self, x):
        """Logits for images of shape (n, 784) or (n, 1, 28, 28)."""
        return self.head(self.features(x.reshape(-1, 1, IMAGE_SIDE, IMAGE_SIDE)))


@dataclass(frozen=True)
class ClassifierConfig:
    """The classifier's training settings (config.yaml `classifier`, and the study's seed)."""

    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    seed: int

    def __post_init__(self):
        for key in ("epochs", "batch_size"):
            if getattr(self, key) < 1:
                raise ValueError(f"classifier.{key} must be at least 1, got {getattr(self, key)}")


def train_classifier(
    model: DigitCNN, x: torch.Tensor, y: torch.Tensor, cfg: ClassifierConfig, progress: bool = True
) -> list[float]:
    """Train `model` in place with AdamW and cross-entropy; return the mean loss of each epoch.

    `x` (n, 784) and `y` (n,) must already be on the model's device. The shuffle is drawn
    from a generator seeded with cfg.seed, so a run is repeatable.
    """
    prepare_cpu_training(model)
    optimizer = adamw(model.parameters(), cfg.lr, cfg.weight_decay)
    gen = torch.Generator(device="cpu").manual_seed(cfg.seed)
    x = x.reshape(-1, 1, IMAGE_SIDE, IMAGE_SIDE)
    n = len(x)
    n_batches = math.ceil(n / cfg.batch_size)
    losses = []
    tracker = EpochProgress("train classifier", cfg.epochs, units_per_epoch=n_batches, unit="batch", enabled=progress)
    model.train()
    for _ in range(cfg.epochs):
        perm = torch.randperm(n, generator=gen).to(x.device)
        total = torch.zeros((), device=x.device)
        for b in range(n_batches):
            idx = perm[b * cfg.batch_size : (b + 1) * cfg.batch_size]
            loss = F.cross_entropy(model(x.index_select(0, idx)), y.index_select(0, idx))  # as in training.train
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(idx)
            tracker.advance()
        losses.append(total.item() / n)
        tracker.end_epoch(loss=f"{losses[-1]:.4f}")
    tracker.close()
    model.eval()
    return losses


@torch.no_grad()
def predict_proba(model: DigitCNN, x, batch_size: int = 2048) -> np.ndarray:
    """Class probabilities (n, 10) for images x, (n, 784) or (n, 1, 28, 28), numpy or torch."""
    model.eval()
    device = next(model.parameters()).device
    x = torch.as_tensor(np.asarray(x, dtype=np.float32) if not torch.is_tensor(x) else x, dtype=torch.float32)
    out = [F.softmax(model(x[i : i + batch_size].to(device)), dim=1).cpu() for i in range(0, len(x), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, N_CLASSES), dtype=np.float32)


def accuracy(model: DigitCNN, x, y) -> float:
    return float((predict_proba(model, x).argmax(axis=1) == np.asarray(y)).mean())


def save_classifier(model: DigitCNN, path: str | Path, extra: dict | None = None) -> None:
    from vaelab.io import atomic_torch_save

    atomic_torch_save({"config": model.config, "state_dict": model.state_dict(), **(extra or {})}, path)


def load_classifier(path: str | Path, map_location="cpu") -> DigitCNN:
    """Rebuild the classifier from a checkpoint written by `save_classifier`, in eval mode."""
    from vaelab.io import load_torch

    ckpt = load_torch(path, what="classifier", map_location=map_location)
    model = DigitCNN(**ckpt["config"])
    model.load_state_dict(ckpt["state_dict"])
    return model.eval()


def train_and_save(
    split_path: str, cfg: ClassifierConfig, architecture: dict, device: str, out_model: str, out_metrics: str
) -> None:
    """Train the classifier on the split's training images (`vaelab train-classifier`) and write
    the self-describing checkpoint and its metrics; `architecture` is DigitCNN's (channels, dense)."""
    from vaelab.data.datasets import load_split
    from vaelab.io import write_json

    device = pick_device(device)
    split = load_split(split_path)
    x_train = torch.from_numpy(split["x_train"]).reshape(-1, 1, IMAGE_SIDE, IMAGE_SIDE).to(device)
    y_train = torch.from_numpy(split["y_train"]).to(device)
    torch.manual_seed(cfg.seed)  # weight initialisation
    model = DigitCNN(**architecture).to(device)
    print(f"device={device} threads={torch.get_num_threads()} n_train={len(x_train)}", file=sys.stderr)
    t0 = time.perf_counter()
    losses = train_classifier(model, x_train, y_train, cfg)
    seconds = time.perf_counter() - t0
    metrics = {
        "test_accuracy": accuracy(model, split["x_test"], split["y_test"]),
        "val_accuracy": accuracy(model, split["x_val"], split["y_val"]),
        "epochs": cfg.epochs,  # no wall-clock time: the same seed gives the same bytes
        "train_loss": losses,
        "n_train": int(len(x_train)),
        "n_test": int(len(split["x_test"])),
        "n_parameters": sum(p.numel() for p in model.parameters()),
        "device": str(device),
        "config": model.config,
        "train_config": asdict(cfg),
    }
    save_classifier(
        model.cpu(), out_model, extra={"train_config": asdict(cfg), "test_accuracy": metrics["test_accuracy"]}
    )
    write_json(out_metrics, metrics)
    print(f"test accuracy {metrics['test_accuracy']:.4f} after {cfg.epochs} epochs in {seconds:.1f}s", file=sys.stderr)
