"""Floating-point work of training, counted from a model's layer sizes, and the machine's matmul rate.

Counting convention (the usual one, e.g. Kaplan et al. 2020, sec. 2.1): a multiply-add is
2 FLOPs; only Linear and convolution layers count (activations, losses, biases and the
optimizer are a few percent at most); a training step costs 3x the forward pass (forward,
gradient w.r.t. activations, gradient w.r.t. weights).

- Linear(in, out): 2 * in * out per output row.
- Conv2d: 2 * (Cin / groups) * Cout * kh * kw * Hout * Wout.
- ConvTranspose2d: every *input* pixel is scattered through the kernel, so
  2 * Cin * (Cout / groups) * kh * kw * Hin * Win. (Using Hout * Wout, as for Conv2d,
  would count a stride-2 layer 4x too high.)

The convention overstates what a training step executes: autograd computes no gradient for
the data, so a layer whose input is the data (the encoder's first layer) costs 2x its
forward pass, not 3x. `executed_flops_per_sample` counts that way. For the MLP VAE at latent
20 the first layer is 48% of the forward work, so the executed FLOPs are 84% of the
convention's; for the conv VAE, 99.6%. The benchmark reports both.
"""

from __future__ import annotations

import math
import statistics
import time

import torch
from torch import nn

TRAIN_FACTOR = 3  # forward + backward (two matmuls per layer) = 3 forward passes


def _layer_flops(module: nn.Module, inputs: tuple, output: torch.Tensor) -> int:
    """FLOPs of one forward call of `module` on a whole batch."""
    if isinstance(module, nn.Linear):
        rows = output.numel() // module.out_features
        return 2 * module.in_features * module.out_features * rows
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        per_out = 2 * (module.in_channels // module.groups) * kh * kw
        return per_out * output.numel()  # output.numel() = batch * Cout * Hout * Wout
    if isinstance(module, nn.ConvTranspose2d):
        kh, kw = module.kernel_size
        per_in = 2 * (module.out_channels // module.groups) * kh * kw
        return per_in * inputs[0].numel()  # batch * Cin * Hin * Win
    return 0


COUNTED = (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)


def example_inputs(model: nn.Module, batch: int = 2, n_pixels: int = 784) -> tuple:
    """A dummy batch for a vaelab model (images, plus labels for a conditional model)."""
    x = torch.rand(batch, n_pixels)
    if getattr(model, "conditional", False):
        return x, torch.zeros(batch, dtype=torch.long)
    return (x,)


def _count_flops(model: nn.Module, inputs: tuple | None, factor) -> int:
    """Per sample: the sum over every counted layer of factor(its input) x its forward FLOPs,
    from forward hooks on a dummy batch (run in whatever grad mode the caller set)."""
    inputs = example_inputs(model) if inputs is None else inputs
    batch = len(inputs[0])
    total = 0

    def hook(module, args, output):
        nonlocal total
        total += factor(args[0]) * _layer_flops(module, args, output)

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, COUNTED)]
    was_training = model.training
    try:
        model.eval()  # same layers either way; eval avoids sampling noise and batch-norm updates
        model(*inputs)
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    if total % batch:
        raise AssertionError(f"FLOPs {total} of a batch of {batch} do not split evenly per sample")
    return total // batch


@torch.no_grad()
def forward_flops_per_sample(model: nn.Module, inputs: tuple | None = None) -> int:
    """FLOPs of one forward pass per sample."""
    return _count_flops(model, inputs, lambda x: 1)


@torch.enable_grad()  # each layer's input needs a gradient exactly as in training
def executed_flops_per_sample(model: nn.Module, inputs: tuple | None = None) -> int:
    """FLOPs one training step executes per sample: 3x the forward work of a layer whose input
    needs a gradient, 2x where it does not (the data: only the weight gradient is computed)."""
    return _count_flops(model, inputs, lambda x: TRAIN_FACTOR if x.requires_grad else TRAIN_FACTOR - 1)


def flops_per_sample(model: nn.Module, inputs: tuple | None = None) -> int:
    """FLOPs of one training step per sample: 3 x the forward pass (see the module docstring)."""
    return TRAIN_FACTOR * forward_flops_per_sample(model, inputs)


