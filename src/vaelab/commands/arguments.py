"""Arguments several commands share."""

from __future__ import annotations


def add_optimizer_args(p) -> None:
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


def add_tsne_settings(p) -> None:
    """The t-SNE settings (config.yaml `tsne`), no defaults: the study's values come from the config."""
    p.add_argument("--perplexity", type=float, required=True)
    p.add_argument("--angle", type=float, required=True, help="Barnes-Hut opening angle, 0 to 1")
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--pca-dims", type=int, required=True, help="wider inputs are first reduced by PCA to this many")
