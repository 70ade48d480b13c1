"""Atomic writes: a crashed job never leaves a half-written output that looks finished.
Also the one way vaelab loads a torch file, so that a damaged one is named."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
    os.close(fd)
    try:
        try:
            yield Path(tmp)
        except OSError as err:
            if err.filename is None and err.errno is not None:  # a write() or close() error names no file
                raise OSError(err.errno, err.strerror, str(path)) from err
            raise
        # mkstemp creates 0600 files; outputs get the usual permissions of the user's umask
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_json(path: str | Path, obj) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=_jsonable) + "\n")


def as_json(obj):
    """`obj` as write_json stores it and read_json reads it back: numpy values become plain ones."""
    return json.loads(json.dumps(obj, default=_jsonable))


def read_json(path: str | Path):
    return json.loads(Path(path).read_text())


def atomic_torch_save(obj, path: str | Path) -> None:
    """torch.save, atomically. Serialised in memory and written with a plain file write: torch's
    own writer reports a full disk as "basic_ios::clear: iostream error", this one as the OS's
    "No space left on device" with the path."""
    import io

    import torch

    buf = io.BytesIO()
    torch.save(obj, buf)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(buf.getbuffer())


def atomic_savez(path: str | Path, **arrays) -> None:
    """np.savez, atomically. Byte for byte the same for the same arrays: np.savez stamps its zip
    entries with zipfile's fixed default time, not the current one (tests/unit/test_io.py checks)."""
    import numpy as np

    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


# Set by the workflow for every job (workflow/rules/launch.smk): how the run was started (--cores
# or --profile) and its --configfile/--config flags, so that advice names the run's own command.
LAUNCH_FLAGS_VARIABLE = "VAELAB_LAUNCH_FLAGS"
RUN_FLAGS_VARIABLE = "VAELAB_RUN_FLAGS"


def remake_command(path: str | Path) -> str:
    """The command that remakes `path` as the running workflow made it, spelt as the figures'
    provenance spells it; outside a workflow's job, with --cores 1 and a reminder of the flags."""
    from vaelab.rebuild import rebuild_command

    launch = os.environ.get(LAUNCH_FLAGS_VARIABLE, "").strip() or "--cores 1"
    run_flags = os.environ.get(RUN_FLAGS_VARIABLE)
    command = rebuild_command(path, launch_flags=launch, run_flags=run_flags or "", force=True)
    return command if run_flags is not None else f"{command} (with the run's --configfile and --config flags)"


class DamagedFileError(RuntimeError):
    """A model, checkpoint or classifier file that cannot be loaded; the message names it."""


def load_torch(path: str | Path, what: str = "model", map_location="cpu", remedy: str | None = None):
    """torch.load(path, weights_only=True), the only way vaelab loads a torch file.

    Any failure is re-raised as DamagedFileError naming the file, what it is and what to do
    (by default: the command that remakes it, `remake_command`). torch's own advice for refused
    files, to load with weights_only=False, is left out: it would run whatever the file holds.
    """
    import torch

    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise DamagedFileError(f"{what} not found: {path}; make it: {remake_command(path)}") from None
    except Exception as err:  # torch raises RuntimeError, UnpicklingError, EOFError, ...
        reason = _load_failure(err)
    remedy = remedy or f"remake it: {remake_command(path)}"
    raise DamagedFileError(f"cannot load {what} {path}: {reason}; {remedy}") from None


def _load_failure(err: Exception) -> str:
    """A one-line reason for a failed torch.load, without torch's advice to turn safety off."""
    text = str(err)
    if text.startswith("Weights only load failed"):  # refused by the safe unpickler
        text = text.split("WeightsUnpickler error:", 1)[-1]
        kept = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not any(w in line for w in ("weights_only", "Weights only", "trusted source"))
        ]
        detail = " ".join(kept).strip(" .")
        return "not a file of tensors and plain values, so it is not unpickled" + (f" ({detail})" if detail else "")
    first = " ".join(text.split()).split(". ", 1)[0]
    for hint in ("PytorchStreamReader failed reading zip archive: ", "PytorchStreamReader "):
        first = first.replace(hint, "")
    if not first or "weights_only" in first:
        first = type(err).__name__
    return f"not a complete torch file ({first})"


def _jsonable(obj):
    """numpy scalars and arrays, Paths -> plain JSON values."""
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
