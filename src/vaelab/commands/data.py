"""`vaelab prepare-data`: verify the raw IDX files and write the train/val/test split."""

from __future__ import annotations

import json
import sys


def prepare_data(args) -> None:
    from vaelab.data.datasets import load_split_files, make_split
    from vaelab.io import atomic_savez

    md5 = json.loads(args.md5_json) if args.md5_json else None
    raw = load_split_files(args.data_dir, args.dataset, md5)
    subset = {"train": args.subset_train, "val": args.subset_val, "test": args.subset_test}
    split = make_split(raw, val_size=args.val_size, seed=args.seed, subset=subset)
    atomic_savez(args.out, **split)
    print({k: v.shape for k, v in split.items() if k.startswith("x_")}, file=sys.stderr)


def register(sub) -> None:
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
    p.set_defaults(func=prepare_data)
