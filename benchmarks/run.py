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

from benchmarks.report import RESULTS_MD

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


# --- 5: t-SNE -----------------------------------------------------------------------------


def bench_tsne(n_points: int, latents: Path, settings: dict, threads: int = 1) -> dict:
    """vaelab's t-SNE (with `settings`, the config's `tsne`) against scikit-learn's defaults on the same points: time, final KL
    divergence and 5-NN digit accuracy on the 2-D map (vaelab.analysis.latent.knn_accuracy, as the
    latent_tsne figure measures it), so a speed-up that costs quality shows.

    Both run on `threads` OpenMP threads (scikit-learn's Barnes-Hut gradient uses as many as
    OpenMP allows, whatever n_jobs says): pass the pipeline's, so the time is a tsne job's."""
    import numpy as np
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    from vaelab.analysis.embedding import tsne
    from vaelab.analysis.latent import knn_accuracy

    if latents.exists():
        data = np.load(latents)
        x, labels = data["mu"][:n_points].astype(np.float32), data["labels"][:n_points]
        source = str(latents.relative_to(ROOT))
    else:
        rng = np.random.default_rng(0)
        labels = rng.integers(0, 10, n_points)
        x = (rng.standard_normal((n_points, 20)) + 8 * np.eye(20)[labels]).astype(np.float32)
        source = f"10 random normal clusters ({latents.relative_to(ROOT)} not present)"
    with threadpool_limits(limits=threads):
        warm = x[:100]  # first calls pay for imports and thread pools; keep that out of both timings
        tsne(warm, seed=0, **settings)
        TSNE(perplexity=10).fit_transform(warm)
        t0 = time.perf_counter()
        ours = tsne(x, seed=0, **settings)
        vaelab_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        reference = TSNE().fit(x)
        sklearn_s = time.perf_counter() - t0
    return {
        "points": len(x),
        "dims": int(x.shape[1]),
        "source": source,
        "threads": threads,
        "vaelab_tsne_2d_seconds": vaelab_s,
        "sklearn_default_seconds": sklearn_s,
        "vaelab_settings": f"angle {settings['angle']}, {settings['iterations']} iterations",
        "vaelab_kl": float(ours.kl_divergence_),
        "sklearn_kl": float(reference.kl_divergence_),
        "vaelab_knn5": knn_accuracy(ours.embedding_, labels, k=5),
        "sklearn_knn5": knn_accuracy(reference.embedding_, labels, k=5),
    }


# --- 6: compute floor ---------------------------------------------------------------------


def bench_floor(ceiling_gflops: float, full_run_seconds: float | None, ceilings_around_run: dict | None = None) -> dict:
    """The compute floor of the publication config at `ceiling_gflops`, and the full run's ratio to
    it; with `ceilings_around_run` ({"before": GFLOP/s, "after": GFLOP/s}, from benchmarks.full_run)
    also the ratio at each of those, shown beside the verdict (which uses this run's ceiling)."""
    from benchmarks.flops import compute_floor_seconds, training_flops, training_jobs
    from benchmarks.report import verdict
    from vaelab.data.datasets import read_idx

    config = load_config(PUB_CONFIG)
    n_file = len(read_idx(ROOT / config["data_dir"] / "train-labels-idx1-ubyte.gz", None))
    n_train = n_file - config["val_size"]
    if config.get("subset", {}).get("train"):
        n_train = min(n_train, config["subset"]["train"])
    rows = training_flops(training_jobs(config, n_train))
    total = sum(r["flops"] for r in rows)
    executed = sum(r["executed_flops"] for r in rows)
    floor = compute_floor_seconds(total, ceiling_gflops)
    executed_floor = compute_floor_seconds(executed, ceiling_gflops)
    out = {
        "jobs": rows,
        "total_flops": total,
        "ceiling_gflops": ceiling_gflops,
        "floor_seconds": floor,
        "executed_flops": executed,
        "executed_floor_seconds": executed_floor,
        "full_run_seconds": full_run_seconds,
        "full_run_over_floor": None,
        "full_run_over_executed_floor": None,
    }
    if full_run_seconds is not None:
        out["full_run_over_floor"] = full_run_seconds / floor
        out["full_run_over_executed_floor"] = full_run_seconds / executed_floor
    out["around_run"] = [
        {
            "when": when,
            "ceiling_gflops": gflops,
            "full_run_over_floor": full_run_seconds / compute_floor_seconds(total, gflops),
            "full_run_over_executed_floor": full_run_seconds / compute_floor_seconds(executed, gflops),
        }
        for when, gflops in (ceilings_around_run or {}).items()
        if full_run_seconds is not None
    ]
    out["verdict_minutes"] = verdict("full_run_minutes", None if full_run_seconds is None else full_run_seconds / 60)
    out["verdict_floor"] = verdict("full_run_over_floor", out["full_run_over_floor"])
    return out


