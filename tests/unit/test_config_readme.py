"""config/README.md is generated from the config schema's descriptions (tools/config_readme.py)."""

import re
import subprocess
import sys

import yaml
from conftest import ROOT


def test_config_readme_is_current():
    proc = subprocess.run(
        [sys.executable, "tools/config_readme.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_every_key_of_the_publication_config_is_described():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())

    def paths(node, prefix=""):
        for key, value in node.items():
            yield prefix + key
            if isinstance(value, dict):
                yield from paths(value, f"{prefix}{key}.")

    text = (ROOT / "config/README.md").read_text()
    described = dict(re.findall(r"^\| `([^`]+)` \|.*\| ([^|]*) \|$", text, flags=re.M))
    undescribed = [p for p in paths(config) if not described.get(p, "").strip()]
    assert undescribed == []
