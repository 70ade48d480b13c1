"""A hash of the vaelab source a command runs: the module and every vaelab module it imports,
followed through the import statements (also those inside functions), with the packages
that hold them.

Snakemake's output cache keys an entry on a rule's shell command, params and inputs, not on
the Python code behind the command; the cached rules add this hash as a param
(workflow/rules/cache.smk), so that editing the code a result depends on (one line of the
loss) gives that result a new key, while editing a figure or the report does not.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

import vaelab

PACKAGE_ROOT = Path(vaelab.__file__).resolve().parent
# third-party packages whose version changes a cached result (the rest draw or publish)
RESULT_PACKAGES = ("torch", "numpy", "scikit-learn")


def module_file(name: str) -> Path | None:
    """The source file of vaelab module `name` (a package's __init__.py), None if not vaelab's."""
    parts = name.split(".")
    if parts[0] != "vaelab":
        return None
    base = PACKAGE_ROOT.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imported(name: str, path: Path) -> set[str]:
    """Names of the modules `path` (module `name`) imports, absolute; `from a import b` also
    names a.b, which is a module when b is a submodule."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@cache
def source_files(module: str) -> tuple[Path, ...]:
    """Every vaelab source file that importing `module` and running it can execute."""
    found: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        # a module's packages run first (vaelab/__init__.py, vaelab/commands/__init__.py, ...)
        parts = name.split(".")
        candidates = [".".join(parts[: i + 1]) for i in range(len(parts))]
        for candidate in candidates:
            path = module_file(candidate)
            if path is None or candidate in found:
                continue
            found[candidate] = path
            todo.extend(_imported(candidate, path))
    if module not in found:
        raise ValueError(f"{module!r} is not a vaelab module (looked in {PACKAGE_ROOT})")
    return tuple(sorted(found.values()))


@cache
def code_version(module: str) -> str:
    """SHA-256 over the relative path and syntax tree of every file of `source_files(module)` and
    the versions of RESULT_PACKAGES: equal exactly when the code that computes the result is.
    The tree, not the bytes: a changed comment or line break runs the same code, and must not
    send a reader's cache to retrain (a changed docstring still does: it is in the tree)."""
    h = hashlib.sha256()
    for path in source_files(module):
        h.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0")
        tree = ast.dump(ast.parse(path.read_text(), str(path)), include_attributes=False)
        h.update(hashlib.sha256(tree.encode()).hexdigest().encode())
    for package in RESULT_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"{package}=={version}\0".encode())
    return h.hexdigest()
