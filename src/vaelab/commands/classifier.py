"""`vaelab train-classifier`: the digit classifier that scores generated images."""

from __future__ import annotations

from vaelab.commands.arguments import add_optimizer_args


def train_classifier(args) -> None:
    from vaelab.models.classifier import ClassifierConfig, train_and_save

    cfg = ClassifierConfig(
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay, seed=args.seed
    )
    architecture = {"channels": args.channels, "dense": args.dense}
    train_and_save(args.split, cfg, architecture, args.device, args.out_model, args.out_metrics)


def register(sub) -> None:
    p = sub.add_parser("train-classifier", help="train the digit classifier that scores generated digits")
    add_optimizer_args(p)
    p.add_argument("--channels", type=int, nargs=2, required=True, help="of its two conv layers")
    p.add_argument("--dense", type=int, required=True, help="units of its dense layer")
    p.add_argument("--out-metrics", required=True)
    p.set_defaults(func=train_classifier)
