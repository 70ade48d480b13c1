import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def snakemake(*args, cwd=ROOT, check=True):
    """Run Snakemake with this interpreter; returns the CompletedProcess (stdout+stderr in .stdout)."""
    cmd = [sys.executable, "-m", "snakemake", *args]
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout[-6000:]}")
    return proc


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory):
    """The project's tracked and untracked (non-ignored) files copied to a temp folder, so
    pipeline tests never touch the developer's results/."""
    dest = tmp_path_factory.mktemp("project")
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for rel in files:
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    # provenance records the git commit: give the copy a repository of its own
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "copy"],
        cwd=dest, check=True,
    )
    return dest


@pytest.fixture(scope="session")
def smoke_tree(project_copy):
    """The project copy after one smoke run of the whole DAG (config/smoke.yaml), shared by every test module."""
    snakemake("--cores", "2", "--configfile", "config/smoke.yaml", cwd=project_copy)
    return project_copy
