"""The rendered report: one portable HTML page with every figure, its caption and provenance,
the metrics table, the study's claims checked against this run, and how to rebuild it.

`python -m vaelab.publish.report --figures '<json>' ...` (the `report` rule) writes
<results>/report/index.html, claims.json beside it, and copies each figure's executed
notebook to <results>/report/notebooks/ so the page links to it relatively. Images are
embedded as data URIs, CSS is inline, and paths are shown relative to the project root:
the folder can be zipped, mailed and opened anywhere, offline.

`check_report(index_html)` (vaelab.publish.report_check) lists what is wrong with a built page.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import os
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from vaelab.publish import claims as claims_mod
from vaelab.publish.figures import project_root, run_key
from vaelab.io import atomic_write_text, read_json, write_json
from vaelab.publish.provenance import git_state, missing_keys, versions
from vaelab.publish.report_check import DATA_URI, check_report  # noqa: F401 (check_report: re-exported)
from vaelab.publish.report_style import CSS, TOGGLE, TOGGLE_SCRIPT

TITLE = "Autoencoders on handwritten digits"
CLAIMS_SECTION = (9, "Claims")  # after imputation (8), before the metrics table (10)
METHODS_TITLE = "Methods and reproducibility"
MODEL_NAMES = {
    "ae": "AE: a deterministic autoencoder",
    "vae": "VAE: a variational autoencoder (Kingma & Welling, 2014)",
    "cvae": "CVAE: a conditional VAE; encoder and decoder also see the digit label",
}
INPUTS_SHOWN_OPEN = 3  # a figure with more inputs than this lists them in a collapsed block


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
    numbers: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    number: int = 0  # "Figure n" / "Table n", set when laid out

    @property
    def is_table(self) -> bool:
        return self.png is None and self.csv is not None

    @property
    def anchor(self) -> str:
        return f"fig-{self.name}"


def load_figures(manifest: dict[str, dict]) -> list[Figure]:
    """Read every figure's JSON; raise ReportError naming each figure whose provenance is incomplete."""
    figures, problems = [], []
    for name, entry in manifest.items():
        fig = Figure(name=name, **{k: v for k, v in entry.items() if k in Figure.__dataclass_fields__})
        data = read_json(fig.json)
        fig.numbers = data.get("numbers", {})
        fig.provenance = data.get("provenance") or {}
        lacking = missing_keys(fig.provenance)
        if lacking:
            problems.append(f"figure {name} ({fig.json}): provenance lacks {', '.join(lacking)}")
        figures.append(fig)
    if problems:
        raise ReportError("incomplete provenance; rebuild these figures:\n  " + "\n  ".join(problems))
    return figures


def section_key(category: str) -> tuple[float, str]:
    """'3. Compression and reconstruction' -> (3, 'Compression and reconstruction')."""
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*[.):]?\s*(.*)", category)
    return (float(m[1]), m[2].strip()) if m else (float("inf"), category.strip())


def split_sizes(split_path: str | Path) -> dict[str, int]:
    """{'train': n, 'val': n, 'test': n} read from the .npy headers, without loading the images."""
    import numpy as np

    sizes = {}
    with zipfile.ZipFile(split_path) as zf:
        for part in ("train", "val", "test"):
            with zf.open(f"y_{part}.npy") as fh:
                version = np.lib.format.read_magic(fh)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape = read_header(fh)[0]
                sizes[part] = int(shape[0])
    return sizes


# --- text helpers ----------------------------------------------------------------------
def relativise(text: str, roots: list[str]) -> str:
    """Replace absolute project paths by relative ones, leaving data URIs untouched."""
    parts = DATA_URI.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside data URIs
        for root in roots:
            parts[i] = parts[i].replace(root + "/", "").replace(root, ".")
    return "".join(parts)


