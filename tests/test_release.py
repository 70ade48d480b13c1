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
