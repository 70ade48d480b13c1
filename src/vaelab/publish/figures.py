"""Helpers notebooks use to find artifacts and save figures with the numbers behind them."""

from __future__ import annotations

import os
import re
from pathlib import Path

from vaelab.io import atomic_path, read_json, write_json
from vaelab.publish.numbers import check_numbers

_RUN_DIR = re.compile(r"^(?P<model>[a-z_]+)_z(?P<latent>\d+)$")


def project_root() -> Path:
    """The folder holding the Snakefile, found upwards from the current directory."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "Snakefile").exists():
            return folder
    return here


def notebook_setup() -> None:
    """Run paths relative to the project root, as Snakemake does, also when a notebook is
    opened by hand in notebooks/; and use a non-interactive backend for papermill."""
    os.chdir(project_root())
    import matplotlib

    if "ipykernel" not in matplotlib.get_backend().lower():
        matplotlib.use("Agg")


def run_key(path: str | Path) -> tuple[str, int]:
    """results/mnist/models/vae_z20/metrics.json -> ('vae', 20)."""
    m = _RUN_DIR.match(Path(path).parent.name)
    if not m:
        raise ValueError(f"{path} is not inside a <model>_z<latent> folder")
    return m["model"], int(m["latent"])


def index_runs(paths: list[str]) -> dict[tuple[str, int], str]:
    """{(model, latent): path} for a list of per-model artifact paths."""
    return {run_key(p): p for p in paths}


def load_metrics(paths: list[str]) -> dict[tuple[str, int], dict]:
    return {run_key(p): read_json(p) for p in paths}


def save_figure(fig, out_figure_path: str | Path, numbers: dict, dpi: int = 150) -> None:
    """Write the figure as PNG and PDF, and the numbers it draws as JSON beside them.

    The numbers must have the shape declared for the figure's name (the PNG's stem) in
    vaelab.publish.numbers; otherwise NumbersError, and nothing is written. The JSON gets its
    `provenance` block from the notebook runner once the notebook succeeds.
    """
    png = Path(out_figure_path)
    check_numbers(png.stem, numbers)
    with atomic_path(png) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    with atomic_path(png.with_suffix(".pdf")) as tmp:
        fig.savefig(tmp, bbox_inches="tight", format="pdf")
    write_json(png.with_suffix(".json"), {"figure": png.name, "numbers": numbers})
