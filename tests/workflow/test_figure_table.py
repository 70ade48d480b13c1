"""The figure table (config/figures.yaml) is the one place a figure is declared: its rule,
its target and its place in the report follow from its entry."""

import json
import shlex

import pytest
import yaml
from conftest import ROOT, copy_project, snakemake


def _dry_run(cwd, *args):
    return snakemake("-n", "-p", "--forceall", "--configfile", "config/smoke.yaml", *args, cwd=cwd).stdout


def _report_figures(dry_run_output):
    """The report job's list of figures, in its order, from its printed command."""
    line = next(line for line in dry_run_output.splitlines() if "vaelab report " in line)
    argv = shlex.split(line)
    return list(json.loads(argv[argv.index("--figures") + 1]))


@pytest.fixture(scope="module")
def project_with_a_new_figure(tmp_path_factory):
    """A copy of the project with one figure added as a newcomer would: a notebook, a
    caption and one entry in the table (second in the Data section)."""
    root = copy_project(tmp_path_factory.mktemp("new_figure"))
    (root / "notebooks/pixel_means.ipynb").write_text((root / "notebooks/data_overview.ipynb").read_text())
    (root / "workflow/report/pixel_means.rst").write_text("Mean pixel value of each test digit.\n")
    table_path = root / "config/figures.yaml"
    table = yaml.safe_load(table_path.read_text())
    table["sections"][0]["figures"].append({"name": "pixel_means", "inputs": ["split", "tsne_test_images"]})
    table_path.write_text(yaml.safe_dump(table, sort_keys=False))
    return root


def test_a_new_entry_makes_its_rule_its_target_and_its_report_place(project_with_a_new_figure):
    out = _dry_run(project_with_a_new_figure)
    assert "rule figure_pixel_means:" in out
    assert "results/smoke/mnist/figures/pixel_means.png" in out
    figures = _report_figures(out)
    assert figures.index("pixel_means") == figures.index("data_overview") + 1


def test_without_the_entry_there_is_no_such_rule():
    out = _dry_run(ROOT)
    assert "figure_pixel_means" not in out
    assert _report_figures(out)[0] == "data_overview"


def test_the_report_follows_the_tables_order():
    table = yaml.safe_load((ROOT / "config/figures.yaml").read_text())
    listed = [f["name"] for section in table["sections"] for f in section["figures"]]
    assert _report_figures(_dry_run(ROOT)) == listed


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"name": "pixel_means", "inputs": ["split"]}, "has no notebooks/pixel_means.ipynb"),
        ({"name": "data_overview", "inputs": ["spilt"]}, "names unknown input(s) ['spilt']"),
        ({"name": "Bad Name", "inputs": []}, "Bad Name"),
    ],
)
def test_a_wrong_entry_stops_before_any_job(tmp_path, entry, message):
    root = copy_project(tmp_path)
    table_path = root / "config/figures.yaml"
    table = yaml.safe_load(table_path.read_text())
    figures = table["sections"][0]["figures"]
    if entry["name"] == "data_overview":
        figures[0] = entry
    else:
        figures.append(entry)
    table_path.write_text(yaml.safe_dump(table, sort_keys=False))
    proc = snakemake("-n", "--configfile", "config/smoke.yaml", cwd=root, check=False)
    assert proc.returncode != 0
    assert message in proc.stdout


def test_settings_for_a_figure_not_in_the_table_are_refused(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("figures: {pixel_meens: {n: 1}}\n")
    proc = snakemake("-n", "--configfile", "config/smoke.yaml", str(extra), check=False)
    assert proc.returncode != 0
    assert "figures.pixel_meens: no figure 'pixel_meens'" in proc.stdout
