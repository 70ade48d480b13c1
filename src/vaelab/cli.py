"""`python -m vaelab <command>`: the steps Snakemake's rules run.

Each command reads explicit paths and settings from its arguments and writes its
outputs atomically, so it can also be run by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path


def set_threads(n: int) -> None:
    """Cap torch, BLAS and OpenMP at the rule's thread count so parallel jobs never oversubscribe.

    The environment variables reach the libraries this process loads later (numpy's BLAS,
    torch and scikit-learn's OpenMP size their thread pools from them when first loaded), so
    `main` calls this before any command imports them; and they reach subprocesses (the
    notebook kernel). torch is only told directly if it is already imported: the t-SNE jobs
    and the notebook runner run no torch code and should not pay for importing it.
    """
    n = max(1, int(n))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


def cmd_prepare_data(args) -> None:
    from vaelab.data.datasets import load_split_files, make_split
    from vaelab.io import atomic_savez

    md5 = json.loads(args.md5_json) if args.md5_json else None
    raw = load_split_files(args.data_dir, args.dataset, md5)
    subset = {"train": args.subset_train, "val": args.subset_val, "test": args.subset_test}
    split = make_split(raw, val_size=args.val_size, seed=args.seed, subset=subset)
    atomic_savez(args.out, **split)
    print({k: v.shape for k, v in split.items() if k.startswith("x_")}, file=sys.stderr)


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


def cmd_train(args) -> None:
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


def cmd_evaluate(args) -> None:
    import torch

    from vaelab import models
    from vaelab.analysis.metrics import test_metrics
    from vaelab.data.datasets import load_split
    from vaelab.io import atomic_savez, load_torch, write_json
    from vaelab.train.loop import read_history

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


def cmd_baselines(args) -> None:
    from vaelab.analysis.selection import mean_image_mse, pca_mse  # numpy and scikit-learn only: no torch to import
    from vaelab.data.datasets import load_split
    from vaelab.io import write_json

    split = load_split(args.split)
    pca = pca_mse(split["x_train"], {"val_mse": split["x_val"], "test_mse": split["x_test"]}, args.latent_sizes)
    out = {
        "mean_image": {
            "val_mse": mean_image_mse(split["x_train"], split["x_val"]),
            "test_mse": mean_image_mse(split["x_train"], split["x_test"]),
        },
        "pca": {str(k): pca[k] for k in args.latent_sizes},
    }
    write_json(args.out, out)


def cmd_anomaly_baselines(args) -> None:
    """Per-image anomaly scores that need no trained model, for the test images (inside) and the
    out-of-distribution set (outside):
    PCA's reconstruction error at each latent size, and the MSE to the nearest training image."""
    import numpy as np

    from vaelab.analysis.anomaly import nearest_neighbour_mse
    from vaelab.analysis.selection import pca_errors
    from vaelab.data.datasets import load_outside, load_split
    from vaelab.io import atomic_savez

    split = load_split(args.split, parts=("train", "test"))
    x_outside, y_outside = load_outside(args.outside_dataset, args.outside_dir)
    images = {"inside": split["x_test"], "outside": x_outside}
    pca = pca_errors(split["x_train"], images, args.latent_sizes)
    atomic_savez(
        args.out,
        inside_labels=split["y_test"],
        outside_labels=y_outside,
        latent_sizes=np.asarray(args.latent_sizes),
        **{f"nn_{name}": nearest_neighbour_mse(split["x_train"], x) for name, x in images.items()},
        **{f"pca_{name}_z{k}": pca[k][name] for k in args.latent_sizes for name in images},
    )


def cmd_select_latent(args) -> None:
    from vaelab.analysis.selection import choose_latent, mean_over_seeds
    from vaelab.io import write_json
    from vaelab.publish.figures import load_metrics_by_seed

    val_mse_by_seed: dict[int, dict[str, dict[int, float]]] = {}
    for seed, runs in load_metrics_by_seed(args.metrics).items():
        for (model, latent), m in runs.items():
            val_mse_by_seed.setdefault(seed, {}).setdefault(model, {})[latent] = m["val_mse"]
    val_mse = mean_over_seeds(list(val_mse_by_seed.values()))
    chosen = choose_latent(val_mse, args.tolerance)
    seeds = list(val_mse_by_seed)
    write_json(
        args.out,
        {
            "chosen_latent": chosen,
            "rule": f"smallest latent size whose validation MSE, averaged over {', '.join(sorted(val_mse))} and "
            f"over seeds {', '.join(map(str, seeds))}, is within {args.tolerance:.0%} of the best latent size's",
            "tolerance": args.tolerance,
            "seeds": seeds,
            "val_mse": {m: {str(z): v for z, v in sorted(d.items())} for m, d in val_mse.items()},
            "val_mse_by_seed": {
                str(seed): {m: {str(z): v for z, v in sorted(d.items())} for m, d in by_model.items()}
                for seed, by_model in val_mse_by_seed.items()
            },
        },
    )
    print(f"chosen latent size: {chosen}", file=sys.stderr)


def _save_tsne(x, labels, args, what: str, **extra) -> None:
    """The t-SNE map of x (vaelab.analysis.embedding.tsne_2d with the settings in `args`), written
    to args.out with its labels and any `extra` arrays, the layout the t-SNE figures read. The
    seconds it took go to the log only."""
    import numpy as np

    from vaelab.analysis.embedding import tsne_2d
    from vaelab.io import atomic_savez

    t0 = time.perf_counter()
    xy = tsne_2d(
        x,
        seed=args.seed,
        perplexity=args.perplexity,
        angle=args.angle,
        iterations=args.iterations,
        pca_dims=args.pca_dims,
    )
    seconds = time.perf_counter() - t0
    atomic_savez(args.out, xy=xy.astype("float32"), labels=labels, **{k: np.asarray(v) for k, v in extra.items()})
    print(f"t-SNE of {what} ({len(xy):,} points) in {seconds:.1f}s", file=sys.stderr)


def cmd_tsne(args) -> None:
    """t-SNE of one model's test latent means at the chosen latent size.

    Its own job, one per model, rather than a loop in the figure notebook: the three run in
    parallel, and redrawing the figure does not redo them.
    """
    import numpy as np

    from vaelab.io import read_json
    from vaelab.publish.figures import index_runs

    chosen = int(read_json(args.selection)["chosen_latent"])
    by_latent = {latent: path for (_, latent), path in index_runs(args.latents).items()}
    if chosen not in by_latent:
        raise SystemExit(f"chosen latent size {chosen} is not among the latents given: {args.latents}")
    latents = np.load(by_latent[chosen])
    _save_tsne(latents["mu"], latents["labels"], args, by_latent[chosen], latent=chosen)


def cmd_tsne_images(args) -> None:
    """t-SNE of the raw test images (reduced by PCA first: --pca-dims), for the data_overview figure.

    Its own job, as the latent t-SNEs: it starts as soon as the split exists, and redrawing
    the figure does not redo the embedding."""
    from vaelab.data.datasets import load_split

    split = load_split(args.split, parts=("test",))
    _save_tsne(split["x_test"], split["y_test"], args, f"the test images of {args.split}")


def cmd_train_classifier(args) -> None:
    from vaelab.models.classifier import ClassifierConfig, train_and_save

    cfg = ClassifierConfig(
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay, seed=args.seed
    )
    architecture = {"channels": args.channels, "dense": args.dense}
    train_and_save(args.split, cfg, architecture, args.device, args.out_model, args.out_metrics)


def cmd_notebook(args) -> None:
    from vaelab.publish.notebook import run

    run(
        args.notebook,
        json.loads(args.parameters),
        rule=args.rule,
        executed=args.executed,
        html=args.html,
        log_notebook=args.log_notebook,
        launch_flags=args.launch_flags,
        rebuild_flags=args.rebuild_flags,
    )


def cmd_report(args) -> None:
    from vaelab.publish.report import main as report_main

    report_main(args.report_args)


def _add_optimizer_args(p) -> None:
    """What both training commands take; the study's values come from the validated config
    (config/config.yaml), so there are no defaults here."""
    p.add_argument("--split", required=True, help="split.npz written by the prepare_data rule")
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--weight-decay", type=float, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--device", required=True, help="auto (the GPU when one is present), cpu or cuda")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out-model", required=True)