def rst_to_html(text: str) -> str:
    """A caption's reStructuredText as an HTML fragment; warnings go to stderr (the rule's log)."""
    from docutils.core import publish_parts

    overrides = {"report_level": 2, "halt_level": 5, "warning_stream": sys.stderr, "file_insertion_enabled": False,
                 "raw_enabled": False, "_disable_config": True, "initial_header_level": 4}
    return publish_parts(text, writer="html", settings_overrides=overrides)["fragment"]


def fmt_number(x) -> str:
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x == int(x) and abs(x) < 1e15:
            return f"{int(x):,}"
        return f"{x:.4g}"
    return str(x)


def fmt_cell(text: str) -> str:
    """A CSV cell: numbers to 4 significant digits, the rest as is."""
    try:
        value = float(text)
    except ValueError:
        return text
    return text if re.fullmatch(r"-?\d+", text.strip()) else fmt_number(value)


def benchmark_seconds(metrics_path: str | Path) -> float | None:
    """The seconds the training job of a model took, from the benchmark file Snakemake wrote
    for it (<dataset>/benchmarks/train/<model>_z<latent>.tsv beside <dataset>/models/); None
    where there is none. Result files hold no wall-clock times, so that runs compare byte for byte."""
    run = Path(metrics_path).parent
    tsv = run.parent.parent / "benchmarks" / "train" / f"{run.name}.tsv"
    try:
        with open(tsv, newline="") as fh:
            return float(next(csv.DictReader(fh, delimiter="\t"))["s"])
    except (OSError, StopIteration, KeyError, ValueError):
        return None


