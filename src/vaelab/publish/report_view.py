"""The report page's view model: what templates/report.html.j2 shows, computed from the
run's files (vaelab.publish.report reads them). Every name, number and command on the page
is made here, in dataclasses; the template only lays them out.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vaelab.constants import IMAGE_SIDE
from vaelab.publish import claims as claims_mod
from vaelab.publish.formatting import fmt_cell, fmt_number, fmt_seconds
from vaelab.publish.report_check import DATA_URI
from vaelab.publish.tables import markdown_table
from vaelab.rebuild import rebuild_command
from vaelab.runs import MODEL_DESCRIPTIONS

if TYPE_CHECKING:
    from vaelab.publish.report import Figure

TITLE = "Autoencoders on handwritten digits"  # MNIST's; another dataset's: report_title
TEMPLATES = Path(__file__).parent / "templates"
METHODS_TITLE = "Methods and reproducibility"
TRAINING_COLUMNS = {  # key of the training settings -> column of the methods table
    "epochs": "epochs",
    "batch_size": "batch size",
    "lr": "learning rate",
    "weight_decay": "weight decay",
    "beta": "β (KL weight)",
    "recon_loss": "reconstruction loss",
    "precision": "training precision",
}
INPUTS_SHOWN_OPEN = 3  # a figure with more inputs than this lists them in a collapsed block
STATUS_CLASS = {
    claims_mod.HOLDS: "holds",
    claims_mod.UNSTABLE: "unstable",
    claims_mod.FAILS: "fails",
    claims_mod.NOT_EVALUATED: "skipped",
    claims_mod.NOT_APPLICABLE: "skipped",
}


def report_title(dataset: str) -> str:
    """The page's title: the publication's on MNIST, the dataset's name on another."""
    return TITLE if dataset == "mnist" else f"Autoencoders on {dataset}"


def caption_words(classes, config: dict) -> dict:
    """What a caption may say of the run, as `snakemake --report` gives it: a figure rule's params
    (workflow/rules/figures.smk), e.g. {{ snakemake.params.class_noun }}, and the config."""
    params = {
        "class_noun": classes.noun,
        "class_names": list(classes.names),
        "outside_name": config.get("outside", {}).get("name"),
    }
    return {"params": params, "config": config}


def render_caption(text: str, words: dict) -> str:
    """A caption's Jinja fields filled as Snakemake's report fills them; an unknown field fails."""
    from types import SimpleNamespace

    import jinja2

    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text)
    snakemake = SimpleNamespace(params=SimpleNamespace(**words["params"]), config=words["config"])
    return template.render(snakemake=snakemake)


def optimizer_name(training: dict[str, dict]) -> str:
    """The optimiser: the config's when it names one, else the class that the training loop's
    optimiser factory returns, read from its source (importing torch for a word costs seconds)."""
    named = sorted({s["optimizer"] for s in training.values() if s.get("optimizer")})
    if named:
        return ", ".join(named)
    import ast

    import vaelab

    def functions(module):
        tree = ast.parse((Path(vaelab.__file__).parent / "train" / f"{module}.py").read_text())
        return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    defs = functions("loop")
    made = [
        n.value.func.id
        for n in ast.walk(defs["train"])
        if isinstance(n, ast.Assign)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Name)
        and any(getattr(t, "id", "") == "optimizer" for t in n.targets)
    ]
    factory = defs.get(made[0]) or functions("device")[made[0]]  # the factory lives beside pick_device
    return ast.unparse(factory.returns).rsplit(".", 1)[-1]


# --- text helpers ----------------------------------------------------------------------
def relativise(text: str, roots: list[str]) -> str:
    """Replace absolute project paths by relative ones, leaving data URIs untouched."""
    parts = DATA_URI.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside data URIs
        for root in roots:
            parts[i] = parts[i].replace(root + "/", "").replace(root, ".")
    return "".join(parts)


def shown_path(value, roots: list[str]) -> str:
    """A path as the page shows it: relative to the project, or only its name when it lies outside."""
    text = relativise(str(value), roots)
    return f"…/{Path(text).name}" if Path(text).is_absolute() else text


