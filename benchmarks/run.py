"""`python -m benchmarks.run [--quick] [--out PATH]`: measure vaelab on this machine and write
RESULTS.json and, through benchmarks.render, RESULTS.md beside it. See benchmarks/README.md for
what each number means.

Run it on an idle machine: every number here is a wall time or a rate.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.floor import bench_floor, split_core_seconds
from benchmarks.full_run import read_full_run
from benchmarks.report import RESULTS_MD, sanity_notes, targets_summary
from benchmarks.tsne import bench_tsne

ROOT = Path(__file__).resolve().parents[1]
PUB_CONFIG = "config/config.yaml"
SMOKE_CONFIG = "config/smoke.yaml"

# per mode: matmul size/repeats, samples per throughput measurement, repeats, t-SNE points
SETTINGS = {
    "full": {
        "matmul_n": 2048,
        "matmul_repeats": 10,
        "samples": {"mlp": 32768, "conv": 16384},
        "repeats": 3,
        "warmup_batches": 2,
        "tsne_points": 10_000,
        "dry_run_repeats": 2,
    },
    "quick": {
        "matmul_n": 512,
        "matmul_repeats": 3,
        "samples": {"mlp": 2048, "conv": 1024},
        "repeats": 1,
        "warmup_batches": 1,
        "tsne_points": 500,
        "dry_run_repeats": 1,
    },
}
BATCH_SIZES = (128, 1024)
ARCHS = ("mlp", "conv")
LATENT = 20
HIDDEN = [400]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load_config(*files: str) -> dict:
    """Config files merged like Snakemake's --configfile: later files update earlier ones, nested dicts merged."""
    import yaml

    def merge(a, b):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        return out

    config: dict = {}
    for f in files:
        config = merge(config, yaml.safe_load((ROOT / f).read_text()) or {})
    return config


def results_dir(config: dict) -> str:
    return f"{config['results']}/{config['dataset']}"


# --- 1 + 2: throughput and share of the matmul ceiling -----------------------------------