def split_core_seconds(rules: list[dict], cores: int, floor_seconds: float) -> dict:
    """The publication run's job-seconds (Snakemake's benchmark files) split into the training
    jobs, whose FLOPs are the floor (rule train, the imputation VAE, the classifier), and
    everything else; each as minutes of `cores` busy cores. `training_over_floor` is what the
    training jobs alone cost against the floor: if it is above the target, no work on the
    notebooks, t-SNE or evaluation can meet it."""
    training = sum(r["seconds"] or 0.0 for r in rules if r["job"].startswith("train"))
    other = sum(r["seconds"] or 0.0 for r in rules if not r["job"].startswith("train"))
    return {
        "cores": cores,
        "training_job_seconds": training,
        "other_job_seconds": other,
        "training_share": training / (training + other) if training + other else None,
        "training_minutes_on_cores": training / cores / 60,
        "other_minutes_on_cores": other / cores / 60,
        "training_over_floor": training / cores / floor_seconds,
    }


# --- the report ---------------------------------------------------------------------------


def targets_summary(results: dict) -> list[dict]:
    from benchmarks.report import TARGETS, verdict

    rows = []

    def add(key, label, value, unit):
        rows.append(
            {"target": TARGETS[key][2], "measured": label, "value": value, "unit": unit, "verdict": verdict(key, value)}
        )

    for r in results["throughput"]:
        add("trainer_speedup", f"{r['arch']} VAE, batch {r['batch_size']}", r["ratio"], "x")
    for r in results["throughput"]:
        if "ratio_bf16" in r:
            add(
                "trainer_speedup",
                f"{r['arch']} VAE, batch {r['batch_size']}, opt-in precision bfloat16 (the study trains in float32)",
                r["ratio_bf16"],
                "x",
            )
    mlp = [r for r in results["throughput"] if r["arch"] == "mlp" and r["batch_size"] == 1024]
    add("mlp_ceiling_share", "MLP VAE, batch 1024", mlp[0]["ceiling_share_pct"] if mlp else None, "%")
    add(
        "mlp_ceiling_share",
        "MLP VAE, batch 1024, executed FLOPs (no data gradient)",
        mlp[0].get("executed_share_pct") if mlp else None,
        "%",
    )
    floor = results["floor"]
    full = floor["full_run_seconds"]
    add("full_run_minutes", "full run (publication config)", None if full is None else full / 60, "min")
    add("full_run_over_floor", "full run / compute floor", floor["full_run_over_floor"], "x")
    add(
        "full_run_over_floor",
        "full run / compute floor of executed FLOPs",
        floor.get("full_run_over_executed_floor"),
        "x",
    )
    wf = results["workflow"]
    add("noop_dry_run_s", f"snakemake -n ({wf['noop_dry_run']['config']})", wf["noop_dry_run"]["seconds"], "s")
    add("figure_rebuild_s", wf["figure_rebuild"]["target"], wf["figure_rebuild"]["seconds"], "s")
    rules = wf["smoke_rules"] + wf.get("publication_rules", [])
    rss = [r["max_rss_mib"] for r in rules if r["max_rss_mib"] is not None]
    add("max_rss_gib", "largest max_rss of any rule", max(rss) / 1024 if rss else None, "GiB")
    return rows


def sanity_notes(results: dict) -> list[str]:
    """Numbers that cannot be right on an idle machine: the ceiling was measured too low."""
    notes = []
    over = [f"{r['arch']} at batch {r['batch_size']}" for r in results["throughput"] if r["ceiling_share_pct"] > 100]
    if over:
        notes.append(
            f"training beat the matmul ceiling ({', '.join(over)}): the ceiling was measured low "
            "(busy machine, or --quick's small matrices); shares of it are not meaningful"
        )
    ratio = results["floor"]["full_run_over_floor"]
    if ratio is not None and ratio < 1:
        notes.append(f"the full run took {ratio:.2f}x its compute floor, below 1: the ceiling was measured low")
    return notes


def read_full_run(path: Path) -> tuple[float, dict]:
    """(seconds, {"before": GFLOP/s, "after": GFLOP/s}) from benchmarks.full_run's JSON; a run
    that failed is an error, not a time."""
    import json

    run = json.loads(Path(path).read_text())
    if run.get("returncode") != 0:
        raise SystemExit(
            f"{path}: that full run failed (exit {run.get('returncode')}), so its time is not a full run's"
        )
    return run["seconds"], {
        "before": run["ceiling_before"]["best_gflops"],
        "after": run["ceiling_after"]["best_gflops"],
    }


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
