"""Which Python `make` creates .venv with (tools/find_python.sh), and that pyproject.toml and
workflow/envs/vaelab.yaml allow the same Pythons and pin the same packages."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
FIND_PYTHON = ROOT / "tools" / "find_python.sh"

# A fake interpreter: `-V` prints its version (or fails as an unselected pyenv shim does);
# `-m venv [--clear] DIR` makes a .venv whose python and pip do nothing and records who made it.
SHIM = """#!/bin/sh
if [ "$1" = -V ]; then {version}; fi
if [ "$1 $2" = "-m venv" ]; then
    shift 2; [ "$1" = --clear ] && shift
    mkdir -p "$1/bin"
    for t in python pip; do printf '#!/bin/sh\\nexit 0\\n' > "$1/bin/$t"; chmod +x "$1/bin/$t"; done
    echo {name} > "$1/made_by"; exit 0
fi
exit 2
"""


def fake_bin(path, **versions):
    """A folder of fake interpreters, e.g. fake_bin(p, python3_12="3.12.4", python3="3.10.2");
    a version of None makes one that fails like a pyenv shim for a version not selected."""
    path.mkdir(parents=True, exist_ok=True)
    for key, version in versions.items():
        name = key.replace("_", ".")
        if version is None:
            body = f'echo "pyenv: {name}: command not found" >&2; exit 127'
        else:
            body = f'echo "Python {version}"; exit 0'
        (path / name).write_text(SHIM.format(version=body, name=name))
        (path / name).chmod(0o755)
    return path


def find_python(path_dirs, python=None):
    env = {"PATH": os.pathsep.join(str(p) for p in path_dirs)}
    if python is not None:
        env["PYTHON"] = python
    return subprocess.run(["/bin/sh", str(FIND_PYTHON)], env=env, capture_output=True, text=True)


def test_picks_the_newest_and_says_so(tmp_path):
    fakes = fake_bin(tmp_path, python3_11="3.11.9", python3_12="3.12.4", python3="3.11.9")
    proc = find_python([fakes])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "python3.12\n"
    assert proc.stderr == "make: creating .venv with python3.12 (Python 3.12.4)\n"


def test_python3_counts_when_it_is_the_newest_supported(tmp_path):
    assert find_python([fake_bin(tmp_path / "a", python3_11="3.11.9", python3="3.13.1")]).stdout == "python3\n"
    assert find_python([fake_bin(tmp_path / "b", python3="3.12.0")]).stdout == "python3\n"
    # a tie goes to the versioned name
    assert find_python([fake_bin(tmp_path / "c", python3_13="3.13.1", python3="3.13.1")]).stdout == "python3.13\n"


def test_skips_interpreters_that_do_not_run_or_are_unsupported(tmp_path):
    fakes = fake_bin(tmp_path, python3_13=None, python3_12="3.14.0", python3_11="3.11.2", python3="3.14.0")
    proc = find_python([fakes])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "python3.11\n"


@pytest.mark.parametrize("versions", [{}, {"python3": "3.10.12"}, {"python3": "3.14.0", "python3_13": None}])
def test_none_found_is_one_line_that_says_what_to_do(tmp_path, versions):
    proc = find_python([fake_bin(tmp_path, python3_10="3.10.12", python3_14="3.14.0", **versions)])
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("make: no Python 3.11, 3.12 or 3.13 found")
    assert "PYTHON=" in proc.stderr and "workflow/envs/vaelab.yaml" in proc.stderr


def test_python_overrides_the_newest(tmp_path):
    fakes = fake_bin(tmp_path, python3_11="3.11.9", python3_13="3.13.1")
    proc = find_python([fakes], python="python3.11")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "python3.11\n"
    assert "python3.11 (Python 3.11.9)" in proc.stderr


@pytest.mark.parametrize(
    ("python", "says"),
    [
        ("python3.10", 'says "Python 3.10.12"'),
        ("python3.14", 'says "Python 3.14.0"'),
        ("python3.12", 'says "pyenv: python3.12: command not found"'),
        ("python9", "no such command"),
    ],
)
def test_python_is_checked(tmp_path, python, says):
    fakes = fake_bin(tmp_path, python3_10="3.10.12", python3_14="3.14.0", python3_12=None, python3_13="3.13.1")
    proc = find_python([fakes], python=python)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert says in proc.stderr and "3.11, 3.12 or 3.13" in proc.stderr


def test_reads_a_real_interpreter():
    """The running Python (3.11-3.13, as pyproject.toml requires) is found in its own bin folder."""
    proc = find_python([Path(sys.executable).parent])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"python3.{sys.version_info.minor}\n"
    assert proc.stderr.endswith(f"(Python {'.'.join(map(str, sys.version_info[:3]))})\n")


def test_accepts_exactly_what_pyproject_requires(tmp_path):
    requires = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    for minor in range(8, 17):
        version = f"3.{minor}.1"
        fakes = fake_bin(tmp_path / str(minor), python3=version)
        accepted = find_python([fakes]).returncode == 0
        assert accepted == (version in requires), f"find_python.sh and requires-python disagree on {version}"


def test_conda_environment_has_pyprojects_pythons_and_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = yaml.safe_load((ROOT / "workflow" / "envs" / "vaelab.yaml").read_text())["dependencies"]
    pythons = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert pythons == ["python" + project["requires-python"]]
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    # the optional extras (pip install -e .[slurm]) come last: a conda user gets everything
    optional = [p for extra in project.get("optional-dependencies", {}).values() for p in extra]
    assert pip[-1] == "-e ../.."  # the project, from workflow/envs/ or .snakemake/conda/
    assert pip[:-1] == project["dependencies"] + optional


MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="no `make` on PATH")
@pytest.mark.parametrize(("python", "made_by"), [(None, "python3.13"), ("python3.11", "python3.11")])
def test_make_creates_the_venv_with_the_chosen_python(tmp_path, python, made_by):
    for rel in ("Makefile", "pyproject.toml", "tools/find_python.sh"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    tools = tmp_path / "toolbin"  # what the recipe and the fake venv need, and no real Python
    tools.mkdir()
    for tool in ("touch", "mkdir", "chmod"):
        (tools / tool).symlink_to(shutil.which(tool))
    fakes = fake_bin(tmp_path / "fakes", python3_11="3.11.9", python3_13="3.13.1", python3="3.11.9")
    args = [MAKE, ".venv/.installed"] + ([f"PYTHON={python}"] if python else [])
    env = {"PATH": f"{fakes}{os.pathsep}{tools}"}
    proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / ".venv" / "made_by").read_text() == made_by + "\n"
    assert f"make: creating .venv with {made_by}" in proc.stderr
    assert (tmp_path / ".venv" / ".installed").exists()


@pytest.mark.skipif(MAKE is None, reason="no `make` on PATH")
def test_make_stops_with_the_one_line_when_no_python(tmp_path):
    for rel in ("Makefile", "pyproject.toml", "tools/find_python.sh"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    fakes = fake_bin(tmp_path / "fakes", python3="3.10.12")
    proc = subprocess.run([MAKE, "test"], cwd=tmp_path, env={"PATH": str(fakes)}, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "make: no Python 3.11, 3.12 or 3.13 found" in proc.stderr
    assert not (tmp_path / ".venv").exists()
