"""Every notebook is parameterized, committed without outputs, and declares what its rule passes."""

import ast
import json
import re
import shlex
from pathlib import Path

import nbformat
import papermill
import pytest
from conftest import ROOT, snakemake

from vaelab.publish.notebook import NotebookParameterError, check_parameters

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_one_parameters_cell_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [1], "the first code cell after the imports must be the only one tagged `parameters`"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "out_figure_path" in papermill.inspect_notebook(str(path)) or path.stem == "metrics_table"


def _jobs_of_dry_run():
    """{rule: (notebook, parameters)} of every notebook job of the smoke DAG."""
    out = snakemake("-n", "-p", "--forceall", "--configfile", "config/smoke.yaml").stdout
    jobs = {}
    for line in out.splitlines():
        if "vaelab notebook " in line:
            argv = shlex.split(line)
            notebook = argv[argv.index("notebook") + 1]
            jobs[argv[argv.index("--rule") + 1]] = (notebook, json.loads(argv[argv.index("--parameters") + 1]))
    return jobs


def test_every_figure_rule_passes_only_declared_parameters():
    jobs = _jobs_of_dry_run()
    assert len(jobs) >= 16
    for rule, (notebook, parameters) in jobs.items():
        declared = set(papermill.inspect_notebook(str(ROOT / notebook)))
        unknown = set(parameters) - declared
        assert not unknown, f"{rule} passes {sorted(unknown)} that {notebook} does not declare"
        check_parameters(ROOT / notebook, parameters)  # and leaves out no setting
        assert rule == f"figure_{Path(notebook).stem}"
        missing = {"dataset", "seed"} - set(parameters)
        assert not missing, f"{rule} does not pass {sorted(missing)}"


def test_runner_refuses_an_undeclared_parameter():
    with pytest.raises(NotebookParameterError, match="model_pth"):
        check_parameters(ROOT / "notebooks/data_overview.ipynb", {"split_path": "x", "model_pth": "y"})


def test_runner_refuses_a_setting_the_rule_leaves_out():
    given = {"split_path": "x", "dataset": "mnist", "class_names": [], "class_noun": "digit", "seed": 0}
    with pytest.raises(NotebookParameterError, match=r"\['n_grid', 'seeds'\] that the rule does not pass"):
        check_parameters(ROOT / "notebooks/data_overview.ipynb", given)
    # an input path may be missing (an input this run does not make); a setting may not
    check_parameters(ROOT / "notebooks/data_overview.ipynb", {**given, "n_grid": 10, "seeds": [0]})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_declares_names_and_holds_no_values(path):
    """The values come from the rule (the config); a value here would be a second home for it."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for statement in ast.parse(cell.source).body:
        assert isinstance(statement, ast.AnnAssign), (
            f"{path.name}: `{ast.unparse(statement)}` is not `name: type = None`"
        )
        assert isinstance(statement.value, ast.Constant) and statement.value.value is None, (
            f"{path.name}: {statement.target.id} has a value; the rule gives it"
        )


def test_the_executed_notebooks_html_loads_nothing_from_the_network(tmp_path, monkeypatch):
    """The crate copies results/<dataset>/notebooks/*.html as they are: they must open offline."""
    from vaelab.publish.notebook import render_html

    monkeypatch.chdir(tmp_path)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("$x^2$"), nbformat.v4.new_code_cell("1")])
    nbformat.write(nb, tmp_path / "executed.ipynb")
    render_html(tmp_path / "executed.ipynb", tmp_path / "executed.html")
    html = (tmp_path / "executed.html").read_text()
    assert "<html" in html and "x^2" in html
    assert not re.findall(r"<script[^>]*src=[\"']https?://", html)