def cmd_crate(args) -> None:
    from vaelab.publish.crate import build_crate, write_crate

    crate = build_crate(args.results, args.configfiles, json.loads(args.config_args), args.cores, args.targets)
    write_crate(crate, Path(args.out).parent)
    print(f"{args.out}: {len(crate.get_entities())} entities", file=sys.stderr)


def cmd_publish(args) -> None:
    from vaelab.publish.crate import zip_report

    print(zip_report(args.report_dir, args.out), file=sys.stderr)


def _add_train_args(p) -> None:
    _add_optimizer_args(p)
    p.add_argument("--model", required=True)
    p.add_argument("--latent", type=int, required=True)
    p.add_argument("--arch", required=True)
    p.add_argument("--hidden", type=int, nargs="+", required=True)
    p.add_argument("--beta", type=float, required=True)
    p.add_argument("--recon-loss", required=True, choices=["mse", "bce"])
    p.add_argument(
        "--precision",
        required=True,
        choices=["float32", "bfloat16"],
        help="of the training forward pass (bfloat16: mixed precision, float32 weights)",
    )
    p.add_argument("--mask-inputs", action="store_true", help="train on randomly masked inputs (imputation model)")
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--out-history", required=True)


def _add_tsne_settings(p) -> None:
    """The t-SNE settings (config.yaml `tsne`), no defaults: the study's values come from the config."""
    p.add_argument("--perplexity", type=float, required=True)
    p.add_argument("--angle", type=float, required=True, help="Barnes-Hut opening angle, 0 to 1")
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--pca-dims", type=int, required=True, help="wider inputs are first reduced by PCA to this many")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vaelab", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare-data", help="verify the IDX files and write the train/val/test split")
    p.add_argument("--dataset", required=True)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--val-size", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--subset-train", type=int, default=None)
    p.add_argument("--subset-val", type=int, default=None)
    p.add_argument("--subset-test", type=int, default=None)
    p.add_argument("--md5-json", default=None, help="JSON map of file name -> MD5 for unknown datasets")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_prepare_data)

    p = sub.add_parser("train", help="train one model")
    _add_train_args(p)
    p.set_defaults(func=cmd_train)

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
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("baselines", help="mean-image and PCA reconstruction baselines")
    p.add_argument("--split", required=True)
    p.add_argument("--latent-sizes", type=int, nargs="+", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_baselines)

    p = sub.add_parser("anomaly-baselines", help="anomaly scores of PCA and of the nearest training image")
    p.add_argument("--split", required=True)
    p.add_argument("--outside-dir", required=True, help="the out-of-distribution set, the anomalies")
    p.add_argument("--outside-dataset", required=True, help="which known set it is: emnist-letters or mnist")
    p.add_argument("--latent-sizes", type=int, nargs="+", required=True, help="PCA's numbers of components")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_anomaly_baselines)

    p = sub.add_parser("select-latent", help="choose the latent size later figures use")
    p.add_argument("--metrics", nargs="+", required=True)
    p.add_argument("--tolerance", type=float, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_select_latent)

    p = sub.add_parser("tsne", help="t-SNE of one model's test latents at the chosen latent size")
    p.add_argument("--latents", nargs="+", required=True, help="the model's latents.npz at each latent size")
    p.add_argument("--selection", required=True, help="selected_latent.json")
    p.add_argument("--seed", type=int, required=True)
    _add_tsne_settings(p)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_tsne)

    p = sub.add_parser("tsne-images", help="t-SNE of the raw test images, for the data overview figure")
    p.add_argument("--split", required=True)
    p.add_argument("--seed", type=int, required=True)
    _add_tsne_settings(p)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_tsne_images)

    p = sub.add_parser("train-classifier", help="train the digit classifier that scores generated digits")
    _add_optimizer_args(p)
    p.add_argument("--channels", type=int, nargs=2, required=True, help="of its two conv layers")
    p.add_argument("--dense", type=int, required=True, help="units of its dense layer")
    p.add_argument("--out-metrics", required=True)
    p.set_defaults(func=cmd_train_classifier)

    p = sub.add_parser("notebook", help="run a figure notebook with papermill and stamp provenance")
    p.add_argument("notebook", help="notebooks/<figure>.ipynb")
    p.add_argument("--rule", required=True, help="the rule that runs it, for the provenance")
    p.add_argument("--parameters", required=True, help="JSON of the papermill parameters")
    p.add_argument("--executed", required=True, help="where the executed notebook is kept")
    p.add_argument("--html", required=True, help="the executed notebook as HTML")
    p.add_argument("--log-notebook", required=True, help="the notebook as it runs (kept when a cell fails)")
    p.add_argument("--launch-flags", required=True, help="how this run was started: its --cores or --profile")
    p.add_argument("--rebuild-flags", default="", help="the --configfile/--config flags of this run")
    p.add_argument("--threads", type=int, default=1)
    p.set_defaults(func=cmd_notebook)

    p = sub.add_parser("crate", help="the run as a Workflow Run RO-Crate beside the report (run in the project folder)")
    p.add_argument("--results", required=True, help="the results root; the crate goes to <results>/report")
    p.add_argument("--configfiles", nargs="*", default=[], help="Snakemake --configfile files of the run")
    p.add_argument("--config-args", default="{}", help="JSON of the run's Snakemake --config key=value")
    p.add_argument("--cores", type=int, required=True, help="the run's --cores (some params depend on it)")
    p.add_argument("--targets", nargs="+", required=True, help="the run's targets: the crate describes their jobs")
    p.add_argument("--out", required=True, help="<results>/report/ro-crate-metadata.json")
    p.set_defaults(func=cmd_crate)

    p = sub.add_parser("publish", help="zip the report folder with its crate, the folder to upload")
    p.add_argument("--report-dir", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("report", help="the rendered report: figures, provenance, claims, metrics", add_help=False)
    p.set_defaults(func=cmd_report)
    return ap


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:  # the report parses its own arguments
        return cmd_report(argparse.Namespace(report_args=argv[1:]))
    args = parser().parse_args(argv)
    # before the command imports numpy, torch or scikit-learn: their thread pools are sized
    # when first loaded (numpy's BLAS ran on 2 threads in the 1-thread baselines job before)
    if getattr(args, "threads", None) is not None:
        set_threads(args.threads)
    args.func(args)


if __name__ == "__main__":
    main()
