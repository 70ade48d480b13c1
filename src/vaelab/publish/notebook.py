"""Run one figure notebook with Papermill, render it to HTML, stamp provenance on its figures.

A figure rule (workflow/rules/figures.smk) calls `vaelab notebook <notebook> --parameters
'<json>' ...`. The parameters name every input (`<name>_path`, `<name>_paths`) and output
(`out_<name>_path`) and the figure's settings. After the notebook succeeds, every JSON it
wrote gets a `provenance` block, so the provenance is written in one place, never by hand.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from vaelab.io import atomic_path, atomic_write_text, read_json, write_json
from vaelab.publish.provenance import record
from vaelab.rebuild import rebuild_command


class NotebookParameterError(ValueError):
    """The rule passes a parameter the notebook does not declare, or leaves out a setting."""


def check_parameters(notebook: str | Path, parameters: dict) -> None:
    """A notebook's parameters cell declares names (`n_top: int = None`); their values come from
    the rule, i.e. from the config. Papermill only warns about unknown names; we refuse them,
    and refuse a declared setting the rule leaves out (it would run as None). An input path may
    be left out: the figure table names an input this run does not make."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise NotebookParameterError(
            f"{notebook} does not declare parameter(s) {unknown}; it declares {sorted(declared)}"
        )
    missing = sorted(name for name in declared - set(parameters) if not name.endswith(("_path", "_paths")))
    if missing:
        raise NotebookParameterError(
            f"{notebook} declares setting(s) {missing} that the rule does not pass: give them a value in "
            "the config (`figures: <name>:`) or the rule's parameters (workflow/rules/targets.smk)"
        )


def render_html(executed: str | Path, html_path: str | Path) -> None:
    """The executed notebook as HTML that opens offline: without nbconvert's scripts from a CDN
    (require.js, MathJax) and with project paths relative, as the report's and the crate's
    copies of it need."""
    import nbformat
    from nbconvert import HTMLExporter

    from vaelab.publish.report import portable_notebook

    nb = nbformat.read(str(executed), as_version=4)
    body, _ = HTMLExporter().from_notebook_node(nb)
    root = Path.cwd()
    atomic_write_text(
        html_path, portable_notebook(body, sorted({str(root), str(root.resolve())}, key=len, reverse=True))
    )


# what papermill and Jupyter record of when each cell ran: kept in the log's copy only
_TIMES = ("start_time", "end_time", "duration")


def write_reproducible(log_notebook: str | Path, executed: str | Path) -> None:
    """Copy the executed notebook without what changes from run to run: papermill's and
    Jupyter's times, and the random id of the parameters cell papermill injects (it becomes
    `injected-parameters`), so that two runs write it, and its HTML, byte for byte."""
    import nbformat

    nb = nbformat.read(str(log_notebook), as_version=4)
    for key in _TIMES:
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for key in _TIMES:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    with atomic_path(executed) as tmp:
        nbformat.write(nb, str(tmp))


def run(
    notebook: str,
    parameters: dict,
    rule: str,
    executed: str,
    html: str,
    log_notebook: str,
    launch_flags: str,
    rebuild_flags: str = "",
) -> None:
    """Execute `notebook` with `parameters`, keep the executed copy and its HTML, and stamp
    provenance on the JSON files it wrote. The notebook is written to `log_notebook` as it
    runs, so a failing cell's traceback stays in the logs. `launch_flags` and `rebuild_flags`:
    how this run was started and its config flags, for the provenance's rebuild command."""
    import papermill

    check_parameters(notebook, parameters)
    t0 = time.perf_counter()
    Path(log_notebook).parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        notebook,
        log_notebook,
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        log_output=True,
        cwd=str(Path.cwd()),
    )
    seconds = time.perf_counter() - t0
    write_reproducible(log_notebook, executed)
    render_html(executed, html)
    inputs = {
        k.rsplit("_", 1)[0]: v
        for k, v in parameters.items()
        if k.endswith(("_path", "_paths")) and not k.startswith("out_") and v is not None
    }
    inputs["notebook"] = notebook
    settings = {k: v for k, v in parameters.items() if not k.endswith(("_path", "_paths")) and k != "dataset"}
    outputs = {k: v for k, v in parameters.items() if k.startswith("out_")}
    # the figure is the PNG: that is what a reader asks to rebuild
    target = outputs.get("out_figure_path") or next(iter(outputs.values()))
    for path in _written_json(outputs):
        data = read_json(path)
        prov = record(
            rule=rule,
            wildcards={"dataset": parameters["dataset"]},
            params=settings,
            inputs=inputs,
            outputs=[path],
            command=rebuild_command(target, launch_flags=launch_flags, run_flags=rebuild_flags, force=True),
            notebook=notebook,
            executed_notebook=html,
        )
        data["provenance"] = prov
        write_json(path, data)
    print(f"{rule}: ran {notebook} in {seconds:.1f}s", file=sys.stderr)


def _written_json(outputs: dict) -> list[str]:
    """The JSON files of a figure's outputs: beside its PNG, or named among a table's."""
    paths = [v for v in outputs.values() if str(v).endswith(".json")]
    if "out_figure_path" in outputs:
        paths.append(str(Path(outputs["out_figure_path"]).with_suffix(".json")))
    return paths
