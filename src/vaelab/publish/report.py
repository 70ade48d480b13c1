"""The rendered report: one portable HTML page with every figure, its caption and provenance,
the metrics table, the study's claims checked against this run, and how to rebuild it.

`python -m vaelab.publish.report --figures '<json>' ...` (the `report` rule) writes
<results>/report/index.html, claims.json beside it, and copies each figure's executed
notebook to <results>/report/notebooks/ so the page links to it relatively. Images are
embedded as data URIs, CSS is inline, and paths are shown relative to the project root:
the folder can be zipped, mailed and opened anywhere, offline.

The page is a Jinja2 template (templates/report.html.j2) filled from a view model
(vaelab.publish.report_view); `check_report(index_html)` (vaelab.publish.report_check)
lists what is wrong with a built page.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vaelab.data.classes import dataset_classes
from vaelab.io import atomic_write_text, read_json, write_json
from vaelab.publish import claims as claims_mod
from vaelab.publish.figures import by_seed, run_key, seed_of
from vaelab.publish.provenance import git_state, missing_keys, versions
from vaelab.publish.report_check import check_report
from vaelab.publish.report_methods import Study
from vaelab.publish.report_text import caption_words, relativise
from vaelab.publish.report_view import page_view, render
from vaelab.rebuild import rebuild_command

CLAIMS_TITLE = "Claims"


class ReportError(ValueError):
    """The report cannot be built faithfully (e.g. a figure without complete provenance)."""


# --- inputs ----------------------------------------------------------------------------
@dataclass
class Figure:
    name: str
    category: str
    json: str
    png: str | None = None
    html: str | None = None  # executed notebook
    caption: str | None = None  # reStructuredText
    csv: str | None = None  # a table "figure" (metrics_table)
    md: str | None = None
    notebook_copy: str | None = None  # where the executed notebook goes in the report folder
    title: str | None = None  # from the table of figures, when it gives one
    numbers: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    seconds: float | None = None  # the figure job's, from its benchmark file
    number: int = 0  # "Figure n" / "Table n", set when laid out

    @property
    def is_table(self) -> bool:
        return self.png is None and self.csv is not None

    @property
    def label(self) -> str:
        return f"{'Table' if self.is_table else 'Figure'} {self.number}"

    @property
    def anchor(self) -> str:
        return f"fig-{self.name}"


def load_figures(manifest: dict[str, dict], launch_flags: str = "", run_flags: str = "") -> list[Figure]:
    """Read every figure's JSON; raise ReportError naming each figure whose JSON cannot be read
    or whose provenance is incomplete, with the command that redraws it (`launch_flags` and
    `run_flags`: how this run was started and its config flags)."""
    figures, problems = [], []
    for name, entry in manifest.items():
        fig = Figure(name=name, **{k: v for k, v in entry.items() if k in Figure.__dataclass_fields__})
        try:
            data = read_json(fig.json)
        except (OSError, ValueError) as err:  # ValueError: json.JSONDecodeError, UnicodeDecodeError
            reason = err.strerror if isinstance(err, OSError) else f"not valid JSON ({err})"
            target = fig.png or fig.csv or fig.json
            redraw = rebuild_command(target, launch_flags=launch_flags or "--cores 1", run_flags=run_flags, force=True)
            problems.append(f"figure {name} ({fig.json}): {reason}; redraw it: {redraw}")
            continue
        fig.numbers = data.get("numbers", {})
        fig.provenance = data.get("provenance") or {}
        # <dataset>/figures/<name>.json -> <dataset>/benchmarks/figures/<name>.tsv
        fig.seconds = tsv_seconds(Path(fig.json).parent.parent / "benchmarks" / "figures" / f"{name}.tsv")
        lacking = missing_keys(fig.provenance)
        if lacking:
            problems.append(f"figure {name} ({fig.json}): provenance lacks {', '.join(lacking)}")
        figures.append(fig)
    if problems:
        raise ReportError(
            "unreadable figures or incomplete provenance; rebuild these figures:\n  " + "\n  ".join(problems)
        )
    return figures


def order_sections(figures: list[Figure]) -> list[tuple[str, list[Figure] | None]]:
    """[(section title, its figures)] in the order of the figure table (config/figures.yaml),
    which the manifest keeps; the claims section (None) after the figures, before the tables."""
    sections: dict[str, list[Figure]] = {}
    for fig in figures:
        title = fig.category.partition(". ")[2] or fig.category  # "3. Latent space", as --report shows it
        sections.setdefault(title, []).append(fig)
    ordered: list[tuple[str, list[Figure] | None]] = list(sections.items())
    first_table = next((i for i, (_, figs) in enumerate(ordered) if all(f.is_table for f in figs)), len(ordered))
    ordered.insert(first_table, (CLAIMS_TITLE, None))
    return ordered


def benchmark_seconds(metrics_path: str | Path) -> float | None:
    """The seconds the training job of a model took, from the benchmark file Snakemake wrote
    for it (<dataset>/benchmarks/train/<model>_z<latent>_seed<n>.tsv beside <dataset>/models/);
    None where there is none. Result files hold no wall-clock times, so that runs compare byte
    for byte."""
    model, latent = run_key(metrics_path)
    seed = seed_of(metrics_path)
    run = f"{model}_z{latent}" + ("" if seed is None else f"_seed{seed}")
    models_dir = Path(metrics_path).parent.parent if seed is None else Path(metrics_path).parent.parent.parent
    return tsv_seconds(models_dir.parent / "benchmarks" / "train" / f"{run}.tsv")


def tsv_seconds(tsv: str | Path) -> float | None:
    """The seconds of a Snakemake benchmark file (its first row's `s`); None where there is none."""
    import csv

    try:
        with open(tsv, newline="") as fh:
            return float(next(csv.DictReader(fh, delimiter="\t"))["s"])
    except (OSError, StopIteration, KeyError, ValueError):
        return None


def build_time(root: str | Path) -> str:
    """When the report was built, reproducibly: SOURCE_DATE_EPOCH where set (the reproducible-
    builds convention), else the time of the commit it was built from, else now."""
    import os
    import subprocess

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            git = ["git", "log", "-1", "--format=%ct"]
            epoch = subprocess.run(git, cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            epoch = None
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M")


def split_sizes(split_path: str | Path) -> dict[str, int]:
    """{'train': n, 'val': n, 'test': n} read from the .npy headers, without loading the images."""
    import numpy as np

    sizes = {}
    with zipfile.ZipFile(split_path) as zf:
        for part in ("train", "val", "test"):
            with zf.open(f"y_{part}.npy") as fh:
                version = np.lib.format.read_magic(fh)
                read_header = (
                    np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                )
                sizes[part] = int(read_header(fh)[0][0])
    return sizes


# --- executed notebooks ----------------------------------------------------------------
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.IGNORECASE)


def portable_notebook(text: str, roots: list[str]) -> str:
    """An executed notebook's HTML without remote scripts (require.js, MathJax from a CDN) and
    with project paths made relative: it opens offline and says nothing of the build machine."""
    return relativise(_REMOTE_SCRIPT.sub("", text), roots)


# --- build -----------------------------------------------------------------------------
def build(
    manifest: dict[str, dict],
    metrics_paths: list[str],
    baselines_path: str,
    selection_path: str,
    split_path: str,
    settings: dict,
    out_html: str | Path,
    out_claims: str | Path,
    root: str | Path | None = None,
    rulegraph: str | None = None,
) -> list[dict]:
    """Write the report, its claims.json and the notebook copies; return the claims."""
    root = Path(root or Path.cwd())
    roots = sorted({str(root), str(root.resolve())}, key=len, reverse=True)
    figures = load_figures(manifest, settings.get("launch_flags", ""), settings.get("run_flags", ""))
    metrics = {(*run_key(p), seed_of(p)): read_json(p) for p in metrics_paths}
    metrics_by_seed = {
        seed: {run_key(p): metrics[(*run_key(p), seed)] for p in paths}
        for seed, paths in by_seed(metrics_paths).items()
    }
    selection = read_json(selection_path)
    train_seconds = {(*run_key(p), seed_of(p)): benchmark_seconds(p) for p in metrics_paths}
    study = Study(
        metrics=metrics,
        baselines=read_json(baselines_path),
        selection=selection,
        sizes=split_sizes(split_path),
        rulegraph=rulegraph,
        settings=settings,
        train_seconds={k: v for k, v in train_seconds.items() if v is not None},
    )
    dataset = study.config.get("dataset", "mnist")  # a settings-less build (tests): the publication's
    classes = dataset_classes(dataset, study.config.get("class_names"), study.config.get("class_noun"))
    claim_rows = claims_mod.evaluate_seeds(
        claims_mod.seed_inputs(
            metrics_by_seed,
            study.baselines,
            selection,
            {f.name: f.numbers for f in figures},
            dataset=dataset,
            classes=classes,
        )
    )
    built = {
        "git": git_state(root),
        "versions": versions(),
        "out": out_html,
        "when": build_time(root),
    }
    for fig in figures:
        if fig.html and fig.notebook_copy:
            atomic_write_text(fig.notebook_copy, portable_notebook(Path(fig.html).read_text(), roots))
    words = caption_words(classes, {"dataset": dataset, **study.config})
    text = render(page_view(order_sections(figures), claim_rows, study, built, roots, words), roots)
    write_json(
        out_claims,
        {
            "claims": claim_rows,
            "summary": claims_mod.summary(claim_rows),
            "seeds": list(metrics_by_seed),
            "chosen_latent": selection.get("chosen_latent"),
        },
    )
    atomic_write_text(out_html, text)
    return claim_rows


# --- command line ----------------------------------------------------------------------
CRATE_FILES = ("ro-crate-metadata.json", "ro-crate-preview.html", "README.md", "files")  # the crate rule's


def remove_crate(report_dir: str | Path) -> None:
    """Delete the RO-Crate beside the report (metadata first): it describes the report being
    replaced, and must not outlive it when this build fails. The crate rule writes it anew."""
    import shutil

    for name in CRATE_FILES:
        path = Path(report_dir) / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m vaelab.publish.report", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--figures", required=True, help="JSON {name: {category, json, png, html, caption, csv, md, notebook_copy}}"
    )
    ap.add_argument("--settings", default="{}", help="JSON {config, training} for the methods section")
    ap.add_argument("--launch-flags", required=True, help="how this run was started: its --cores or --profile")
    ap.add_argument("--run-flags", default="", help="the --configfile/--config flags of this run")
    ap.add_argument("--metrics", nargs="+", required=True, help="every model's metrics.json")
    ap.add_argument("--baselines", required=True)
    ap.add_argument("--selection", required=True, help="selected_latent.json")
    ap.add_argument("--split", required=True, help="split.npz (only its sizes are read)")
    ap.add_argument("--rulegraph", nargs="?", default=None, help="an SVG of the rule graph (optional)")
    ap.add_argument("--out", required=True, help="index.html")
    ap.add_argument("--out-claims", required=True, help="claims.json")
    args = ap.parse_args(argv)
    remove_crate(Path(args.out).parent)
    try:
        rows = build(
            json.loads(args.figures),
            args.metrics,
            args.baselines,
            args.selection,
            args.split,
            {**json.loads(args.settings), "launch_flags": args.launch_flags, "run_flags": args.run_flags},
            args.out,
            args.out_claims,
            rulegraph=args.rulegraph,
        )
    except ReportError as e:
        print(f"report: {e}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"report: wrote {args.out}; claims {claims_mod.summary(rows)}", file=sys.stderr)
    problems = check_report(args.out)
    if problems:  # a bug of this module: fail rather than publish a broken page
        print("report: the page has problems:\n  " + "\n  ".join(problems), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