def bench_throughput(
    s: dict, data_dir: Path, tmp: Path, ceiling_gflops: float, bf16_ceiling_gflops: float | None = None
) -> list[dict]:
    """Rows per (arch, batch); with a bfloat16 ceiling (the CPU multiplies bfloat16 natively) also
    vaelab's trainer at the opt-in precision bfloat16, against the same float32 tutorial loop."""
    from benchmarks.flops import executed_flops_per_sample, flops_per_sample
    from benchmarks.report import verdict
    from benchmarks.throughput import load_tensors, measure, torchvision_root, tutorial_dataset, vae_model

    tensors = load_tensors(data_dir)
    dataset = tutorial_dataset(torchvision_root(data_dir, tmp / "torchvision"))
    rows = []
    for arch in ARCHS:
        model = vae_model(arch, LATENT, HIDDEN)
        fps, executed = flops_per_sample(model), executed_flops_per_sample(model)
        for batch in BATCH_SIZES:
            n_batches = max(1, s["samples"][arch] // batch)
            row = measure(
                tensors,
                dataset,
                arch,
                LATENT,
                HIDDEN,
                batch,
                n_batches,
                s["repeats"],
                s["warmup_batches"],
                bfloat16=bf16_ceiling_gflops is not None,
            )
            gflops = fps * row["vaelab_samples_per_s"] / 1e9
            row.update(
                flops_per_sample=fps,
                vaelab_gflops=gflops,
                ceiling_share_pct=100 * gflops / ceiling_gflops,
                executed_flops_per_sample=executed,
                executed_share_pct=100 * executed * row["vaelab_samples_per_s"] / 1e9 / ceiling_gflops,
                tutorial_gflops=fps * row["tutorial_samples_per_s"] / 1e9,
                speedup_verdict=verdict("trainer_speedup", row["ratio"]),
            )
            log(
                f"  {arch:4s} batch {batch:5d}: vaelab {row['vaelab_samples_per_s']:9.0f}/s  tutorial "
                f"{row['tutorial_samples_per_s']:9.0f}/s  ratio {row['ratio']:.2f}  {gflops:.1f} GFLOP/s "
                f"({row['ceiling_share_pct']:.0f}% of ceiling)"
            )
            if "ratio_bf16" in row:
                bf16_gflops = fps * row["vaelab_bf16_samples_per_s"] / 1e9
                row.update(
                    bf16_gflops=bf16_gflops,
                    bf16_ceiling_share_pct=100 * bf16_gflops / bf16_ceiling_gflops,
                    speedup_bf16_verdict=verdict("trainer_speedup", row["ratio_bf16"]),
                )
                log(
                    f"             bfloat16: vaelab {row['vaelab_bf16_samples_per_s']:9.0f}/s  ratio {row['ratio_bf16']:.2f}"
                )
            rows.append(row)
    return rows


# --- 3 + 4: Snakemake ---------------------------------------------------------------------


def bench_workflow(args, s: dict, tmp: Path) -> dict:
    from benchmarks.workflow import dry_run, rebuild_figure, scratch_copy, snakemake, summarize_benchmarks

    pub_results = results_dir(load_config(PUB_CONFIG))
    smoke_results = results_dir(load_config(PUB_CONFIG, SMOKE_CONFIG))
    out: dict = {"notes": []}
    cores = min(2, args.threads)

    log("  dry run, publication config (in place)")
    pub = dry_run(ROOT, PUB_CONFIG)
    out["publication_dry_run"] = pub
    pub_complete = pub.get("jobs") == 0 and (ROOT / pub_results).is_dir()

    # the smoke tree whose per-rule benchmarks we report
    scratch = None
    if args.smoke_results:
        smoke_tree = Path(args.smoke_results).resolve()
        out["notes"].append(f"smoke benchmarks read from --smoke-results {smoke_tree}")
    else:
        log("  dry run, smoke config (in place)")
        smoke_dry = dry_run(ROOT, SMOKE_CONFIG)
        out["smoke_dry_run_in_place"] = smoke_dry
        smoke_tree = ROOT / smoke_results
        if smoke_dry.get("jobs") == 0:
            out["notes"].append(f"smoke benchmarks from the complete tree {smoke_results}")
        elif args.quick:
            out["notes"].append(
                f"{smoke_results} is not complete ({smoke_dry.get('jobs')} jobs pending); "
                "--quick reads its benchmark files as they are"
            )
        else:
            log("  building the smoke results in a scratch copy (a few minutes)")
            scratch = scratch_copy(ROOT, tmp / "project")
            seconds, proc = snakemake(["--cores", str(args.threads), "--configfile", SMOKE_CONFIG], scratch)
            if proc.returncode != 0:
                raise RuntimeError("smoke build in the scratch copy failed:\n" + proc.stdout[-3000:])
            out["smoke_build_seconds"] = seconds
            smoke_tree = scratch / smoke_results
            out["notes"].append(
                f"{smoke_results} was not complete: smoke results built from scratch in a "
                f"copy of the project ({seconds:.0f} s with --cores {args.threads})"
            )
    bench_dir = smoke_tree / "benchmarks"
    out["smoke_rules"] = summarize_benchmarks(bench_dir) if bench_dir.is_dir() else []
    if pub_complete:
        out["publication_rules"] = summarize_benchmarks(ROOT / pub_results / "benchmarks")

    # where the no-op dry run and the figure rebuild happen
    if pub_complete and not args.quick:
        where, config, tree = ROOT, PUB_CONFIG, pub_results
    elif scratch is not None:
        where, config, tree = scratch, SMOKE_CONFIG, smoke_results
    elif args.quick or out.get("smoke_dry_run_in_place", {}).get("jobs") != 0:
        # never rewrite anything in the real tree in --quick: a copy with the smoke results (mtimes kept)
        log("  copying the project and the smoke results to a scratch folder")
        top = Path(smoke_results).parent.as_posix()  # e.g. results/smoke, with the smoke report
        where = scratch_copy(ROOT, tmp / "project", results_dirs=[top])
        config, tree = SMOKE_CONFIG, smoke_results
        out["notes"].append(
            "dry run and figure rebuild measured in a scratch copy of the project and "
            f"{top} (no .snakemake metadata there: only mtimes decide what is out of date)"
        )
    else:
        where, config, tree = ROOT, SMOKE_CONFIG, smoke_results
    out["workspace"] = {"config": config, "results": tree, "in_place": where == ROOT}

    log(f"  no-op dry run ({config})")
    runs = [dry_run(where, config) for _ in range(s["dry_run_repeats"])]
    jobs = runs[-1].get("jobs")
    out["noop_dry_run"] = {
        "config": config,
        "seconds_each": [r["seconds"] for r in runs],
        "jobs": jobs,
        "seconds": max(r["seconds"] for r in runs) if jobs == 0 else None,
    }
    if jobs != 0:
        pending = ", ".join(f"{k} {v}" for k, v in runs[-1].get("pending", {}).items())
        out["notes"].append(
            f"no-op dry run not measured: the {tree} tree is not complete "
            f"({jobs} jobs pending: {pending or runs[-1].get('error', '')})"
        )

    target = f"{tree}/figures/{args.figure}.png"
    log(f"  rebuilding {target}")
    # in place only when that tree was complete (see above), which a rebuild must leave it
    out["figure_rebuild"] = rebuild_figure(where, target, config, cores, restore=where == ROOT and jobs == 0)
    return out


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny iteration counts: checks the harness in about a minute")
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / RESULTS_MD,
        help="Markdown report; the JSON goes beside it (default benchmarks/RESULTS.md)",
    )
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: the usable CPUs)")
    ap.add_argument(
        "--smoke-results",
        default=None,
        help="a smoke results tree (the folder holding benchmarks/) to read instead of results/smoke/mnist",
    )
    # one or the other: given both, which wall time the report used would be a guess
    full_run = ap.add_mutually_exclusive_group()
    full_run.add_argument(
        "--full-run-seconds", default=None, help="wall time of the full run: seconds, [h:]m:s, or a file holding it"
    )
    full_run.add_argument(
        "--full-run",
        type=Path,
        default=None,
        help="the JSON of `python -m benchmarks.full_run`: its wall time and the ceilings measured around it",
    )
    ap.add_argument("--figure", default="training_curves", help="the figure to rebuild (its name)")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data" / "mnist")
    return ap


