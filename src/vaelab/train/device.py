"""Where a training loop runs and the optimizer it steps with, shared by the autoencoders' loop
and the classifier's (apart from the loop, so that a change of the loss is not theirs)."""

from __future__ import annotations

import torch


def pick_device(prefer: str = "auto") -> torch.device:
    """The GPU when one is present (or asked for), else the CPU.

    Asked for "cuda" where torch sees no GPU, it stops with what to change, instead of torch's
    driver error at the first tensor moved. (Checked here, in the job, not when Snakemake
    starts: on a cluster the jobs may run on GPU nodes that the submitting machine is not.)"""
    if prefer == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(prefer)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device 'cuda' was asked for, but torch finds no usable GPU here "
            f"(torch {torch.__version__}, built for CUDA {torch.version.cuda}); "
            "set device: auto (the GPU when there is one) or cpu"
        )
    return device


def adamw(params, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW with the fused kernel: one pass over all parameters per step instead of a dozen
    elementwise ops per tensor (docs/performance.md#fused-adamw)."""
    return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, fused=True)