def fmt_seconds(s: float) -> str:
    s = float(s)
    if s < 90:
        return f"{s:.1f} s"
    if s < 5400:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def fmt_time(iso: str) -> str:
    """'2026-11-21T23:36:13+00:00' -> '2026-11-21 23:36:13 UTC'."""
    try:
        when = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def data_uri(path: str | Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


# --- rendering -------------------------------------------------------------------------
class Page:
    """HTML building with the project's absolute paths made relative in every bit of text."""

    def __init__(self, out_html: str | Path, roots: list[str]):
        self.out_dir = Path(out_html).parent
        self.roots = roots

    def esc(self, value) -> str:
        return html.escape(relativise(str(value), self.roots))

    def path(self, value) -> str:
        """A path as shown on the page: relative to the project, or only its name when it lies outside."""
        text = relativise(str(value), self.roots)
        return f"…/{Path(text).name}" if Path(text).is_absolute() else text

    def code(self, value) -> str:
        return f"<code>{self.esc(value)}</code>"

    def link(self, target: str | Path) -> str:
        """A relative href from the report folder to `target` (a path on this machine)."""
        return html.escape(Path(os.path.relpath(Path(target).resolve(), self.out_dir.resolve())).as_posix())

    def table(self, header: list[str], rows: list[list[str]], cls: str = "data", raw: bool = False) -> str:
        """`raw` cells are HTML already; otherwise they are escaped."""
        cell = (lambda c: c) if raw else self.esc
        head = "".join(f"<th>{self.esc(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def render_provenance(page: Page, fig: Figure) -> str:
    """The block under each figure: what made it, from what, with which code, and how to rebuild it."""
    p = fig.provenance
    rows = []

    def row(key: str, label: str, value_html: str) -> None:
        rows.append(f'<tr data-key="{key}"><th>{label}</th><td>{value_html}</td></tr>')

    row("rule", "Rule", page.code(p["rule"]))
    wildcards = ", ".join(f"{k}={v}" for k, v in p.get("wildcards", {}).items()) or "none"
    row("wildcards", "Wildcards", page.code(wildcards))
    params = ", ".join(f"{k}={json.dumps(v)}" for k, v in p.get("params", {}).items()) or "none"
    row("params", "Params", page.code(params))
    if p.get("notebook"):
        nb = page.code(p["notebook"])
        if fig.notebook_copy:
            nb += f' · <a href="{page.link(fig.notebook_copy)}">executed notebook</a>'
        row("notebook", "Notebook", nb)
    inputs = p["inputs"]
    items = "".join(
        f'<li><span class="role">{page.esc(role)}</span> {page.code(entry.get("path", ""))}'
        f'<br><span class="sha256" title="SHA-256">sha256 {page.esc(entry.get("sha256", "missing"))}</span></li>'
        for role, entry in inputs.items())
    listing = f'<ul class="inputs">{items}</ul>'
    if len(inputs) > INPUTS_SHOWN_OPEN:
        listing = f"<details><summary>{len(inputs)} input files with SHA-256</summary>{listing}</details>"
    row("inputs", "Inputs", listing)
    git = p["git"] or {}
    commit = git.get("commit")
    git_html = (f'<code title="{page.esc(commit)}">{page.esc(commit[:12])}</code>' if commit else "not a git checkout")
    if git.get("dirty"):
        git_html += ' <span class="warn">with uncommitted changes</span>'
    row("git", "Code", git_html)
    env = ", ".join(f"{k} {v}" for k, v in p["versions"].items() if v)
    if p.get("platform"):
        env += f"; {p['platform']}"
    row("versions", "Environment", page.esc(env))
    row("started", "Ran", page.esc(fmt_time(p["started"])))
    row("seconds", "Duration", page.esc(fmt_seconds(p["seconds"])))
    row("command", "Rebuild", f'<code class="cmd">{page.esc(p["command"])}</code>')
    summary = [f"Provenance: {page.code(p['rule'])}"]
    if fig.notebook_copy:
        summary.append(f'<a href="{page.link(fig.notebook_copy)}">executed notebook</a>')
    summary.append(f"commit {page.esc((commit or 'none')[:12])}{' (dirty)' if git.get('dirty') else ''}")
    summary.append(page.esc(f"ran {fmt_time(p['started'])[:16]} UTC for {fmt_seconds(p['seconds'])}"))
    return (f'<details class="provenance" data-figure="{page.esc(fig.name)}"><summary>{" · ".join(summary)}</summary>'
            f'<table class="prov">{"".join(rows)}</table></details>')


def render_caption(page: Page, fig: Figure) -> str:
    if not fig.caption:
        return '<p class="missing">No caption.</p>'
    return rst_to_html(relativise(Path(fig.caption).read_text(), page.roots))


def render_metrics_table(page: Page, fig: Figure) -> str:
    with open(fig.csv, newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return '<p class="missing">The metrics table is empty.</p>'
    header, body = rows[0], [[fmt_cell(c) for c in r] for r in rows[1:]]
    downloads = f'<a download="{fig.name}.csv" href="{data_uri(fig.csv, "text/csv")}">CSV</a>'
    if fig.md:
        downloads += f' · <a download="{fig.name}.md" href="{data_uri(fig.md, "text/markdown")}">Markdown</a>'
    return page.table(header, body) + f'<p class="downloads">Download: {downloads}</p>'


def render_figure(page: Page, fig: Figure) -> str:
    label = f"Table {fig.number}" if fig.is_table else f"Figure {fig.number}"
    if fig.is_table:
        body = render_metrics_table(page, fig)
    elif fig.png:
        body = f'<img src="{data_uri(fig.png, "image/png")}" alt="{label}: {page.esc(fig.name)}">'
    else:
        body = '<p class="missing">No image.</p>'
    return (f'<figure id="{fig.anchor}" class="figure" data-name="{page.esc(fig.name)}">'
            f'<div class="frame">{body}</div>'
            f'<figcaption><span class="label">{label}</span> <span class="figname">{page.esc(fig.name)}</span>'
            f'{render_caption(page, fig)}</figcaption>'
            f"{render_provenance(page, fig)}</figure>")


STATUS_CLASS = {claims_mod.HOLDS: "holds", claims_mod.FAILS: "fails", claims_mod.NOT_EVALUATED: "skipped"}


def render_claims(page: Page, rows: list[dict], figures: dict[str, Figure]) -> str:
    def sources(claim):
        refs = []
        for s in claim["sources"]:
            if s in figures:
                f = figures[s]
                refs.append(f'<a href="#{f.anchor}">{"Table" if f.is_table else "Figure"} {f.number}</a>')
            elif s in ("metrics", "baselines"):
                refs.append(f'<a href="#methods-runs">{s}</a>')
        return ", ".join(refs)

    body = []
    for c in rows:
        status = f'<span class="badge {STATUS_CLASS[c["status"]]}">{page.esc(c["status"])}</span>'
        body.append([
            page.esc(c["id"]),
            f'{page.esc(c["statement"])}<div class="rule">Check: {page.esc(c["rule"])}</div>',
            status,
            page.esc(c["evidence"]) + (f'<div class="rule">From {sources(c)}</div>' if sources(c) else ""),
        ])
    counts = claims_mod.summary(rows)
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    intro = ("<p>Each claim the study makes is checked against the numbers of this run. A claim that does not "
             "hold is shown, not hidden; a claim whose numbers were not produced is marked not evaluated. "
             f"This run: {summary}. The same verdicts are in <code>claims.json</code> beside this page.</p>")
    return intro + page.table(["", "Claim", "Verdict", "Numbers"], body, cls="claims", raw=True)


@dataclass
class Study:
    """Everything the methods section reads."""

    metrics: dict[tuple[str, int], dict]
    baselines: dict
    selection: dict
    sizes: dict[str, int]
    rulegraph: str | None  # an SVG of the workflow's rules (docs/rulegraph.svg, `make dag`)
    settings: dict  # {'config': ..., 'training': {model: settings}, 'configfiles': [...], 'config_args': {...}}
    train_seconds: dict[tuple[str, int], float] = field(default_factory=dict)  # from Snakemake's benchmark files

    def flags(self, page: Page) -> str:
        """' --configfile config/smoke.yaml --config key=value': how this run differs from config.yaml."""
        out = "".join(f" --configfile {c}" for c in self.settings.get("configfiles", []))
        args = self.settings.get("config_args") or {}
        if args:
            out += " --config " + " ".join(f"{k}={page.path(v) if isinstance(v, str) else json.dumps(v)}"
                                          for k, v in args.items())
        return out


def render_methods(page: Page, study: Study, figures: list[Figure], built: dict) -> str:
    cfg = study.settings.get("config", {})
    out = []
    subset = {k: cfg["subset"][k] for k in ("train", "val", "test") if (cfg.get("subset") or {}).get(k)}
    subset_note = (" A subset of each part was used (" + ", ".join(f"{k}: first {v:,}" for k, v in subset.items()) + ")."
                   if subset else "")
    out.append("<h3>Data</h3>")
    out.append(
        f"<p>Dataset <b>{page.esc(cfg.get('dataset', '?'))}</b>, read from the IDX files in {page.code(page.path(cfg.get('data_dir', '?')))} "
        f"and checked against known checksums. {study.sizes.get('train', 0):,} training, {study.sizes.get('val', 0):,} "
        f"validation and {study.sizes.get('test', 0):,} test images of 28×28 pixels scaled to [0, 1]; the validation "
        f"images are held out of the training set with seed {page.esc(cfg.get('seed', '?'))}.{page.esc(subset_note)}</p>")

    out.append("<h3>Models and training</h3>")
    models = cfg.get("models", sorted({m for m, _ in study.metrics}))

    def models_first(name):  # the config's order of models
        return (models.index(name) if name in models else len(models), name)

    out.append("<ul>" + "".join(f"<li>{page.esc(MODEL_NAMES.get(m, m))}</li>" for m in models) + "</ul>")
    arch = sorted({f"{m.get('arch', '?')} with hidden layers {m.get('hidden', '?')}" for m in study.metrics.values()})
    out.append(f"<p>Architecture: {page.esc('; '.join(arch) or '?')} (decoder mirrors the encoder). Latent sizes: "
               f"{page.esc(', '.join(map(str, cfg.get('latent_sizes', []))))}. Optimiser AdamW; device "
               f"{page.code(cfg.get('device', '?'))}.</p>")
    keys = ["epochs", "batch_size", "lr", "weight_decay", "beta", "recon_loss", "precision"]
    training = study.settings.get("training", {})
    if training:
        rows = [[m] + [fmt_number(training[m].get(k)) for k in keys] for m in sorted(training, key=models_first)]
        out.append(page.table(["model", "epochs", "batch size", "learning rate", "weight decay", "β (KL weight)",
                               "reconstruction loss", "training precision"], rows))

    out.append('<h3 id="methods-runs">Trained models</h3>')
    rows = []
    for (model, z), m in sorted(study.metrics.items(), key=lambda kv: (models_first(kv[0][0]), kv[0][1])):
        rows.append([model, str(z), fmt_number(m.get("n_parameters")), fmt_number(m.get("epochs")),
                     fmt_seconds(study.train_seconds[(model, z)]) if (model, z) in study.train_seconds else "–",
                     fmt_number(m.get("val_mse")), fmt_number(m.get("test_mse"))])
    out.append(page.table(["model", "latent", "parameters", "epochs", "training time", "validation MSE", "test MSE"], rows))
    pca = study.baselines.get("pca", {})
    mean_img = study.baselines.get("mean_image", {}).get("test_mse")
    out.append("<p>Baselines (test MSE): the mean training image "
               f"{page.esc(fmt_number(mean_img))}; PCA with k components: "
               + page.esc(", ".join(f"k={k}: {fmt_number(v['test_mse'])}" for k, v in sorted(pca.items(), key=lambda kv: int(kv[0]))))
               + ".</p>")
    if study.selection:
        out.append(f"<p>Later figures use latent size <b>{page.esc(study.selection.get('chosen_latent'))}</b>, "
                   f"chosen as the {page.esc(study.selection.get('rule', ''))}.</p>")

    if study.rulegraph:
        out.append('<h3>Workflow</h3><p>The rules of the Snakemake workflow and what each needs '
                   f'({page.code(page.path(study.rulegraph))}, drawn by <code>make dag</code>; scroll sideways):</p>'
                   f'<div class="scroll rulegraph"><img src="{data_uri(study.rulegraph, "image/svg+xml")}" '
                   'alt="Rule graph of the Snakemake workflow"></div>')
    out.append("<h3>Code and environment</h3>")
    git = built["git"]
    commit = git.get("commit")
    code = f"git commit {page.code(commit)}" if commit else "not a git checkout"
    if git.get("dirty"):
        code += ' <span class="warn">with uncommitted changes</span>'
    fig_commits = sorted({(f.provenance.get("git") or {}).get("commit") or "none" for f in figures})
    spread = ""
    if len(fig_commits) > 1 or (fig_commits and commit and fig_commits[0] != commit):
        spread = (" The figures were built from " + ", ".join(page.code(c[:12]) for c in fig_commits)
                  + "; each figure's provenance names its own.")
    out.append(f"<p>Report built {page.esc(built['when'])} (UTC) from {code}.{spread}</p>")
    out.append(page.table(list(built["versions"]), [[v or "not installed" for v in built["versions"].values()]]))
    seconds_train = sum(study.train_seconds.values())
    seconds_fig = sum(f.provenance.get("seconds", 0) for f in figures)
    out.append(f"<p>Compute: {page.esc(fmt_seconds(seconds_train))} of training over {len(study.train_seconds)} "
               f"models (Snakemake's benchmark files), {page.esc(fmt_seconds(seconds_fig))} of figure notebooks.</p>")

    out.append("<h3>How to rebuild</h3>")
    configfiles = study.flags(page)
    report_target = relativise(str(built["out"]), page.roots)
    steps = [
        ("Everything (data, models, figures, this report)", f"snakemake --cores 8{configfiles}"),
        ("This report only", f"snakemake --cores 2 {report_target}{configfiles}"),
        ("One figure: the command in its provenance block, e.g.",
         figures[0].provenance["command"] if figures else "snakemake --cores 2 <figure png>"),
        ("Snakemake's own report (figures by category, the rule graph, run times)",
         f"snakemake --report {Path(report_target).parent.as_posix()}/snakemake-report.html{configfiles}"),
    ]
    out.append("<p>From a checkout of the commit above, with the environment of <code>environment.yml</code> "
               "(or <code>make</code>, which creates <code>.venv</code>):</p><dl class=\"steps\">"
               + "".join(f"<dt>{page.esc(t)}</dt><dd><code class=\"cmd\">{page.esc(c)}</code></dd>" for t, c in steps)
               + "</dl>")
    return "".join(out)


def render(page: Page, figures: list[Figure], claim_rows: list[dict], study: Study, built: dict) -> str:
    """The whole page. Sections follow the figures' categories by their number, the claims sit
    at CLAIMS_SECTION, methods close the page; every figure and table is numbered in reading order."""
    groups: dict[tuple[float, str], list[Figure]] = {}
    for fig in figures:
        groups.setdefault(section_key(fig.category), []).append(fig)
    groups.setdefault(CLAIMS_SECTION, [])
    order = sorted(groups)
    n_fig = n_tab = 0
    for key in order:
        for fig in groups[key]:
            if fig.is_table:
                n_tab += 1
                fig.number = n_tab
            else:
                n_fig += 1
                fig.number = n_fig
    by_name = {f.name: f for f in figures}

    sections = []  # (anchor, title, html, [(anchor, label)])
    for i, key in enumerate(order, start=1):
        title = key[1]
        anchor = "sec-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        if key == CLAIMS_SECTION:
            sections.append((anchor, f"{i}. {title}", render_claims(page, claim_rows, by_name), []))
            continue
        body = "".join(render_figure(page, f) for f in groups[key])
        toc = [(f.anchor, f"{'Table' if f.is_table else 'Figure'} {f.number}: {f.name.replace('_', ' ')}") for f in groups[key]]
        sections.append((anchor, f"{i}. {title}", body, toc))
    sections.append(("sec-methods", f"{len(order) + 1}. {METHODS_TITLE}", render_methods(page, study, figures, built), []))

    toc_items = "".join(
        f'<li><a href="#{a}">{page.esc(t.split(". ", 1)[1])}</a>'
        + ('<ul class="figs">' + "".join(f'<li><a href="#{fa}">{page.esc(fl)}</a></li>' for fa, fl in sub) + "</ul>" if sub else "")
        + "</li>"
        for a, t, _, sub in sections)
    cfg = study.settings.get("config", {})
    notice = ""
    if study.flags(page):
        notice = (f'<p class="notice">Built with <code>{page.esc(study.flags(page).strip())}</code> on top of '
                  "config/config.yaml (e.g. the smoke profile: a data subset and small models), so the numbers "
                  "below are not the publication's.</p>")
    commit = (built["git"].get("commit") or "no git")[:12]
    counts = claims_mod.summary(claim_rows)
    head = (f'<header class="title"><h1>{TITLE}</h1>'
            f'<p class="meta">AE, VAE and CVAE on {page.esc(cfg.get("dataset", "?"))} at latent sizes '
            f'{page.esc(", ".join(map(str, cfg.get("latent_sizes", []))))} · {n_fig} figures · '
            f'claims: {counts[claims_mod.HOLDS]} hold, {counts[claims_mod.FAILS]} do not, '
            f'{counts[claims_mod.NOT_EVALUATED]} not evaluated · built {page.esc(built["when"])} · commit {page.code(commit)}'
            f'{" (dirty)" if built["git"].get("dirty") else ""}</p></header>')
    body = "".join(f'<section id="{a}"><h2>{page.esc(t)}</h2>{h}</section>' for a, t, h, _ in sections)
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{TITLE}: report</title><style>{CSS}</style></head><body><main>"
            f'{head}{notice}<nav class="toc">{TOGGLE}<h2>Contents</h2><ol>{toc_items}</ol></nav>{body}'
            f"{TOGGLE_SCRIPT}<footer>Generated by <code>python -m vaelab.publish.report</code> (the <code>report</code> rule of the "
            f"Snakemake workflow). Every number on this page is read from the run's files; none is typed in.</footer>"
            "</main></body></html>\n")


# --- executed notebooks ----------------------------------------------------------------
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.IGNORECASE)


def portable_notebook(text: str, roots: list[str]) -> str:
    """An executed notebook's HTML without remote scripts (require.js, MathJax from a CDN) and
    with project paths made relative: it opens offline and says nothing of the build machine."""
    return relativise(_REMOTE_SCRIPT.sub("", text), roots)


# --- build -----------------------------------------------------------------------------
def build(manifest: dict[str, dict], metrics_paths: list[str], baselines_path: str, selection_path: str,
          split_path: str, settings: dict, out_html: str | Path, out_claims: str | Path,
          root: str | Path | None = None, rulegraph: str | None = None) -> list[dict]:
    """Write the report, its claims.json and the notebook copies; return the claims."""
    root = Path(root or Path.cwd())
    roots = sorted({str(root), str(root.resolve())}, key=len, reverse=True)
    figures = load_figures(manifest)
    metrics = {run_key(p): read_json(p) for p in metrics_paths}
    baselines = read_json(baselines_path)
    selection = read_json(selection_path)
    study = Study(metrics=metrics, baselines=baselines, selection=selection, sizes=split_sizes(split_path),
                  rulegraph=rulegraph, settings=settings,
                  train_seconds={k: v for k, v in ((run_key(p), benchmark_seconds(p)) for p in metrics_paths)
                                 if v is not None})
    claim_rows = claims_mod.evaluate(claims_mod.ClaimInputs(
        metrics=metrics, baselines=baselines, chosen_latent=selection.get("chosen_latent"),
        figures={f.name: f.numbers for f in figures}))
    built = {"git": git_state(root), "versions": versions(), "out": out_html,
             "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")}
    page = Page(out_html, roots)
    for fig in figures:
        if fig.html and fig.notebook_copy:
            atomic_write_text(fig.notebook_copy, portable_notebook(Path(fig.html).read_text(), roots))
    text = render(page, figures, claim_rows, study, built)
    write_json(out_claims, {"claims": claim_rows, "summary": claims_mod.summary(claim_rows),
                            "chosen_latent": selection.get("chosen_latent")})
    atomic_write_text(out_html, text)
    return claim_rows


