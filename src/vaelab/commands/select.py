"""`vaelab select-latent`: choose the latent size later figures use."""

from __future__ import annotations

import sys


def select_latent(args) -> None:
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


def register(sub) -> None:
    p = sub.add_parser("select-latent", help="choose the latent size later figures use")
    p.add_argument("--metrics", nargs="+", required=True)
    p.add_argument("--tolerance", type=float, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=select_latent)
