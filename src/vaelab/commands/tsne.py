"""`vaelab tsne` and `vaelab tsne-images`: the t-SNE maps, each a job of its own."""

from __future__ import annotations

import sys
import time

from vaelab.commands.arguments import add_tsne_settings


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


def tsne(args) -> None:
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


def tsne_images(args) -> None:
    """t-SNE of the raw test images (reduced by PCA first: --pca-dims), for the data_overview figure.

    Its own job, as the latent t-SNEs: it starts as soon as the split exists, and redrawing
    the figure does not redo the embedding."""
    from vaelab.data.datasets import load_split

    split = load_split(args.split, parts=("test",))
    _save_tsne(split["x_test"], split["y_test"], args, f"the test images of {args.split}")


def register(sub) -> None:
    p = sub.add_parser("tsne", help="t-SNE of one model's test latents at the chosen latent size")
    p.add_argument("--latents", nargs="+", required=True, help="the model's latents.npz at each latent size")
    p.add_argument("--selection", required=True, help="selected_latent.json")
    p.add_argument("--seed", type=int, required=True)
    add_tsne_settings(p)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=tsne)

    p = sub.add_parser("tsne-images", help="t-SNE of the raw test images, for the data overview figure")
    p.add_argument("--split", required=True)
    p.add_argument("--seed", type=int, required=True)
    add_tsne_settings(p)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    p.set_defaults(func=tsne_images)