def matmul_gflops(n: int = 2048, repeats: int = 10, warmup: int = 2, dtype: torch.dtype = torch.float32) -> dict:
    """Measured torch.mm rate of n x n matrices (float32 unless `dtype`) at torch's current
    thread count.

    Returns best and median GFLOP/s; the best is the ceiling the training is compared with.
    """
    g = torch.Generator().manual_seed(0)
    a = torch.rand(n, n, generator=g).to(dtype)
    b = torch.rand(n, n, generator=g).to(dtype)
    out = torch.empty(n, n, dtype=dtype)
    for _ in range(warmup):
        torch.mm(a, b, out=out)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b, out=out)
        times.append(time.perf_counter() - t0)
    work = 2 * n**3
    return {
        "n": n,
        "repeats": repeats,
        "threads": torch.get_num_threads(),
        "best_gflops": work / min(times) / 1e9,
        "median_gflops": work / statistics.median(times) / 1e9,
    }


# --- the compute floor of a whole configuration ------------------------------------------


def training_jobs(config: dict, n_train: int) -> list[dict]:
    """Every training job of a vaelab config: job name, model, builder arguments, epochs, samples.

    Mirrors workflow/rules/train.smk: one job per model x latent size x seed (with the model's
    `overrides`), the masked VAE at latent 20 (else the largest latent) with the VAE's
    settings, and the digit classifier (the config's `classifier`). Each trains on the
    split's `n_train` images for its epochs.
    """

    def settings(model):
        s = {**config["training"], **config.get("overrides", {}).get(model, {})}
        return {"arch": s["arch"], "hidden": list(s["hidden"])}, int(s["epochs"])

    jobs = []
    seeds = config.get("seeds", [0])  # every model is trained once per seed, as its benchmark file is named
    for name in config["models"]:
        kwargs, epochs = settings(name)
        for latent in config["latent_sizes"]:
            for seed in seeds:
                jobs.append(
                    {
                        "job": f"{name}_z{latent}_seed{seed}",
                        "model": name,
                        "kwargs": {"latent_dim": latent, **kwargs},
                        "epochs": epochs,
                        "samples": n_train,
                    }
                )
    latent = 20 if 20 in config["latent_sizes"] else max(config["latent_sizes"])
    kwargs, epochs = settings("vae")
    for seed in seeds:
        jobs.append(
            {
                "job": f"imputation_vae_z{latent}_seed{seed}",
                "model": "vae",
                "kwargs": {"latent_dim": latent, **kwargs},
                "epochs": epochs,
                "samples": n_train,
            }
        )
    jobs.append(
        {
            "job": "train_classifier",
            "model": "classifier",
            "kwargs": {"channels": list(config["classifier"]["channels"]), "dense": config["classifier"]["dense"]},
            "epochs": int(config["classifier"]["epochs"]),
            "samples": n_train,
        }
    )
    return jobs


def build_job_model(job: dict) -> nn.Module:
    if job["model"] == "classifier":
        from vaelab.models.classifier import DigitCNN

        return DigitCNN(**job["kwargs"])
    from vaelab.models.autoencoders import build

    return build(job["model"], **job["kwargs"])


def training_flops(jobs: list[dict]) -> list[dict]:
    """Each job with its flops_per_sample and total training FLOPs (epochs x samples x
    per-sample), by the convention and as executed (see the module docstring)."""
    rows = []
    for job in jobs:
        model = build_job_model(job)
        per_sample, executed = flops_per_sample(model), executed_flops_per_sample(model)
        n = job["epochs"] * job["samples"]
        rows.append(
            {
                **job,
                "flops_per_sample": per_sample,
                "flops": per_sample * n,
                "executed_flops_per_sample": executed,
                "executed_flops": executed * n,
            }
        )
    return rows


def compute_floor_seconds(total_flops: float, gflops: float) -> float:
    """Seconds the work would take at the matmul ceiling (no job can beat this)."""
    if gflops <= 0 or not math.isfinite(gflops):
        raise ValueError(f"matmul rate must be positive, got {gflops}")
    return total_flops / (gflops * 1e9)
