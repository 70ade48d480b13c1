"""The report page's view model: what templates/report.html.j2 shows, computed from the
run's files (vaelab.publish.report reads them). Every name, number and command on the page
is made here, in dataclasses; the template only lays them out.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vaelab.publish import claims as claims_mod
from vaelab.publish.formatting import fmt_cell, fmt_seconds
from vaelab.publish.report_methods import Commit, Methods, Study, Table, methods_view
from vaelab.publish.report_text import (
    alt_text,
    data_uri,
    join_words,
    relativise,
    render_caption,
    report_title,
    rst_to_html,
)
from vaelab.publish.tables import markdown_table

if TYPE_CHECKING:
    from vaelab.publish.report import Figure

TEMPLATES = Path(__file__).parent / "templates"
METHODS_TITLE = "Methods and reproducibility"
INPUTS_SHOWN_OPEN = 3  # a figure with more inputs than this lists them in a collapsed block
STATUS_CLASS = {
    claims_mod.HOLDS: "holds",
    claims_mod.UNSTABLE: "unstable",
    claims_mod.FAILS: "fails",
    claims_mod.NOT_EVALUATED: "skipped",
    claims_mod.NOT_APPLICABLE: "skipped",
}


# --- the view model: what the template shows, computed here ---------------------------
@dataclass
class Provenance:
    rule: str
    wildcards: str
    params: str
    notebook: str | None
    inputs: list[tuple[str, str, str]]  # (role, path, sha256)
    inputs_collapsed: bool
    commit: Commit
    environment: str
    duration: str
    command: str


@dataclass
class FigureView:
    name: str
    anchor: str
    label: str
    is_table: bool
    caption_html: str  # rendered from reStructuredText
    provenance: Provenance
    notebook_href: str | None = None
    image: str | None = None  # data URI
    alt: str = ""
    table: Table | None = None
    downloads: list[tuple[str, str, str]] = field(default_factory=list)  # (file name, label, data URI)


@dataclass
class ClaimView:
    id: str
    statement: str
    rule: str
    status: str
    status_class: str
    evidence: str  # 'holds in 2 of 3 seeds', or why it was not evaluated
    sources: list[tuple[str, str]]  # (href, label)
    source: str | None = None  # the publication that states it; None for the study's own claims
    by_seed: list[tuple[str, str, str, str]] = field(default_factory=list)  # (seed, status, class, evidence)
    applies: bool = True  # False: a claim about another dataset (status "not applicable")
    finding: str | None = None  # what this dataset shows where the claim does not apply


@dataclass
class Section:
    anchor: str
    title: str
    figures: list[FigureView] = field(default_factory=list)
    claims: list[ClaimView] | None = None  # the claims section


@dataclass
class Page:
    title: str
    models: str  # 'AE, VAE and CVAE'
    dataset: str
    latent_sizes: str
    n_figures: int
    claim_summary: str  # '6 hold, 3 do not, 1 not evaluated'
    built: str
    version: str  # vaelab's, as installed when the report was built
    commit: Commit
    flags: str  # how this run differs from config/config.yaml ('' when it does not)
    sections: list[Section]
    methods_anchor: str
    methods_title: str
    methods: Methods
    generator: str = "python -m vaelab.publish.report"


def section_anchor(title: str) -> str:
    return "sec-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def provenance_view(fig: Figure) -> Provenance:
    p = fig.provenance
    inputs = [(role, entry.get("path", ""), entry.get("sha256", "missing")) for role, entry in p["inputs"].items()]
    env = ", ".join(f"{k} {v}" for k, v in p["versions"].items() if v)
    return Provenance(
        rule=p["rule"],
        wildcards=", ".join(f"{k}={v}" for k, v in p.get("wildcards", {}).items()) or "none",
        params=", ".join(f"{k}={json.dumps(v)}" for k, v in p.get("params", {}).items()) or "none",
        notebook=p.get("notebook"),
        inputs=inputs,
        inputs_collapsed=len(inputs) > INPUTS_SHOWN_OPEN,
        commit=Commit.of(p["git"]),
        environment=env + (f"; {p['platform']}" if p.get("platform") else ""),
        # the figure job's time, from Snakemake's benchmark file: figure files hold no times
        duration=fmt_seconds(fig.seconds) if fig.seconds is not None else "not recorded",
        command=p["command"],
    )


def figure_view(fig: Figure, roots: list[str], out_dir: Path, words: dict) -> FigureView:
    caption = relativise(render_caption(Path(fig.caption).read_text(), words), roots) if fig.caption else None
    view = FigureView(
        name=fig.name,
        anchor=fig.anchor,
        label=fig.label,
        is_table=fig.is_table,
        caption_html=rst_to_html(caption) if caption else "",
        provenance=provenance_view(fig),
        notebook_href=Path(os.path.relpath(Path(fig.notebook_copy).resolve(), out_dir.resolve())).as_posix()
        if fig.notebook_copy
        else None,
    )
    if fig.is_table:
        # the Markdown copy is the table to read (a metrics table: mean ± sd over seeds); the CSV,
        # every row (every seed), is the download
        if fig.md:
            header, cells = markdown_table(Path(fig.md).read_text())
            view.table = Table(header, cells) if header else None
        else:
            with open(fig.csv, newline="") as fh:
                rows = list(csv.reader(fh))
            view.table = Table(rows[0], [[fmt_cell(c) for c in r] for r in rows[1:]]) if rows else None
        view.downloads = [(f"{fig.name}.csv", "CSV", data_uri(fig.csv, "text/csv"))]
        if fig.md:
            view.downloads.append((f"{fig.name}.md", "Markdown", data_uri(fig.md, "text/markdown")))
    elif fig.png:
        view.image, view.alt = data_uri(fig.png, "image/png"), alt_text(fig, caption)
    return view


def claim_views(rows: list[dict], figures: dict[str, Figure], methods_anchor: str) -> list[ClaimView]:
    def sources(claim):
        refs = []
        for s in claim["sources"]:
            if s in figures:
                refs.append((f"#{figures[s].anchor}", figures[s].label))
            elif s in ("metrics", "baselines"):
                refs.append((f"#{methods_anchor}", s))
        return refs

    def seeds(claim):
        return [
            (seed, r["status"], STATUS_CLASS[r["status"]], r["evidence"])
            for seed, r in claim.get("by_seed", {}).items()
            if claim["status"] not in (claims_mod.NOT_EVALUATED, claims_mod.NOT_APPLICABLE)
        ]

    return [
        ClaimView(
            c["id"],
            c["statement"],
            c["rule"],
            c["status"],
            STATUS_CLASS[c["status"]],
            c["evidence"],
            sources(c),
            c.get("source"),
            seeds(c),
            c["status"] != claims_mod.NOT_APPLICABLE,
            c["finding"]["text"] if c.get("finding") else None,
        )
        for c in rows
    ]


def page_view(
    ordered: list[tuple[str, list[Figure] | None]],
    claim_rows: list[dict],
    study: Study,
    built: dict,
    roots: list[str],
    words: dict,
) -> Page:
    """The whole page's content from the sections in order (the claims' holding None); figures
    and tables are numbered in reading order."""
    figures = [f for _, group in ordered for f in group or []]
    counter = {False: 0, True: 0}  # figures, tables
    for _, group in ordered:
        for fig in group or []:
            counter[fig.is_table] += 1
            fig.number = counter[fig.is_table]
    out_dir = Path(built["out"]).parent
    methods_anchor = "methods-runs"
    sections = []
    for title, group in ordered:
        section = Section(section_anchor(title), title, [figure_view(f, roots, out_dir, words) for f in group or []])
        if group is None:
            section.claims = claim_views(claim_rows, {f.name: f for f in figures}, methods_anchor)
        sections.append(section)
    counts = claims_mod.summary(claim_rows)
    flags = study.flags(roots).strip()
    cfg = study.config
    return Page(
        title=report_title(str(cfg.get("dataset", "mnist"))),
        models=join_words([m.upper() for m in study.models()]),
        dataset=str(cfg.get("dataset", "?")),
        latent_sizes=", ".join(map(str, cfg.get("latent_sizes", []))),
        n_figures=counter[False],
        claim_summary=f"{counts[claims_mod.HOLDS]} hold, {counts[claims_mod.UNSTABLE]} unstable, "
        f"{counts[claims_mod.FAILS]} do not, {counts[claims_mod.NOT_EVALUATED]} not evaluated"
        + (f", {counts[claims_mod.NOT_APPLICABLE]} not applicable" if counts[claims_mod.NOT_APPLICABLE] else ""),
        built=built["when"],
        version=built["versions"].get("vaelab") or "unknown",
        commit=Commit.of(built["git"]),
        flags=flags,
        sections=sections,
        methods_anchor=methods_anchor,
        methods_title=METHODS_TITLE,
        methods=methods_view(study, figures, built, roots),
    )


def render(page: Page, roots: list[str]) -> str:
    """The page from templates/report.html.j2, with every absolute project path made relative."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return relativise(env.get_template("report.html.j2").render(page=page), roots)
