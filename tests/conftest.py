import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

# explicit settings for tests that train (TrainConfig has no defaults); a test changes what it needs
TEST_TRAINING = dict(
    epochs=1, batch_size=64, lr=1e-3, weight_decay=0.01, beta=1.0, recon_loss="mse", seed=0, precision="float32"
)


def train_config(**changes):
    """A vaelab.train.loop.TrainConfig of TEST_TRAINING with `changes`."""
    from vaelab.train.loop import TrainConfig

    return TrainConfig(**{**TEST_TRAINING, **changes})


def snakemake(*args, cwd=ROOT, check=True, timeout=None, env=None):
    """Run Snakemake with this interpreter; returns the CompletedProcess (stdout+stderr in .stdout).
    `env`: variables to set on top of this process's environment."""
    cmd = [sys.executable, "-m", "snakemake", *args]
    env = {**os.environ, **env} if env else None
    proc = subprocess.run(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, env=env
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout[-6000:]}")
    return proc


def copy_project(dest: Path, git: bool = True) -> Path:
    """The project's tracked and untracked (non-ignored) files copied to `dest`; with `git`, as
    the first commit of a repository of its own (provenance records the git commit)."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for rel in files:
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    if git:
        subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
        subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
        # fixed dates: copies of the same files are the same commit, which provenance records
        dates = {"GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z"}
        subprocess.run(
            ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "copy"],
            cwd=dest,
            check=True,
            env={**os.environ, **dates},
        )
    return dest


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory):
    """A copy of the project, so pipeline tests never touch the developer's results/."""
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="session")
def smoke_tree(project_copy):
    """One local smoke run of the whole DAG (`--cores 2`, config/smoke.yaml) per session, shared
    by the pipeline's tests, the browser test of its report and the Slurm tests' comparison.
    Run as `make` runs it, with Snakemake's output cache (in <project>/cache), which the cache
    tests publish from."""
    cache = project_copy / "cache"
    snakemake(
        "--cores", "2", "--cache", "--configfile", "config/smoke.yaml", cwd=project_copy,
        env={"SNAKEMAKE_OUTPUT_CACHE": str(cache)},
    )  # fmt: skip
    return project_copy


def result_files(tree: Path, figures: bool = True) -> dict[str, bytes]:
    """Every result file of a smoke run under `tree` (results/smoke): relative path -> bytes to
    compare. With `figures`, the figures' numbers, tables and the claims too; a figure's JSON
    is compared without its provenance block (executor, input paths), the one place where
    the machine that ran it belongs."""
    patterns = [
        "data/split.npz",
        "baselines.json",
        "anomaly_baselines.npz",
        "selected_latent.json",
        "models/*/*/*",
        "imputation/*/*/*",
        "classifier/*",
        "embeddings/*.npz",
    ]
    if figures:
        patterns += ["figures/*.json", "figures/*.csv", "figures/*.md"]
    out = {}
    for pattern in patterns:
        for path in sorted((tree / "mnist").glob(pattern)):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if path.parent.name == "figures" and path.suffix == ".json":
                numbers = json.loads(data)
                numbers.pop("provenance")
                data = json.dumps(numbers, sort_keys=True).encode()
            out[str(path.relative_to(tree))] = data
    if figures:
        out["report/claims.json"] = (tree / "report/claims.json").read_bytes()
    return out


ARTIFACTS = []  # (what, folder) that tests want a reader to look at, named at the end of the run


def pytest_terminal_summary(terminalreporter):
    for what, folder in ARTIFACTS:
        terminalreporter.write_line(f"{what}: {folder}")
