"""Training throughput: vaelab's trainer (tensors in memory) against the tutorial loop
(torchvision MNIST + ToTensor + DataLoader), same model, same loss, AdamW with the same
settings. vaelab's trainer also uses the fused AdamW kernel, NHWC conv weights and a malloc
that keeps freed activations, and its model's own CPU layers (vaelab.models.conv, in-place ReLUs, the
conv VAE's channels-last flatten order); the tutorial loop uses the same network in stock
torch.nn layers and PyTorch's defaults, as tutorials do.

Both process the same number of batches of the same size; each is warmed up first. Each
timing runs in a fresh Python process, so neither inherits the other's process-wide state
(vaelab's trainer tunes glibc's malloc, see vaelab.train.cpu.reuse_freed_memory; the tutorial
loop must run with the defaults a tutorial gets).
"""

from __future__ import annotations

import gzip
import itertools
import shutil
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import torch

from vaelab.data.datasets import SPLIT_FILES

VAL_SAMPLES = 512  # vaelab's train() scores a validation set every epoch; keep that small here


def torchvision_root(data_dir: str | Path, root: str | Path) -> Path:
    """Decompress the repo's gzip'd IDX files to <root>/MNIST/raw/<name>, the layout
    torchvision.datasets.MNIST reads without downloading (it only checks the files exist)."""
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in SPLIT_FILES.values():
        dest = raw / name
        if not dest.exists():
            with gzip.open(Path(data_dir) / f"{name}.gz", "rb") as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
    return Path(root)


def load_tensors(data_dir: str | Path, val_size: int = 6000, seed: int = 0) -> dict[str, torch.Tensor]:
    """The pipeline's split as tensors (x_train (54,000, 784) float32 in [0, 1], ...)."""
    from vaelab.data.datasets import load_split_files, make_split

    split = make_split(load_split_files(data_dir, "mnist"), val_size=val_size, seed=seed)
    return {k: torch.from_numpy(v) for k, v in split.items() if k[0] in "xy"}


def vae_model(arch: str, latent: int, hidden: list[int], seed: int = 0):
    from vaelab.models.autoencoders import build

    torch.manual_seed(seed)
    return build("vae", latent_dim=latent, arch=arch, hidden=hidden)


def stock_layers(model):
    """`model` (in place) as a tutorial writes the network: vaelab.models.conv.ConvTranspose2d swapped for
    nn.ConvTranspose2d with the same weights, ReLUs out of place. The feature map's flatten order is
    the model's: build it with flatten_order="chw" for nn.Flatten's."""
    from torch import nn

    from vaelab.models.conv import ConvTranspose2d

    for module in list(model.modules()):
        for name, child in module.named_children():
            if isinstance(child, ConvTranspose2d):
                stock = nn.ConvTranspose2d(
                    child.in_channels,
                    child.out_channels,
                    child.kernel_size,
                    child.stride,
                    child.padding,
                    child.output_padding,
                )
                stock.load_state_dict(child.state_dict())
                setattr(module, name, stock)
            elif isinstance(child, nn.ReLU):
                child.inplace = False
    return model


def tutorial_model(arch: str, latent: int, hidden: list[int], seed: int = 0):
    """The same network as `vae_model` (architecture, sizes, initialisation), in stock torch.nn layers
    and nn.Flatten's (channel, height, width) order: vaelab's own layers are part of what is measured."""
    from vaelab.models.autoencoders import build

    torch.manual_seed(seed)
    kwargs = {"flatten_order": "chw"} if arch == "conv" else {}
    return stock_layers(build("vae", latent_dim=latent, arch=arch, hidden=hidden, **kwargs))


def time_vaelab(
    tensors: dict,
    arch: str,
    latent: int,
    hidden: list[int],
    batch_size: int,
    n_batches: int,
    warmup_batches: int = 2,
    precision: str = "float32",
) -> float:
    """Seconds for vaelab.train.loop.train to run one epoch of n_batches batches (after a warm-up epoch)."""
    from vaelab.train.loop import TrainConfig, train

    # the publication's optimiser and loss (config/config.yaml `training`); speed does not depend on them
    cfg = TrainConfig(
        epochs=1,
        batch_size=batch_size,
        lr=1e-3,
        weight_decay=0.01,
        beta=1.0,
        recon_loss="mse",
        seed=0,
        precision=precision,
    )
    model = vae_model(arch, latent, hidden)
    x, y = tensors["x_train"], tensors["y_train"]
    xv, yv = tensors["x_val"][:VAL_SAMPLES], tensors["y_val"][:VAL_SAMPLES]
    n = batch_size * n_batches
    if n > len(x):
        raise ValueError(f"{n_batches} batches of {batch_size} need {n} samples, have {len(x)}")
    warm = batch_size * warmup_batches
    train(model, x[:warm], y[:warm], xv, yv, cfg, progress=False)
    t0 = time.perf_counter()
    train(model, x[:n], y[:n], xv, yv, cfg, progress=False)
    return time.perf_counter() - t0


def tutorial_dataset(root: str | Path):
    """torchvision's MNIST training set as a tutorial makes it (PIL images -> ToTensor)."""
    from torchvision import datasets, transforms

    return datasets.MNIST(root, train=True, transform=transforms.ToTensor(), download=False)


