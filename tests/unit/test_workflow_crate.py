"""vaelab's own Workflow RO-Crate (ro-crate-metadata.json at the root, tools/workflow_crate.py):
current, valid for roc-validator's workflow-ro-crate profile, and what its entities should say."""

import json
import shutil
import subprocess
import sys

import yaml
from conftest import ROOT

import vaelab
from vaelab.publish import crate as crate_mod

# roc-validator checks the RO-Crate 1.1 descriptor; this crate is RO-Crate 1.3 (rocrate's, and the
# context the offline validation serves), as the run crates are (tests/test_crate.py)
RO_CRATE_1_1_ONLY = {
    "ro-crate-1.1_5.3": "the descriptor conformsTo RO-Crate 1.1 (this crate says 1.3)",
    "workflow-ro-crate-1.0_7.1": "the descriptor conformsTo RO-Crate 1.1 and Workflow RO-Crate 1.0",
}
# Recommendations (SHOULD) the crate does not meet, and why; any other one fails the test.
UNMET = {"ro-crate-1.1_31.2": "a URL of the maintainers (CITATION.cff names none)"}


def _graph(path=ROOT / "ro-crate-metadata.json"):
    return {e["@id"]: e for e in json.loads(path.read_text())["@graph"]}


def test_workflow_crate_is_current():
    proc = subprocess.run(
        [sys.executable, "tools/workflow_crate.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_workflow_crate_names_the_snakefile_licence_creators_and_version():
    graph = _graph()
    root = graph["./"]
    main = graph[root["mainEntity"]["@id"]]
    assert main["@id"] == "Snakefile"
    assert "ComputationalWorkflow" in main["@type"]
    assert graph[main["programmingLanguage"]["@id"]]["name"] == "Snakemake"
    assert root["license"]["@id"] == main["license"]["@id"] == "https://spdx.org/licenses/MIT"
    assert root["version"] == main["version"] == vaelab.__version__
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    creators = root["creator"] if isinstance(root["creator"], list) else [root["creator"]]
    assert [graph[c["@id"]]["name"] for c in creators] == [a["name"] for a in citation["authors"]]


def _issues(crate_dir, severity):
    result = crate_mod.validate(crate_dir, "workflow-ro-crate", severity=severity, skip_checks=list(RO_CRATE_1_1_ONLY))
    return [(i.severity.name, i.check.identifier, i.message) for i in result.get_issues()]


def test_workflow_crate_passes_roc_validator():
    """At RECOMMENDED severity, which runs the REQUIRED checks too: neither level may fail."""
    issues = _issues(ROOT, "RECOMMENDED")
    must = [i for i in issues if i[0] == "REQUIRED"]
    should = [i for i in issues if i[0] == "RECOMMENDED" and i[1] not in UNMET]
    assert must == [] and should == [], "\n".join(map(str, must + should))


def test_validator_sees_a_broken_workflow_crate(tmp_path):
    """Not passing vacuously: without its language, the main workflow fails a REQUIRED check."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for entity in _graph().values():  # the files and folders the crate lists
        name = entity["@id"]
        if "File" in entity["@type"] or entity["@type"] == "Dataset":
            if (ROOT / name).is_dir():
                (broken / name).mkdir(parents=True, exist_ok=True)
            elif (ROOT / name).is_file():
                shutil.copy2(ROOT / name, broken / name)
    data = json.loads((ROOT / "ro-crate-metadata.json").read_text())
    for entity in data["@graph"]:
        if entity["@id"] == "Snakefile":
            del entity["programmingLanguage"]
    (broken / "ro-crate-metadata.json").write_text(json.dumps(data))
    assert any(i[0] == "REQUIRED" and "programmingLanguage" in i[2] for i in _issues(broken, "REQUIRED"))
