"""Run one figure notebook with Papermill, render it to HTML, stamp provenance on its figures.

A Snakemake figure rule calls `python -m vaelab notebook --rule <rule> --job '<json>'`.
The job names the notebook, the papermill parameters, the rule's inputs, outputs,
wildcards and params. After the notebook succeeds, every figure JSON it wrote gets a
`provenance` block, so the provenance is written in one place and never by hand.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sys
import time
from pathlib import Path

from vaelab.io import atomic_path, atomic_write_text, read_json, write_json
from vaelab.publish.provenance import now_iso, record


class NotebookParameterError(ValueError):
    """The rule passes a parameter the notebook does not declare."""


def check_parameters(notebook: str | Path, parameters: dict) -> None:
    """Papermill only warns about unknown names; we refuse them, naming each."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise NotebookParameterError(f"{notebook} does not declare parameter(s) {unknown}; it declares {sorted(declared)}")


def render_html(executed: str | Path, html_path: str | Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed), as_version=4)
    body, _ = HTMLExporter().from_notebook_node(nb)
    atomic_write_text(html_path, body)


def run(job: dict, rule: str) -> None:
    """Execute `job` (see module docstring). The executed notebook is written to
    job['log_notebook'] as it runs, so a failing cell's traceback stays in the logs."""
    import papermill

    notebook = job["notebook"]
    parameters = job["parameters"]
    check_parameters(notebook, parameters)
    started, t0 = now_iso(), time.perf_counter()
    log_notebook = Path(job["log_notebook"])
    log_notebook.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        notebook, str(log_notebook), parameters=parameters, kernel_name="python3",
        progress_bar=False, log_output=True, cwd=str(Path.cwd()),
    )
    seconds = time.perf_counter() - t0
    outputs = job["outputs"]
    with atomic_path(outputs["notebook"]) as tmp:
        shutil.copyfile(log_notebook, tmp)
    render_html(outputs["notebook"], outputs["html"])
    # --configfile takes several values, so it goes after the target
    configfiles = "".join(f" --configfile {c}" for c in job.get("configfiles", []))
    if job.get("config_args"):
        configfiles += " --config " + " ".join(shlex.quote(f"{k}={v}") for k, v in job["config_args"].items())
    for key, path in outputs.items():
        if not str(path).endswith(".json"):
            continue
        data = read_json(path)
        prov = record(
            rule=rule, wildcards=job["wildcards"], params=job["params"], inputs=job["inputs"],
            outputs=[path], started=started, seconds=seconds,
            notebook=notebook, executed_notebook=outputs["html"],
        )
        # the figure is the PNG beside the JSON: that is what a reader asks to rebuild
        target = outputs.get("png", path)
        prov["command"] = f"snakemake --cores 2 --force {target}{configfiles}"
        data["provenance"] = prov
        write_json(path, data)
    print(f"{rule}: ran {notebook} in {seconds:.1f}s", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="vaelab notebook")
    ap.add_argument("--rule", required=True)
    ap.add_argument("--job", required=True, help="JSON job description (see vaelab.publish.notebook)")
    args = ap.parse_args(argv)
    run(json.loads(args.job), args.rule)