def rst_to_html(text: str) -> str:
    """A caption's reStructuredText as an HTML fragment; warnings go to stderr (the rule's log)."""
    from docutils.core import publish_parts

    overrides = {
        "report_level": 2,
        "halt_level": 5,
        "warning_stream": sys.stderr,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "_disable_config": True,
        "initial_header_level": 4,
    }
    return publish_parts(text, writer="html", settings_overrides=overrides)["fragment"]


SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)\s+")


def alt_text(fig: Figure, caption_rst: str | None) -> str:
    """What the image shows, for readers who cannot see it: the figure's title (or its caption's
    bold lead) and the caption's first sentence after it."""
    from docutils.core import publish_doctree

    text = ""
    if caption_rst:
        doc = publish_doctree(caption_rst, settings_overrides={"report_level": 5, "_disable_config": True})
        text = " ".join(doc.astext().split())
    sentences = SENTENCE_END.split(text) if text else []
    lead = fig.title or (sentences.pop(0) if sentences else fig.name.replace("_", " "))
    return f"{fig.label}: {lead.rstrip('.')}. {sentences[0] if sentences else ''}".strip()


def join_words(words: list[str]) -> str:
    """['AE', 'VAE', 'CVAE'] -> 'AE, VAE and CVAE'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else "none"


def data_uri(path: str | Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


# --- the view model: what the template shows, computed here ---------------------------
@dataclass
class Commit:
    """A code version as the page shows it, everywhere alike."""

    commit: str | None
    dirty: bool | None

    @classmethod
    def of(cls, git: dict | None) -> Commit:
        return cls((git or {}).get("commit"), (git or {}).get("dirty"))


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


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
class Step:
    what: str
    command: str


@dataclass
class Methods:
    dataset: str
    data_dir: str
    sizes: dict[str, str]  # 'train', 'val', 'test' -> '54,000'
    image_side: int
    seed: str
    seeds: str  # the training seeds (replicates), '0, 1, 2'
    subset: str  # '' or 'train: first 5,000, ...'
    models: list[tuple[str, str]]  # (name, description)
    architecture: str
    latent_sizes: str
    optimizer: str
    device: str
    training: Table | None
    runs: Table
    mean_image_mse: str
    pca_mse: str
    chosen_latent: str | None
    selection_rule: str
    rulegraph: str | None  # shown path
    rulegraph_image: str | None  # data URI
    versions: Table
    figure_commits: list[str]  # when figures were built from other commits than the report
    compute_training: str
    compute_figures: str
    n_models: int
    steps: list[Step]


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


@dataclass
class Study:
    """Everything the methods section reads."""

    metrics: dict[tuple[str, int, int | None], dict]  # (model, latent, seed) -> metrics.json
    baselines: dict
    selection: dict
    sizes: dict[str, int]
    rulegraph: str | None  # an SVG of the workflow's rules (docs/rulegraph.svg, `make dag`)
    # {'config': ..., 'training': {model: settings}, 'launch_flags': '--cores 2', 'run_flags': ' --configfile ...'}
    settings: dict
    train_seconds: dict[tuple[str, int, int | None], float] = field(default_factory=dict)  # Snakemake's benchmarks

    @property
    def config(self) -> dict:
        return self.settings.get("config", {})

    def models(self) -> list[str]:
        """The config's models, in its order; else those trained."""
        return self.config.get("models") or sorted({m for m, *_ in self.metrics})

    def flags(self, roots: list[str], key: str = "run_flags") -> str:
        """This run's --configfile and --config flags (or with key "launch_flags", how it was
        started: --cores, --profile), paths outside the project shortened."""
        flags = relativise(self.settings.get(key, ""), roots)
        return re.sub(r"(?<==)/[^\s']+", lambda m: shown_path(m.group(0), roots), flags)