def tutorial_loss(recon, mu, logvar, x):
    """The VAE loss as PyTorch's examples/vae writes it (MSE in place of BCE), divided by the
    batch size so it equals vaelab's per-image loss (vaelab.train.losses.loss_terms, beta 1)."""
    import torch.nn.functional as F

    mse = F.mse_loss(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (mse + kld) / len(x)


def time_tutorial(
    dataset, arch: str, latent: int, hidden: list[int], batch_size: int, n_batches: int, warmup_batches: int = 2
) -> float:
    """Seconds for the tutorial loop to train on n_batches batches (after warm-up batches)."""
    from torch.utils.data import DataLoader

    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True)
    model = tutorial_model(arch, latent, hidden)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)  # PyTorch's default kernel
    model.train()

    def step(x, y):
        x = x.view(x.size(0), -1)
        loss = tutorial_loss(*model(x, y), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    # one endless stream of batches across epochs, as a tutorial's `for epoch: for x, y in loader:`
    batches = itertools.chain.from_iterable(itertools.repeat(loader))
    for x, y in itertools.islice(batches, warmup_batches):
        step(x, y)
    t0 = time.perf_counter()
    for x, y in itertools.islice(batches, n_batches):
        step(x, y)
    return time.perf_counter() - t0


def time_tutorial_data(dataset, batch_size: int, n_batches: int, warmup_batches: int = 2) -> float:
    """Seconds the tutorial's DataLoader alone takes to yield n_batches batches: the part of its
    loop that holding the data as tensors removes."""
    from torch.utils.data import DataLoader

    batches = itertools.chain.from_iterable(itertools.repeat(DataLoader(dataset, batch_size=batch_size, shuffle=True)))
    for _ in itertools.islice(batches, warmup_batches):
        pass
    t0 = time.perf_counter()
    for _ in itertools.islice(batches, n_batches):
        pass
    return time.perf_counter() - t0


def _with_threads(threads: int, fn, args: tuple):
    torch.set_num_threads(threads)
    return fn(*args)


def in_fresh_process(fn, *args):
    """fn(*args) run in a new Python process (spawned, not forked) with this process's torch
    thread count; its return value."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_with_threads, torch.get_num_threads(), fn, args).result()


def ratio_range(vaelab_s: list[float], tutorial_s: list[float]) -> tuple[float, float]:
    """Lowest and highest vaelab/tutorial speed ratio over the repeats, each repeat's two timings
    taken back to back: how far the machine's drift moves the ratio (the report's ratio is the
    ratio of the medians)."""
    ratios = [t / v for v, t in zip(vaelab_s, tutorial_s, strict=True)]
    return min(ratios), max(ratios)


def measure(
    tensors: dict,
    dataset,
    arch: str,
    latent: int,
    hidden: list[int],
    batch_size: int,
    n_batches: int,
    repeats: int = 1,
    warmup_batches: int = 2,
    bfloat16: bool = False,
) -> dict:
    """samples/s of both loops (median over repeats, the two interleaved) and their ratio.

    With `bfloat16`, also vaelab's trainer at precision bfloat16 (mixed precision, opt-in) and its
    ratio to the same float32 tutorial loop: `vaelab_bf16_samples_per_s`, `ratio_bf16`.

    Also the tutorial's data loading alone, and from it the ratio a trainer would reach by
    removing the data loading and nothing else (`data_only_ratio` = tutorial time / its time
    without the loader): where that is far below 2x, the loop is compute-bound and the
    rest of any speed-up has to come from the compute itself.
    """
    n = batch_size * n_batches  # samples timed; only these go to the child process
    needed = {
        "x_train": tensors["x_train"][:n],
        "y_train": tensors["y_train"][:n],
        "x_val": tensors["x_val"][:VAL_SAMPLES],
        "y_val": tensors["y_val"][:VAL_SAMPLES],
    }
    vaelab_s, tutorial_s, data_s, bf16_s = [], [], [], []
    for _ in range(repeats):
        vaelab_s.append(
            in_fresh_process(time_vaelab, needed, arch, latent, hidden, batch_size, n_batches, warmup_batches)
        )
        tutorial_s.append(
            in_fresh_process(time_tutorial, dataset, arch, latent, hidden, batch_size, n_batches, warmup_batches)
        )
        data_s.append(in_fresh_process(time_tutorial_data, dataset, batch_size, n_batches, warmup_batches))
        if bfloat16:
            bf16_s.append(
                in_fresh_process(
                    time_vaelab, needed, arch, latent, hidden, batch_size, n_batches, warmup_batches, "bfloat16"
                )
            )
    v = n / statistics.median(vaelab_s)
    t = n / statistics.median(tutorial_s)
    data_share = min(statistics.median(data_s) / statistics.median(tutorial_s), 0.999)
    row = {
        "arch": arch,
        "latent": latent,
        "hidden": hidden,
        "batch_size": batch_size,
        "n_batches": n_batches,
        "repeats": repeats,
        "vaelab_samples_per_s": v,
        "tutorial_samples_per_s": t,
        "ratio": v / t,
        "ratio_range": ratio_range(vaelab_s, tutorial_s),
        "tutorial_data_share": data_share,
        "data_only_ratio": 1 / (1 - data_share),
    }
    if bfloat16:
        row["vaelab_bf16_samples_per_s"] = n / statistics.median(bf16_s)
        row["ratio_bf16"] = row["vaelab_bf16_samples_per_s"] / t
    return row
