"""Code is formatted and linted as the ecosystem does: ruff for Python (its settings in
pyproject.toml), snakefmt for the Snakefile and the rule files."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BIN = Path(sys.executable).parent
PYTHON_DIRS = ["."]  # every Python file and notebook of the project (ruff reads .ipynb)


def _tool(name):
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: pip install -e . installs it (pyproject.toml)")
    return str(path)


def _run(*cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_python_passes_ruff_check():
    proc = _run(_tool("ruff"), "check", *PYTHON_DIRS)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_python_is_ruff_formatted():
    proc = _run(_tool("ruff"), "format", "--check", *PYTHON_DIRS)
    assert proc.returncode == 0, f"run `ruff format {' '.join(PYTHON_DIRS)}`:\n" + proc.stdout[-4000:]


def test_rules_are_snakefmt_formatted():
    proc = _run(_tool("snakefmt"), "--check", "Snakefile", "workflow/rules")
    assert proc.returncode == 0, "run `snakefmt Snakefile workflow/rules`:\n" + (proc.stdout + proc.stderr)[-4000:]


def test_workflow_passes_snakemake_lint():
    """`snakemake --lint` finds nothing: every rule has log, conda environment, no globals in its
    command, no hard-coded path prefixes; rule files hold rules, config/threads/targets/launch.smk the functions."""
    proc = _run(sys.executable, "-m", "snakemake", "--lint", "--configfile", "config/smoke.yaml")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Lints for" not in out, out[-6000:]
    assert "Congratulations, your workflow is in a good condition!" in out
