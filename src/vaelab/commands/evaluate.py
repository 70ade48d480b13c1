"""`vaelab evaluate`: test metrics, latent means and anomaly scores of one trained model."""

from __future__ import annotations

import json
import sys


def evaluate(args) -> None:
    import torch

    from vaelab import models
    from vaelab.analysis.metrics import test_metrics
    from vaelab.data.datasets import load_split
    from vaelab.io import atomic_savez, load_torch, write_json
    from vaelab.train.history import read_history

    ckpt = load_torch(args.model_path, what="model")
    model = models.from_checkpoint(ckpt, args.model_path)
    split = load_split(args.split, parts=("test",))
    x_test, y_test = torch.from_numpy(split["x_test"]), torch.from_numpy(split["y_test"])
    recon_kind = ckpt["train_config"]["recon_loss"]
    metrics, mu = test_metrics(model, x_test, y_test, recon_kind, args.elbo_samples, args.seed)
    history = read_history(args.history)
    metrics.update(
        model=ckpt["name"],
        latent_dim=model.latent_dim,
        arch=model.config["arch"],
        hidden=model.config["hidden"],
        val_mse=history[-1]["val_mse"] if history else None,
        epochs=len(history),
        n_parameters=models.n_parameters(model),
    )
    write_json(args.out_metrics, metrics)
    atomic_savez(args.out_latents, mu=mu.astype("float32"), labels=split["y_test"])
    if args.out_anomaly_scores:
        from vaelab.analysis.anomaly import anomaly_scores
        from vaelab.data.datasets import load_outside

        x_outside, y_outside = load_outside(args.outside_dataset, args.outside_dir)
        inside, outside = (
            anomaly_scores(model, x, recon_kind, args.elbo_samples, args.seed) for x in (split["x_test"], x_outside)
        )
        atomic_savez(
            args.out_anomaly_scores,
            inside=inside["mse"],
            inside_labels=split["y_test"],
            outside=outside["mse"],
            outside_labels=y_outside,
            **(
                {"inside_neg_elbo": inside["neg_elbo"], "outside_neg_elbo": outside["neg_elbo"]}
                if "neg_elbo" in inside
                else {}
            ),
        )
    print(json.dumps({k: metrics[k] for k in ("test_mse", "val_mse", "epochs")}), file=sys.stderr)


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="test metrics and latent means of one trained model")
    p.add_argument("--split", required=True)
    p.add_argument("--model-path", required=True)
    p.add_argument("--history", required=True)
    p.add_argument("--elbo-samples", type=int, required=True, help="draws of z per image in each -ELBO")
    p.add_argument("--seed", type=int, required=True, help="seeds the draws of z")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out-metrics", required=True)
    p.add_argument("--out-latents", required=True)
    p.add_argument("--outside-dir", default=None, help="the out-of-distribution set, scored with --out-anomaly-scores")
    p.add_argument("--outside-dataset", default=None, help="which known set it is: emnist-letters or mnist")
    p.add_argument(
        "--out-anomaly-scores",
        default=None,
        help="npz of per-image reconstruction errors of the test images and the outside set (vaelab.analysis.anomaly)",
    )
    p.set_defaults(func=evaluate)
