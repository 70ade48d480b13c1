"""A/B of the speed devices on the publication's job shape: one training run of an MLP VAE
(z=20, hidden 400, batch 1024, one thread) with one device switched off.

    python -m benchmarks.speed_devices {none,adamw,malloc,denormals}

prints the CPU milliseconds a step. Run the variants interleaved, several rounds, on an idle
host (docs/performance.md#speed-devices-stay-only-while-they-pay)."""

import sys
import time

import torch

import vaelab.train.cpu as cpu
import vaelab.train.loop as loop
from vaelab import models

STEPS_PER_EPOCH, EPOCHS = 20, 4


def main(variant: str) -> None:
    torch.set_num_threads(1)
    if variant == "adamw":  # the default foreach AdamW instead of the fused kernel
        loop.adamw = lambda params, lr, weight_decay: torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    elif variant == "malloc":
        cpu.reuse_freed_memory = lambda *a, **k: False
    elif variant == "denormals":
        cpu.flush_denormals = lambda: False
    elif variant != "none":
        raise SystemExit(f"unknown variant {variant!r}; choose none, adamw, malloc or denormals")
    generator = torch.Generator().manual_seed(0)
    n = STEPS_PER_EPOCH * 1024
    x = torch.rand(n, 784, generator=generator)
    y = torch.randint(0, 10, (n,), generator=generator)
    model = models.build("vae", latent_dim=20, arch="mlp", hidden=[400])
    cfg = loop.TrainConfig(
        epochs=EPOCHS,
        batch_size=1024,
        lr=1e-3,
        weight_decay=0.01,
        beta=1.0,
        recon_loss="mse",
        seed=0,
        precision="float32",
    )
    start = time.process_time()
    loop.train(model, x, y, x[:1024], y[:1024], cfg, progress=False)
    print(f"{variant} {(time.process_time() - start) / (EPOCHS * STEPS_PER_EPOCH) * 1000:.2f} ms/step")


if __name__ == "__main__":
    main(sys.argv[1])