# --- command line ----------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m vaelab.publish.report", description=__doc__.split("\n\n")[0])
    ap.add_argument("--figures", required=True, help="JSON {name: {category, json, png, html, caption, csv, md, notebook_copy}}")
    ap.add_argument("--settings", default="{}", help="JSON {config, training, configfiles, config_args} for the methods section")
    ap.add_argument("--metrics", nargs="+", required=True, help="every model's metrics.json")
    ap.add_argument("--baselines", required=True)
    ap.add_argument("--selection", required=True, help="selected_latent.json")
    ap.add_argument("--split", required=True, help="split.npz (only its sizes are read)")
    ap.add_argument("--rulegraph", nargs="?", default=None, help="an SVG of the rule graph (optional)")
    ap.add_argument("--out", required=True, help="index.html")
    ap.add_argument("--out-claims", required=True, help="claims.json")
    args = ap.parse_args(argv)
    try:
        rows = build(json.loads(args.figures), args.metrics, args.baselines, args.selection, args.split,
                     json.loads(args.settings), args.out, args.out_claims, rulegraph=args.rulegraph)
    except ReportError as e:
        print(f"report: {e}", file=sys.stderr)
        raise SystemExit(1)
    print(f"report: wrote {args.out}; claims {claims_mod.summary(rows)}", file=sys.stderr)
    problems = check_report(args.out)
    if problems:  # a bug of this module: fail rather than publish a broken page
        print("report: the page has problems:\n  " + "\n  ".join(problems), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