def methods_view(study: Study, figures: list[Figure], built: dict, roots: list[str]) -> Methods:
    cfg = study.config
    models = study.models()

    def model_order(name):
        return (models.index(name) if name in models else len(models), name)

    subset = cfg.get("subset") or {}
    training = study.settings.get("training", {})
    runs = [
        [
            model,
            str(z),
            "–" if seed is None else str(seed),
            fmt_number(m.get("n_parameters")),
            fmt_number(m.get("epochs")),
            fmt_seconds(study.train_seconds[key]) if key in study.train_seconds else "–",
            fmt_number(m.get("val_mse")),
            fmt_number(m.get("test_mse")),
        ]
        # seeds in the config's order (the order of study.metrics) within each model and latent size
        for key, m in sorted(study.metrics.items(), key=lambda kv: (model_order(kv[0][0]), kv[0][1]))
        for model, z, seed in [key]
    ]
    pca = study.baselines.get("pca", {})
    commit = built["git"].get("commit")
    fig_commits = sorted({(f.provenance.get("git") or {}).get("commit") or "none" for f in figures})
    report_target = relativise(str(built["out"]), roots)
    flags, launch = study.flags(roots), study.flags(roots, "launch_flags")
    return Methods(
        dataset=str(cfg.get("dataset", "?")),
        data_dir=shown_path(cfg.get("data_dir", "?"), roots),
        sizes={k: fmt_number(study.sizes.get(k, 0)) for k in ("train", "val", "test")},
        image_side=IMAGE_SIDE,
        seed=str(cfg.get("seed", "?")),
        subset=", ".join(f"{k}: first {subset[k]:,}" for k in ("train", "val", "test") if subset.get(k)),
        models=[(m.upper(), MODEL_DESCRIPTIONS.get(m, "")) for m in models],
        architecture="; ".join(
            sorted(
                {
                    f"{m.get('arch', '?')} with hidden layers of "
                    + (", ".join(map(str, m["hidden"])) if isinstance(m.get("hidden"), list) else "?")
                    + " units"
                    for m in study.metrics.values()
                }
            )
        )
        or "?",
        latent_sizes=", ".join(map(str, cfg.get("latent_sizes", []))),
        optimizer=optimizer_name(training),
        device=str(cfg.get("device", "?")),
        training=Table(
            ["model", *TRAINING_COLUMNS.values()],
            [
                [m] + [fmt_number(training[m].get(k)) for k in TRAINING_COLUMNS]
                for m in sorted(training, key=model_order)
            ],
        )
        if training
        else None,
        runs=Table(
            ["model", "latent", "seed", "parameters", "epochs", "training time", "validation MSE", "test MSE"], runs
        ),
        seeds=", ".join(map(str, cfg.get("seeds", []))),
        mean_image_mse=fmt_number(study.baselines.get("mean_image", {}).get("test_mse")),
        pca_mse=", ".join(
            f"k={k}: {fmt_number(v['test_mse'])}" for k, v in sorted(pca.items(), key=lambda kv: int(kv[0]))
        ),
        chosen_latent=str(study.selection["chosen_latent"])
        if study.selection.get("chosen_latent") is not None
        else None,
        selection_rule=str(study.selection.get("rule", "")),
        rulegraph=shown_path(study.rulegraph, roots) if study.rulegraph else None,
        rulegraph_image=data_uri(study.rulegraph, "image/svg+xml") if study.rulegraph else None,
        versions=Table(list(built["versions"]), [[v or "not installed" for v in built["versions"].values()]]),
        figure_commits=fig_commits
        if len(fig_commits) > 1 or (fig_commits and commit and fig_commits[0] != commit)
        else [],
        compute_training=fmt_seconds(sum(study.train_seconds.values())),
        compute_figures=fmt_seconds(sum(f.seconds or 0 for f in figures)),
        n_models=len(study.train_seconds),
        steps=[
            Step(
                "Everything (data, models, figures, this report)", rebuild_command(launch_flags=launch, run_flags=flags)
            ),
            Step("This report only", rebuild_command(report_target, launch_flags=launch, run_flags=flags)),
            Step(
                "One figure: the command in its provenance block, e.g.",
                figures[0].provenance["command"]
                if figures
                else rebuild_command("<figure png>", launch_flags=launch, force=True, run_flags=flags),
            ),
            Step(
                "Snakemake's own report (figures by category, the rule graph, run times)",
                rebuild_command(
                    report=f"{Path(report_target).parent.as_posix()}/snakemake-report.html", run_flags=flags
                ),
            ),
        ],
    )


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