def main(argv: list[str] | None = None) -> None:
    import torch

    from benchmarks.flops import matmul_gflops
    from benchmarks.render import render
    from benchmarks.report import machine_info, parse_seconds
    from vaelab.io import atomic_write_text, write_json
    from vaelab.train.cpu import has_native_bfloat16

    args = parser().parse_args(argv)
    args.threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(args.threads)
    s = SETTINGS["quick" if args.quick else "full"]
    full_run = parse_seconds(args.full_run_seconds) if args.full_run_seconds else None
    around = None
    if args.full_run:
        full_run, around = read_full_run(args.full_run)
    results: dict = {"quick": args.quick, "settings": s, "machine": machine_info(args.threads)}
    t_start = time.perf_counter()
    results["section_seconds"] = {}

    def section(key, title, fn, *fn_args):
        log(title)
        t0 = time.perf_counter()
        results[key] = fn(*fn_args)
        results["section_seconds"][key] = time.perf_counter() - t0

    pub_config = load_config(PUB_CONFIG)
    latents = (
        ROOT / results_dir(pub_config) / "models" / f"vae_z{LATENT}" / f"seed{pub_config['seeds'][0]}" / "latents.npz"
    )
    with tempfile.TemporaryDirectory(prefix="vaelab-bench-") as tmp:
        tmp = Path(tmp)
        section(
            "matmul",
            f"matmul ceiling ({s['matmul_n']}x{s['matmul_n']} float32, {args.threads} threads)",
            matmul_gflops,
            s["matmul_n"],
            s["matmul_repeats"],
        )
        ceiling = results["matmul"]["best_gflops"]
        log(f"  {ceiling:.1f} GFLOP/s")
        bf16_ceiling = None
        if has_native_bfloat16(torch.device("cpu")):
            section(
                "matmul_bf16",
                f"bfloat16 matmul ceiling ({s['matmul_n']}x{s['matmul_n']}, {args.threads} threads)",
                matmul_gflops,
                s["matmul_n"],
                s["matmul_repeats"],
                2,
                torch.bfloat16,
            )
            bf16_ceiling = results["matmul_bf16"]["best_gflops"]
            log(f"  {bf16_ceiling:.1f} GFLOP/s")
        section(
            "throughput",
            "training throughput: vaelab trainer vs tutorial DataLoader loop",
            bench_throughput,
            s,
            args.data_dir,
            tmp,
            ceiling,
            bf16_ceiling,
        )
        section("floor", "compute floor of the full config", bench_floor, ceiling, full_run, around)
        tsne_threads = pub_config["threads"]["evaluate"]  # the tsne rule's threads
        section(
            "tsne",
            f"t-SNE on {s['tsne_points']} points, {tsne_threads} thread(s)",
            bench_tsne,
            s["tsne_points"],
            latents,
            pub_config["tsne"],
            tsne_threads,
        )
        section("workflow", "Snakemake", bench_workflow, args, s, tmp)
    if results["workflow"].get("publication_rules"):
        results["floor"]["core_seconds"] = split_core_seconds(
            results["workflow"]["publication_rules"],
            results["machine"]["cpus_usable"],
            results["floor"]["floor_seconds"],
        )
    results["targets"] = targets_summary(results)
    results["warnings"] = sanity_notes(results)
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    results["seconds"] = time.perf_counter() - t_start
    atomic_write_text(args.out, render(results))
    write_json(args.out.with_suffix(".json"), results)
    print(
        f"\nvaelab benchmarks ({'--quick, not a measurement' if args.quick else 'full'}), "
        f"{results['machine']['cpu_model']}, {args.threads} threads, {results['seconds']:.0f} s"
    )
    for r in results["targets"]:
        value = "-" if r["value"] is None else f"{r['value']:.3g} {r['unit']}"
        print(f"  [{r['verdict']:>6}] {r['target']}: {r['measured']}: {value}")
    f = results["floor"]
    print(
        f"  compute floor of the full config: {f['total_flops'] / 1e12:.2f} TFLOP / "
        f"{f['ceiling_gflops']:.1f} GFLOP/s = {f['floor_seconds'] / 60:.1f} min"
        + (
            f"; full run {f['full_run_seconds'] / 60:.1f} min = {f['full_run_over_floor']:.2f}x the floor"
            if f["full_run_seconds"] is not None
            else "; full run time not given"
        )
    )
    if f.get("core_seconds"):
        c = f["core_seconds"]
        print(
            f"  training jobs alone: {c['training_minutes_on_cores']:.1f} min of {c['cores']} cores = "
            f"{c['training_over_floor']:.2f}x the floor; everything else {c['other_minutes_on_cores']:.1f} min"
        )
    for r in f["around_run"]:
        print(
            f"  with the ceiling measured {r['when']} the full run ({r['ceiling_gflops']:.1f} GFLOP/s): "
            f"{r['full_run_over_floor']:.2f}x the floor, {r['full_run_over_executed_floor']:.2f}x the executed floor"
        )
    for note in results["warnings"]:
        print(f"  warning: {note}")
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    if str(ROOT) not in sys.path:  # `python benchmarks/run.py` as well as `python -m benchmarks.run`
        sys.path.insert(0, str(ROOT))
    main()
