"""What a release carries: one version everywhere, a changelog, the licence, the citation, and
environment files with the package's own pins."""

import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

import vaelab
from vaelab import cli

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_version_flag_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"vaelab {vaelab.__version__}"


def test_installed_version_is_the_packages():
    # pyproject reads vaelab.__version__ (dynamic): the installed metadata says the same
    assert "version" in PROJECT["dynamic"]
    assert metadata.version("vaelab") == vaelab.__version__


def test_changelog_has_an_unreleased_section_and_this_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings[0] == "Unreleased"
    assert vaelab.__version__ in headings


def test_licence_is_mit_everywhere():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert PROJECT["license"] == "MIT"
    assert yaml.safe_load((ROOT / "CITATION.cff").read_text())["license"] == "MIT"


def cffconvert() -> str | None:
    """The cffconvert that `make` installs in a venv of its own (.venv/cffconvert: its jsonschema<4
    pin excludes Snakemake's jsonschema 4), else one on PATH."""
    beside = Path(sys.prefix) / "cffconvert" / "bin" / "cffconvert"
    return str(beside) if beside.exists() else shutil.which("cffconvert")


def test_citation_is_valid_and_names_this_version():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(citation["version"]) == vaelab.__version__
    program = cffconvert()
    if program is None:
        pytest.skip("cffconvert is not installed: `make .venv/.installed` puts it in .venv/cffconvert")
    proc = subprocess.run(
        [program, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _pyproject_requirements() -> set[str]:
    extras = [r for group in PROJECT["optional-dependencies"].values() for r in group]
    return {r.replace(" ", "") for r in [*PROJECT["dependencies"], *extras]}


@pytest.mark.parametrize("path", ["environment.yml", "workflow/envs/vaelab.yaml"])
def test_conda_environments_pin_what_pyproject_pins(path):
    env = yaml.safe_load((ROOT / path).read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert {r.replace(" ", "") for r in pip if not r.startswith("-e ")} == _pyproject_requirements()
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.removeprefix("python").replace(" ", "") == PROJECT["requires-python"].replace(" ", "")
