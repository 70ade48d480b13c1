"""`vaelab baselines` and `vaelab anomaly-baselines`: what needs no trained model (the mean
image, PCA, the nearest training image)."""

from __future__ import annotations


def baselines(args) -> None:
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


def anomaly_baselines(args) -> None:
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


def register(sub) -> None:
    p = sub.add_parser("baselines", help="mean-image and PCA reconstruction baselines")
    p.add_argument("--split", required=True)
    p.add_argument("--latent-sizes", type=int, nargs="+", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=baselines)

    p = sub.add_parser("anomaly-baselines", help="anomaly scores of PCA and of the nearest training image")
    p.add_argument("--split", required=True)
    p.add_argument("--outside-dir", required=True, help="the out-of-distribution set, the anomalies")
    p.add_argument("--outside-dataset", required=True, help="which known set it is: emnist-letters or mnist")
    p.add_argument("--latent-sizes", type=int, nargs="+", required=True, help="PCA's numbers of components")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=anomaly_baselines)
