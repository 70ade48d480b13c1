"""The report's methods section: the data, models, training settings, runs, baselines, the
latent size chosen, versions, compute and the steps to rebuild, from the run's files
(vaelab.publish.report reads them into a Study)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vaelab.constants import IMAGE_SIDE
from vaelab.publish.formatting import fmt_number, fmt_seconds
from vaelab.publish.report_text import (
    data_uri,
    optimizer_name,
    relativise,
    shown_path,
)
from vaelab.rebuild import rebuild_command
from vaelab.runs import MODEL_DESCRIPTIONS

if TYPE_CHECKING:
    from vaelab.publish.report import Figure

TRAINING_COLUMNS = {  # key of the training settings -> column of the methods table
    "epochs": "epochs",
    "batch_size": "batch size",
    "lr": "learning rate",
    "weight_decay": "weight decay",
    "beta": "β (KL weight)",
    "recon_loss": "reconstruction loss",
    "precision": "training precision",
}


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
