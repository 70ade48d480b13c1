"""The File and context entities of a run crate: where a project file goes in the crate (copied
or described), with its checksum, size, format and description."""

from __future__ import annotations

import mimetypes
import os
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path

from vaelab.publish.provenance import sha256

# Files copied into the crate; everything else (model.pt, .npz, .gz) is described, not copied.
PAYLOAD_SUFFIXES = {
    ".png",
    ".pdf",
    ".json",
    ".csv",
    ".md",
    ".html",
    ".ipynb",
    ".svg",
    ".rst",
    ".yaml",
    ".yml",
    ".smk",
    ".toml",
    ".txt",
    "",
}
CACHE_ENTRY_PREFIX = "snakemake-cache/"


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat(timespec="milliseconds")


def _encoding(path: str) -> str:
    suffix = Path(path).suffix
    return (
        {
            ".ipynb": "application/x-ipynb+json",
            ".smk": "text/x-snakemake",
            ".md": "text/markdown",
            ".yaml": "application/yaml",
            ".yml": "application/yaml",
            ".rst": "text/x-rst",
            ".npz": "application/x-npz",
            ".pt": "application/x-pytorch",
            ".toml": "application/toml",
            ".gz": "application/gzip",
            "": "text/x-snakemake",
        }.get(suffix)
        or mimetypes.guess_type(path)[0]
        or "application/octet-stream"
    )


class Builder:
    def __init__(self, results: str, report_dir: Path, commit: str):
        from rocrate.rocrate import ROCrate

        self.results = results
        self.report_dir = report_dir
        self.commit = commit
        self.crate = ROCrate(gen_preview=True)
        self.files: dict[str, object] = {}

    def crate_path(self, path: str) -> str:
        """Where a project file is in the crate: report files in place, text files copied under
        files/, other files described only ('#' + their path)."""
        rel = os.path.relpath(path, self.report_dir)
        if not rel.startswith(".."):
            return Path(rel).as_posix()
        if Path(path).suffix in PAYLOAD_SUFFIXES:
            return f"files/{Path(os.path.normpath(path)).as_posix()}"
        return f"#{Path(os.path.normpath(path)).as_posix()}"

    def file(self, path: str, where: str | None = None, **properties):
        """The File entity of a project file, with its SHA-256 and size (added once); `where`: the
        file on disk when it is not at `path` (a workflow file, named from the workflow's folder)."""
        path = os.path.normpath(path)
        where = where or path
        if path in self.files:
            entity = self.files[path]
            for key, value in properties.items():
                entity.properties()[key] = value
            return entity
        from rocrate.model.contextentity import ContextEntity

        dest = self.crate_path(path)
        props = {
            "name": path,
            "sha256": sha256(where),
            "contentSize": str(os.path.getsize(where)),
            "encodingFormat": _encoding(path),
            "description": describe(path, self.results),
            **properties,
        }
        if dest.startswith("#"):  # described, not copied: where it is in the project
            props["localPath"] = path
            entity = self.crate.add(ContextEntity(self.crate, dest, properties={"@type": "File", **props}))
        else:
            entity = self.crate.add_file(where, dest_path=dest, properties=props)
        self.files[path] = entity
        return entity

    def context(self, id_: str, type_, **properties):
        from rocrate.model.contextentity import ContextEntity

        return self.crate.add(ContextEntity(self.crate, id_, properties={"@type": type_, **properties}))

    def value(self, id_: str, name: str, value):
        return self.context(
            id_, "PropertyValue", name=name, value=value if isinstance(value, (int, float, bool)) else str(value)
        )


def describe(path: str, results: str) -> str:
    if Path(path).is_relative_to(results):
        return "A file of the run's results."
    if Path(path).parts[0] == "data":
        return "A raw data file the run read; its source is the dataset that lists it in hasPart."
    return "A file of the workflow's source (its git commit is the workflow's version)."


def cache_entry(job: dict, path: str) -> dict:
    """alternateName: the output's name in Snakemake's output cache, which models.zip holds."""
    entry = job["cache_entries"].get(os.path.normpath(path))
    return {"alternateName": CACHE_ENTRY_PREFIX + entry} if entry else {}


def made_by_run(entity, jobs) -> bool:
    path = entity["name"]
    return any(path in paths for job in jobs for paths in job["output"].values())


def unique(entities):
    seen, out = set(), []
    for e in entities:
        if e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out


def param_value(value):
    if isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


def relative_command(text: str) -> str:
    """A command as run, with this machine's project folder left out (as the report shows paths)."""
    return text.replace(os.getcwd() + os.sep, "")


def package_version(pkg: str) -> str | None:
    if pkg == "python":
        import platform

        return platform.python_version()
    try:
        return importlib_metadata.version(pkg)
    except importlib_metadata.PackageNotFoundError:
        return None
