"""Process-wide CPU settings of a training process, in one place and applied once by
`prepare_cpu_training`: a training loop (the VAEs' or the classifier's) cannot get some and
miss others. Each stays only while it measurably pays on a real job
(docs/performance.md#speed-devices-stay-only-while-they-pay)."""

from __future__ import annotations

import torch


def prefer_channels_last(model):
    """Store conv weights as NHWC, the layout oneDNN's CPU convolutions run fastest in (for
    arch conv; a no-op for MLPs, which have no 4-D weights). Same outputs, other memory order."""
    return model.to(memory_format=torch.channels_last)


# Freed blocks below this size stay in malloc's heap for reuse (larger ones are unmapped); see reuse_freed_memory.
MALLOC_KEEP_MIB = 32  # the most glibc accepts for its mmap threshold on 64-bit


def reuse_freed_memory(keep_mib: int = MALLOC_KEEP_MIB) -> bool:
    """Ask glibc's malloc to keep freed blocks of up to `keep_mib` MiB for reuse and never to
    trim its heap, so that a conv VAE's large activations are not page-faulted in afresh every
    step (docs/performance.md#glibc-malloc-keeps-freed-memory). Process-wide; returns False
    where malloc is not glibc's.
    """
    import ctypes

    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    never = -1  # mallopt(3): a trim threshold of -1 disables trimming
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    keep = int(keep_mib) << 20
    return bool(mallopt(m_mmap_threshold, keep)) and bool(mallopt(m_trim_threshold, never))


def flush_denormals() -> bool:
    """Have the CPU treat float32 denormals as zero. AdamW's moments of weights whose gradient
    stays zero (dead ReLU units) decay into denormals, on which x86 cores take a slow path:
    it once doubled an AE's epochs (docs/performance.md#denormals-flushed-to-zero). Returns
    False where the CPU cannot.
    """
    return torch.set_flush_denormal(True)


def prepare_cpu_training(model):
    """The process-wide and layout settings every vaelab training loop starts with: freed
    activations kept for reuse, denormals flushed, conv weights channels-last. One place, so
    a loop (the VAEs' or the classifier's) cannot get some and miss others."""
    reuse_freed_memory()
    flush_denormals()
    return prefer_channels_last(model)


def has_native_bfloat16(device: torch.device) -> bool:
    """Whether `device` multiplies bfloat16 in hardware (CPU: AVX512-BF16 or AMX, via oneDNN).
    Where it does not, bfloat16 autocast is emulated and slower than float32."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a torch built without oneDNN
        return False
