"""Helpers notebooks use to find artifacts and save figures with the numbers behind them."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from vaelab.figures.result import as_numbers
from vaelab.io import atomic_path, read_json, write_json
from vaelab.publish.numbers import check_numbers

_RUN_DIR = re.compile(r"^(?P<model>[a-z_]+)_z(?P<latent>\d+)$")
_SEED_DIR = re.compile(r"^seed(?P<seed>\d+)$")


def project_root() -> Path:
    """The folder Snakemake runs in, found upwards from the current directory: the first with a
    Snakefile or Snakemake's .snakemake folder (a project that runs vaelab with `-d` or as a
    module has the latter, and may sit below a folder with a Snakefile of its own)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "Snakefile").exists() or (folder / ".snakemake").is_dir():
            return folder
    return here


def notebook_setup() -> None:
    """Run paths relative to the project root, as Snakemake does, also when a notebook is
    opened by hand in notebooks/; use a non-interactive backend for papermill, and the
    figures' font sizes."""
    os.chdir(project_root())
    import matplotlib

    if "ipykernel" not in matplotlib.get_backend().lower():
        matplotlib.use("Agg")
    # labels no smaller than 10 points: tick labels and legends are read at a figure's printed size
    matplotlib.rcParams.update({"font.size": 11, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10})


def seed_of(path: str | Path) -> int | None:
    """results/mnist/models/vae_z20/seed1/metrics.json -> 1 (None outside a seed<n> folder)."""
    m = _SEED_DIR.match(Path(path).parent.name)
    return int(m["seed"]) if m else None


def run_key(path: str | Path) -> tuple[str, int]:
    """results/mnist/models/vae_z20/seed1/metrics.json -> ('vae', 20): the run, whatever its seed."""
    folder = Path(path).parent
    if seed_of(path) is not None:
        folder = folder.parent
    m = _RUN_DIR.match(folder.name)
    if not m:
        raise ValueError(f"{path} is not inside a <model>_z<latent>[/seed<n>] folder")
    return m["model"], int(m["latent"])


def by_seed(paths: list[str]) -> dict[int | None, list[str]]:
    """{seed: its paths}, the seeds in the order they first appear (the config's `seeds`)."""
    out: dict[int | None, list[str]] = {}
    for p in paths:
        out.setdefault(seed_of(p), []).append(p)
    return out


def first_seed(paths: list[str]) -> list[str]:
    """The paths of the first seed: what image figures (reconstructions, maps, grids) draw."""
    return next(iter(by_seed(paths).values()), [])


def index_runs(paths: list[str]) -> dict[tuple[str, int], str]:
    """{(model, latent): path} for a list of per-model artifact paths of one seed."""
    out: dict[tuple[str, int], str] = {}
    for p in paths:
        key = run_key(p)
        if key in out:
            raise ValueError(f"{out[key]} and {p} are the same run of two seeds: split them with by_seed")
        out[key] = p
    return out


def load_metrics(paths: list[str]) -> dict[tuple[str, int], dict]:
    """{(model, latent): metrics} of one seed's metrics.json files."""
    return {key: read_json(p) for key, p in index_runs(paths).items()}


def load_metrics_by_seed(paths: list[str]) -> dict[int | None, dict[tuple[str, int], dict]]:
    """{seed: {(model, latent): metrics}}, the seeds in the config's order."""
    return {seed: load_metrics(group) for seed, group in by_seed(paths).items()}


def save_figure(fig, out_figure_path: str | Path, numbers, dpi: int = 150) -> None:
    """Write the figure as PNG and PDF, and the numbers it draws as JSON beside them.

    `numbers`: the figure's `compute` result (vaelab.figures.<name>.Numbers) or a dict. They must have the shape declared for the figure's name (the PNG's stem) in
    vaelab.publish.numbers; otherwise NumbersError, and nothing is written. The JSON gets its
    `provenance` block from the notebook runner once the notebook succeeds.
    """
    png = Path(out_figure_path)
    if dataclasses.is_dataclass(numbers):
        numbers = as_numbers(numbers)
    check_numbers(png.stem, numbers)
    with atomic_path(png) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    with atomic_path(png.with_suffix(".pdf")) as tmp:
        # no /CreationDate: the same figure gives the same bytes
        fig.savefig(tmp, bbox_inches="tight", format="pdf", metadata={"CreationDate": None})
    write_json(png.with_suffix(".json"), {"figure": png.name, "numbers": numbers})
