"""`vaelab train`: train one autoencoder (AE, VAE or CVAE), resuming from its checkpoint."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict
from pathlib import Path

from vaelab.commands.arguments import add_optimizer_args


def _load_tensors(split_path, device, parts: tuple[str, ...]):
    import torch

    from vaelab.data.datasets import load_split

    split = load_split(split_path, parts)
    return {
        f"{kind}_{part}": torch.from_numpy(split[f"{kind}_{part}"]).to(device) for part in parts for kind in ("x", "y")
    }


def _train_config(args):
    from vaelab.train.loop import TrainConfig

    return TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        beta=args.beta,
        recon_loss=args.recon_loss,
        seed=args.seed,
        precision=args.precision,
    )


def train_model(args) -> None:
    import torch

    from vaelab import models
    from vaelab.data.masks import random_training_mask
    from vaelab.train.loop import pick_device, train, write_history

    device = pick_device(args.device)
    cfg = _train_config(args)
    t = _load_tensors(args.split, device, parts=("train", "val"))
    torch.manual_seed(cfg.seed)  # weight initialisation
    model = models.build(args.model, latent_dim=args.latent, arch=args.arch, hidden=args.hidden).to(device)
    corrupt = None
    if args.mask_inputs:
        corrupt = lambda xb: xb * random_training_mask(xb.shape, device=xb.device)  # noqa: E731
    print(f"device={device} threads={torch.get_num_threads()} params={models.n_parameters(model)}", file=sys.stderr)
    t0 = time.perf_counter()
    history = train(
        model, t["x_train"], t["y_train"], t["x_val"], t["y_val"], cfg, checkpoint_path=args.checkpoint, corrupt=corrupt
    )
    # no wall-clock time in the model file: the same seed gives the same bytes (Snakemake's
    # benchmark file holds the job's time)
    models.save(
        model.cpu(),
        args.out_model,
        extra={
            "train_config": asdict(cfg) | {"mask_inputs": bool(args.mask_inputs)},
            "epochs_trained": len(history),
        },
    )
    write_history(history, args.out_history)
    # the checkpoint only exists to survive a crash; the finished model supersedes it
    if args.checkpoint:
        Path(args.checkpoint).unlink(missing_ok=True)
    print(f"trained {args.model} z={args.latent} in {time.perf_counter() - t0:.1f}s (this run)", file=sys.stderr)


def add_train_args(p) -> None:
    add_optimizer_args(p)
    p.add_argument("--model", required=True)
    p.add_argument("--latent", type=int, required=True)
    p.add_argument("--arch", required=True)
    p.add_argument("--hidden", type=int, nargs="+", required=True)
    p.add_argument("--beta", type=float, required=True)
    p.add_argument("--recon-loss", required=True, help="mse or bce (vaelab.train.losses.RECON_LOSSES)")
    p.add_argument(
        "--precision",
        required=True,
        help="of the training forward pass (bfloat16: mixed precision, float32 weights)",
    )
    p.add_argument("--mask-inputs", action="store_true", help="train on randomly masked inputs (imputation model)")
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--out-history", required=True)


def register(sub) -> None:
    p = sub.add_parser("train", help="train one model")
    add_train_args(p)
    p.set_defaults(func=train_model)
