"""RESULTS.md from the measurements in RESULTS.json: `python -m benchmarks.render [--json PATH]
[--out PATH]` writes it again without measuring (`python -m benchmarks.run` measures, then renders).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.report import RESULTS_MD, VERSIONED, md_table
from benchmarks.run import HIDDEN, LATENT, ROOT

# the harness's sections in the order `python -m benchmarks.run` measures them
SECTIONS = ("matmul", "matmul_bf16", "throughput", "floor", "tsne", "workflow")


def in_order(table: dict, order: tuple[str, ...]) -> list[tuple]:
    """`table`'s items with the keys of `order` first, in that order, then the rest: the same
    lines whether `table` comes from the run or from RESULTS.json, whose keys are sorted."""
    return sorted(table.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


def code_version(git: dict | None) -> str:
    """'abc123def456' (+ ' with uncommitted changes'), or 'unknown' outside a git checkout."""
    if not git or not git.get("commit"):
        return "unknown"
    return git["commit"][:12] + (" with uncommitted changes" if git.get("dirty") else "")


def range_text(lo_hi) -> str:
    """'1.62-1.91' for a (low, high) pair; 'n/a' for results written before ranges were kept."""
    return "n/a" if not lo_hi else f"{lo_hi[0]:.2f}-{lo_hi[1]:.2f}"


def ceiling_ratio(row: dict, ceiling_gflops: float) -> float:
    """The tutorial's seconds per sample over the compute floor's: the largest ratio possible."""
    floor_s_per_sample = row["flops_per_sample"] / (ceiling_gflops * 1e9)
    return (1 / row["tutorial_samples_per_s"]) / floor_s_per_sample


def render(results: dict) -> str:
    """RESULTS.md for the measurements of `python -m benchmarks.run` (its RESULTS.json)."""
    m = results["machine"]
    mm = results["matmul"]
    lines = [
        "# vaelab benchmarks",
        "",
        f"Written by `python -m benchmarks.run{' --quick' if results['quick'] else ''}` on {m['date']}. "
        "Numbers: RESULTS.json beside this file. What each number means: README.md.",
    ]
    if results["quick"]:
        lines += ["", "**--quick run: tiny iteration counts, for checking the harness only; not a measurement.**"]
    lines += [
        "",
        "## Machine",
        "",
        md_table(
            ["", ""],
            [
                ["CPU", m["cpu_model"]],
                ["CPUs (usable)", f"{m['cpu_count']} ({m['cpus_usable']})"],
                ["torch threads", m["torch_threads"]],
                ["torch CPU capability", m["torch_cpu_capability"]],
                ["load average at start (1, 5, 15 min)", ", ".join(f"{v:.2f}" for v in m["load_average_at_start"])],
                ["versions", ", ".join(f"{k} {v}" for k, v in in_order(m["versions"], ("python", *VERSIONED)))],
                ["platform", m["platform"]],
                ["vaelab commit", code_version(m.get("git"))],
            ],
        ),
        "",
        "## Targets",
        "",
        md_table(
            ["target", "measured", "value", "unit", "verdict"],
            [[r["target"], r["measured"], r["value"], r["unit"], r["verdict"]] for r in results["targets"]],
        ),
        "",
        "## 1-2. Training throughput and share of the matmul ceiling",
        "",
        f"Ceiling: float32 `torch.mm` of {mm['n']}x{mm['n']} matrices at {mm['threads']} threads, "
        f"best of {mm['repeats']}: **{mm['best_gflops']:.1f} GFLOP/s** (median {mm['median_gflops']:.1f}). "
        f"VAE at latent {LATENT}, hidden {HIDDEN}; vaelab = `vaelab.train.loop.train` on tensors in memory; "
        "tutorial = torchvision MNIST + ToTensor + DataLoader(shuffle=True); same network, loss and AdamW settings "
        "(vaelab: fused AdamW kernel, one-pass MSE backward, NHWC conv weights, malloc keeping freed activations, "
        "its conv layers (vaelab.models.conv, in-place ReLUs, channels-last flatten order); tutorial: the defaults and "
        "the network in stock torch.nn layers); each timing in a fresh Python process. "
        "GFLOP/s = flops_per_sample (3x forward, Linear and conv layers) x samples/s. *Executed*: the "
        "FLOPs a step runs, without the data's gradient that autograd never computes (the first layer "
        "costs 2x its forward pass, not 3x; benchmarks/flops.py).",
        "",
        md_table(
            [
                "arch",
                "batch",
                "batches timed",
                "vaelab samples/s",
                "tutorial samples/s",
                "ratio",
                "ratio range over repeats",
                ">= 2x",
                "MFLOP/sample",
                "vaelab GFLOP/s",
                "% of ceiling",
                "executed MFLOP/sample",
                "executed % of ceiling",
            ],
            [
                [
                    r["arch"],
                    r["batch_size"],
                    r["n_batches"],
                    r["vaelab_samples_per_s"],
                    r["tutorial_samples_per_s"],
                    r["ratio"],
                    range_text(r.get("ratio_range")),
                    r["speedup_verdict"],
                    r["flops_per_sample"] / 1e6,
                    r["vaelab_gflops"],
                    r["ceiling_share_pct"],
                    r.get("executed_flops_per_sample", 0) / 1e6,
                    r.get("executed_share_pct"),
                ]
                for r in results["throughput"]
            ],
        ),
        "",
        "Where the tutorial loop's time goes. *Data share*: its DataLoader alone (timed separately), "
        "as a share of its loop. *Ratio from data alone*: what a trainer gains by removing the data "
        "loading and nothing else, 1 / (1 - data share). *Ratio at the ceiling*: the tutorial's "
        "time per sample over the compute floor (MFLOP/sample at the matmul ceiling), the most "
        "any trainer could reach. A row whose ratio from data alone is well below 2x is compute-bound: "
        "2x there needs the compute itself to be faster than PyTorch's defaults.",
        "",
        md_table(
            [
                "arch",
                "batch",
                "tutorial data share %",
                "ratio from data alone",
                "measured ratio",
                "ratio at the ceiling",
            ],
            [
                [
                    r["arch"],
                    r["batch_size"],
                    100 * r["tutorial_data_share"],
                    r["data_only_ratio"],
                    r["ratio"],
                    ceiling_ratio(r, mm["best_gflops"]),
                ]
                for r in results["throughput"]
                if "tutorial_data_share" in r
            ],
        ),
    ]
    lines += ["", "### Opt-in mixed precision (`training.precision: bfloat16`)", ""]
    bf = results.get("matmul_bf16")
    if bf:
        lines += [
            "vaelab's trainer with bfloat16 products and float32 weights, optimizer, loss and validation "
            "(vaelab.train.loop.autocast), against the same float32 tutorial loop. The publication config trains "
            "in float32; these rows show what the option buys on this CPU. bfloat16 ceiling: `torch.mm` of "
            f"{bf['n']}x{bf['n']} bfloat16 matrices, best of {bf['repeats']}: **{bf['best_gflops']:.1f} GFLOP/s** "
            f"(median {bf['median_gflops']:.1f}).",
            "",
            md_table(
                [
                    "arch",
                    "batch",
                    "vaelab bfloat16 samples/s",
                    "x vaelab float32",
                    "ratio to tutorial",
                    ">= 2x",
                    "GFLOP/s",
                    "% of bfloat16 ceiling",
                ],
                [
                    [
                        r["arch"],
                        r["batch_size"],
                        r["vaelab_bf16_samples_per_s"],
                        r["vaelab_bf16_samples_per_s"] / r["vaelab_samples_per_s"],
                        r["ratio_bf16"],
                        r["speedup_bf16_verdict"],
                        r["bf16_gflops"],
                        r["bf16_ceiling_share_pct"],
                    ]
                    for r in results["throughput"]
                    if "ratio_bf16" in r
                ],
            ),
        ]
    else:
        lines.append(
            "Not measured: this CPU has no native bfloat16 (AVX512-BF16 or AMX), where the option is "
            "emulated and slower than float32."
        )
    wf = results["workflow"]
    from snakemake.benchmark import BENCHMARK_INTERVAL, BENCHMARK_INTERVAL_SHORT

    lines += [
        "",
        "## 3. Per-rule wall time and peak memory (smoke config)",
        "",
        "From each job's Snakemake `benchmark:` file. *cpu s* is Snakemake's `cpu_time`, which its sampler "
        f"reads every {BENCHMARK_INTERVAL_SHORT} s at first and every {BENCHMARK_INTERVAL} s later in a job: "
        f"the CPU time after its last reading is missed, up to {BENCHMARK_INTERVAL} s of it, so the column is "
        "a lower bound, not a measure of idle time.",
        "",
    ]
    rule_cols = ["job", "seconds", "cpu s", "max_rss MiB", "max_uss MiB", "> 4 GiB"]

    def rule_rows(rules):
        return [
            [
                r["job"],
                r["seconds"],
                r["cpu_time"],
                r["max_rss_mib"],
                r["max_uss_mib"],
                "**yes**" if r["over_limit"] else "",
            ]
            for r in rules
        ]

    lines.append(
        md_table(rule_cols, rule_rows(wf["smoke_rules"])) if wf["smoke_rules"] else "No benchmark files found."
    )
    if wf.get("publication_rules"):
        lines += ["", "Publication config:", "", md_table(rule_cols, rule_rows(wf["publication_rules"]))]
    noop, fig = wf["noop_dry_run"], wf["figure_rebuild"]
    lines += [
        "",
        "## 4. Snakemake: no-op dry run and one figure",
        "",
        md_table(
            ["what", "config", "seconds", "note"],
            [
                [
                    "`snakemake -n` on a complete tree",
                    noop["config"],
                    noop["seconds"],
                    f"each: {', '.join(f'{v:.2f}' for v in noop['seconds_each'])}; jobs pending: {noop['jobs']}",
                ],
                [
                    f"`snakemake --cores 2 --force {fig['target']}`",
                    wf["workspace"]["config"],
                    fig["seconds"],
                    fig.get("skipped", ""),
                ],
            ],
        ),
        "",
        f"Publication tree dry run: {wf['publication_dry_run'].get('jobs')} jobs pending "
        f"({wf['publication_dry_run']['seconds']:.1f} s).",
    ]
    t = results["tsne"]
    lines += [
        "",
        "## 5. t-SNE",
        "",
        f"{t['points']:,} points of {t['dims']} dimensions from {t['source']}; "
        + (
            f"{t['threads']} thread(s), as the pipeline's tsne jobs run." if "threads" in t else "threads not recorded."
        ),
        "",
        md_table(
            ["implementation", "seconds", "final KL", "5-NN accuracy on the map"],
            [
                [
                    f"vaelab.analysis.embedding.tsne_2d (scikit-learn TSNE, PCA init, {t.get('vaelab_settings', 'angle 0.8')})",
                    t["vaelab_tsne_2d_seconds"],
                    t.get("vaelab_kl", "n/a"),
                    t.get("vaelab_knn5", "n/a"),
                ],
                [
                    "sklearn.manifold.TSNE() defaults (random init, angle 0.5, 1000 iterations)",
                    t["sklearn_default_seconds"],
                    t.get("sklearn_kl", "n/a"),
                    t.get("sklearn_knn5", "n/a"),
                ],
            ],
        ),
    ]
    f = results["floor"]
    lines += [
        "",
        "## 6. Compute floor of the full default config",
        "",
        f"Training FLOPs of every job (epochs x training images x flops_per_sample): **{f['total_flops'] / 1e12:.2f} TFLOP**; "
        f"at the matmul ceiling ({f['ceiling_gflops']:.1f} GFLOP/s) that is **{f['floor_seconds'] / 60:.1f} min**. "
        + (
            f"Full run: {f['full_run_seconds'] / 60:.1f} min = {f['full_run_over_floor']:.2f}x the floor."
            if f["full_run_seconds"] is not None
            else "Full run wall time not given (--full-run-seconds)."
        )
        + f" Counting the FLOPs a step executes (no gradient for the data): {f['executed_flops'] / 1e12:.2f} TFLOP, "
        f"{f['executed_floor_seconds'] / 60:.1f} min"
        + (
            f", and the full run is {f['full_run_over_executed_floor']:.2f}x that."
            if f["full_run_seconds"] is not None
            else "."
        ),
        "Not counted: validation passes, evaluation, notebooks, the optimizer and elementwise work, so the floor is a lower bound.",
    ]
    if f.get("around_run"):
        lines += [
            "",
            "The same full run against the ceiling measured just before and just after it "
            "(`python -m benchmarks.full_run`); the verdicts above use this run's ceiling:",
            "",
            md_table(
                ["ceiling measured", "GFLOP/s", "full run / floor", "full run / executed floor"],
                [
                    [
                        r["when"] + " the full run",
                        r["ceiling_gflops"],
                        r["full_run_over_floor"],
                        r["full_run_over_executed_floor"],
                    ]
                    for r in f["around_run"]
                ],
            ),
        ]
    if f.get("core_seconds"):
        c = f["core_seconds"]
        lines += [
            "",
            f"Where the full run's time went (its benchmark files, over {c['cores']} cores): the training "
            f"jobs {c['training_job_seconds']:,.0f} job-seconds ({c['training_share']:.0%}), "
            f"{c['training_minutes_on_cores']:.1f} min of the cores, **{c['training_over_floor']:.2f}x the floor "
            f"by themselves**; everything else (data, evaluation, t-SNE, notebooks, report) "
            f"{c['other_job_seconds']:,.0f} job-seconds, {c['other_minutes_on_cores']:.1f} min.",
        ]
    lines += [
        "",
        md_table(
            ["job", "epochs", "images", "MFLOP/sample", "TFLOP", "executed MFLOP/sample", "executed TFLOP"],
            [
                [
                    r["job"],
                    r["epochs"],
                    r["samples"],
                    r["flops_per_sample"] / 1e6,
                    r["flops"] / 1e12,
                    r["executed_flops_per_sample"] / 1e6,
                    r["executed_flops"] / 1e12,
                ]
                for r in f["jobs"]
            ],
        ),
    ]
    notes = results["warnings"] + wf["notes"]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    lines += [
        "",
        "Harness time per section (s): "
        + ", ".join(f"{k} {v:.0f}" for k, v in in_order(results["section_seconds"], SECTIONS))
        + f"; load average at end: {', '.join(f'{v:.2f}' for v in m['load_average_at_end'])}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    from vaelab.io import atomic_write_text

    ap = argparse.ArgumentParser(prog="python -m benchmarks.render", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--json",
        type=Path,
        default=ROOT / Path(RESULTS_MD).with_suffix(".json"),
        help="the measurements (default benchmarks/RESULTS.json)",
    )
    ap.add_argument(
        "--out", type=Path, default=ROOT / RESULTS_MD, help="Markdown report (default benchmarks/RESULTS.md)"
    )
    args = ap.parse_args(argv)
    atomic_write_text(args.out, render(json.loads(args.json.read_text())))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    if str(ROOT) not in sys.path:  # `python benchmarks/render.py` as well as `python -m benchmarks.render`
        sys.path.insert(0, str(ROOT))
    main()
