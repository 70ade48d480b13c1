"""models.zip: the run's cached results (trained models, histories, evaluations, the classifier,
the t-SNE maps) under their names in Snakemake's output cache, with the report's RO-Crate,
which lists each one's SHA-256. `restore` checks every member against the crate before it
writes anything, so a reader's cache never holds a file the publisher did not make.

An entry's name is Snakemake's provenance hash of the job that made it (rule, params, the
vaelab code it runs, the inputs' whole history): a run whose settings, seeds, data or code
differ asks for other names, finds none, and recomputes. docs/cache.md has the whole story."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from vaelab.publish.crate import CACHE_ENTRY_PREFIX, file_location, read_graph
from vaelab.publish.provenance import sha256

CRATE_NAME = "ro-crate-metadata.json"
ENTRY_FOLDER = "cache/"  # members' folder in the zip
CHUNK = 1 << 20


class ArchiveError(RuntimeError):
    """The archive cannot be trusted or read; nothing was restored."""


def cached_files(graph: dict) -> dict[str, dict]:
    """{cache entry name: File entity} of every cached result the crate lists."""
    out = {}
    for entity in graph.values():
        name = entity.get("alternateName")
        if isinstance(name, str) and name.startswith(CACHE_ENTRY_PREFIX):
            out[name[len(CACHE_ENTRY_PREFIX) :]] = entity
    return out


def write_models_archive(report_dir: str | Path, out: str | Path, project_root: str | Path = ".") -> tuple[Path, int]:
    """Zip every cached result the crate in `report_dir` lists, named by its cache entry, plus
    the crate; (the zip, how many results). Written to a temporary file, then renamed."""
    report_dir, out = Path(report_dir), Path(out)
    entries = cached_files(read_graph(report_dir))
    if not entries:
        raise ArchiveError(
            f"{report_dir / CRATE_NAME} lists no cached results: build the report with Snakemake's "
            "--cache (`make publish` does)"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.write(report_dir / CRATE_NAME, CRATE_NAME)
            for name, entity in sorted(entries.items()):
                zf.write(file_location(report_dir, entity, project_root), ENTRY_FOLDER + name)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out, len(entries)


def _sha256(zf: zipfile.ZipFile, member: str) -> str:
    h = hashlib.sha256()
    with zf.open(member) as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _open(archive: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except FileNotFoundError:
        raise ArchiveError(f"{archive}: no such file") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise ArchiveError(f"{archive} is not a complete zip archive ({e}): download it again") from None


def verify(archive: str | Path) -> dict[str, str]:
    """{cache entry name: sha256} of every member, each checked against the crate inside the
    archive; raises ArchiveError naming every member that differs or that the crate does not list."""
    archive = Path(archive)
    with _open(archive) as zf:
        try:
            graph = {e["@id"]: e for e in json.loads(zf.read(CRATE_NAME))["@graph"]}
        except KeyError:
            raise ArchiveError(f"{archive} holds no {CRATE_NAME}: it is not a vaelab models archive") from None
        except (ValueError, zipfile.BadZipFile, OSError) as e:
            raise ArchiveError(f"{archive}: its {CRATE_NAME} cannot be read ({e})") from None
        listed = {name: entity.get("sha256") for name, entity in cached_files(graph).items()}
        members = [m for m in zf.namelist() if m != CRATE_NAME and not m.endswith("/")]
        refused, checked = [], {}
        for member in members:
            name = member[len(ENTRY_FOLDER) :] if member.startswith(ENTRY_FOLDER) else None
            if name is None or name not in listed:
                refused.append(f"{member} (not listed in the crate)")
                continue
            try:
                digest = _sha256(zf, member)
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                raise ArchiveError(f"{archive}: {member} cannot be read ({e}); download it again") from None
            if digest != listed[name]:
                refused.append(f"{member} (SHA-256 {digest[:12]}..., the crate says {str(listed[name])[:12]}...)")
            else:
                checked[name] = digest
        missing = sorted(set(listed) - set(checked) - {r.split(" ")[0][len(ENTRY_FOLDER) :] for r in refused})
        if missing:
            refused += [f"{ENTRY_FOLDER}{name} (listed in the crate, missing from the archive)" for name in missing]
        if refused:
            raise ArchiveError(
                f"{archive} does not match its crate, so nothing was restored. Refused: " + "; ".join(refused)
            )
    return checked


def restore(archive: str | Path, cache_dir: str | Path) -> tuple[int, int]:
    """Verify `archive`, then copy its entries into `cache_dir` (each through a temporary file
    and a rename, so an interrupted restore leaves no partial entry); (written, already there)."""
    archive, cache_dir = Path(archive), Path(cache_dir)
    checked = verify(archive)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".write-test-")
        probe.close()
    except OSError as e:
        raise ArchiveError(
            f"cannot write to the cache folder {cache_dir} ({e.strerror}): choose another with --cache"
        ) from None
    written = present = 0
    with zipfile.ZipFile(archive) as zf:
        for name, digest in sorted(checked.items()):
            dest = cache_dir / name
            if dest.is_file() and sha256(dest) == digest:
                present += 1
                continue
            fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out, zf.open(ENTRY_FOLDER + name) as src:
                    shutil.copyfileobj(src, out, CHUNK)
                # readable and writable by all, as Snakemake makes its own entries (a shared cache)
                os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH)
                os.replace(tmp, dest)
            except OSError as e:
                raise ArchiveError(f"writing {dest} failed ({e.strerror}); nothing partial was kept") from None
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            written += 1
    return written, present
