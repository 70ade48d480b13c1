"""Writing a crate into the report folder, zipping it, and reading it back: a file to the action
that made it, and every file's recorded SHA-256 against the file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from vaelab.publish.provenance import sha256


def write_crate(crate, report_dir: str | Path) -> None:
    """Write the crate into report_dir: the copies under files/, the preview, then the metadata.

    Written in a folder beside and moved into place, the metadata file last, so a crashed job
    leaves no ro-crate-metadata.json that describes files it did not finish copying.
    """
    report_dir = Path(report_dir)
    tmp = Path(tempfile.mkdtemp(dir=report_dir, prefix=".crate."))
    try:
        crate.write(tmp)
        shutil.rmtree(report_dir / "files", ignore_errors=True)
        if (tmp / "files").exists():
            os.replace(tmp / "files", report_dir / "files")
        for name in ("README.md", "ro-crate-preview.html", "ro-crate-metadata.json"):
            os.replace(tmp / name, report_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def zip_report(report_dir: str | Path, out: str | Path) -> Path:
    """The report folder with its crate as one zip (ro-crate-py's write_zip), the folder to upload."""
    from rocrate.rocrate import ROCrate

    from vaelab.io import atomic_path

    with atomic_path(out) as tmp:
        ROCrate(report_dir).write_zip(tmp)
    return Path(out)


# --- reading a crate back ----------------------------------------------------------------
def read_graph(crate_dir: str | Path) -> dict[str, dict]:
    """{@id: entity} of a crate's ro-crate-metadata.json."""
    import json

    data = json.loads((Path(crate_dir) / "ro-crate-metadata.json").read_text())
    return {e["@id"]: e for e in data["@graph"]}


def _ids(value) -> list[str]:
    values = value if isinstance(value, list) else [value] if value else []
    return [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]


def _types(entity) -> set[str]:
    t = entity.get("@type", [])
    return set(t if isinstance(t, list) else [t])


def file_location(crate_dir: str | Path, entity: dict, project_root: str | Path) -> Path:
    """Where a File entity's bytes are: in the crate, or (described only, '#' id) in the project."""
    if entity["@id"].startswith("#"):
        return Path(project_root) / entity["name"]
    return Path(crate_dir) / entity["@id"]


def trace(crate_dir: str | Path, path: str) -> dict:
    """From the crate alone: the action that made the file at project path `path`, its rule and its
    inputs with their recorded SHA-256. Raises KeyError when the crate cannot say."""
    graph = read_graph(crate_dir)
    files = [e for e in graph.values() if "File" in _types(e) and e.get("name") == path]
    if not files:
        raise KeyError(f"{path}: not in the crate")
    made_by = [
        e
        for e in graph.values()
        if "CreateAction" in _types(e) and e["@id"] != "#workflow-run" and files[0]["@id"] in _ids(e.get("result"))
    ]
    if len(made_by) != 1:
        raise KeyError(f"{path}: made by {len(made_by)} actions in the crate, not one")
    action = made_by[0]
    inputs = [graph[i] for i in _ids(action.get("object")) if "File" in _types(graph.get(i, {}))]
    return {"file": files[0], "action": action, "tool": graph[_ids(action["instrument"])[0]], "inputs": inputs}


def check_checksums(crate_dir: str | Path, entities: list[dict], project_root: str | Path = ".") -> list[str]:
    """What is false about the given File entities: a missing file, or a SHA-256 or size that does not match."""
    problems = []
    for entity in entities:
        where = file_location(crate_dir, entity, project_root)
        if not where.is_file():
            problems.append(f"{entity['@id']}: no file at {where}")
        elif sha256(where) != entity.get("sha256"):
            problems.append(
                f"{entity['@id']}: SHA-256 of {where} is {sha256(where)}, the crate says {entity.get('sha256')}"
            )
        elif str(where.stat().st_size) != str(entity.get("contentSize")):
            problems.append(
                f"{entity['@id']}: {where} has {where.stat().st_size} bytes, the crate says {entity.get('contentSize')}"
            )
    return problems
