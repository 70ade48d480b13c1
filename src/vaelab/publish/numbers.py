"""The declared shape of every figure's numbers, checked when a figure is saved and when a claim reads it.

A figure's shape is derived from its `vaelab.figures.<name>.Numbers` dataclass
(vaelab.figures.result.shape_of): a JSON schema whose "description"s are what an error message
says a value must be, e.g. "'share_confident' must be {sample source: number}, got list". A
figure's top level is closed: every key it writes is declared, and an undeclared one is an error.
`check_numbers(name, numbers)` raises NumbersError naming the figure and the key. The files the
claims read beside the figures (metrics.json, baselines.json) are declared here.
"""

from __future__ import annotations

import importlib
import pkgutil

from jsonschema import Draft202012Validator

import vaelab.figures
from vaelab.figures.result import shape_of
from vaelab.io import as_json


class NumbersError(ValueError):
    """A figure's numbers do not have their declared shape (a bug in the code that wrote them)."""


# --- the files the claims read beside the figures: only the keys they read are declared -------
def _leaf(json_type: str) -> dict:
    return {"type": json_type, "description": json_type}


NUMBER = _leaf("number")


def _record(closed: bool = True, **fields: dict) -> dict:
    """An object with exactly these keys (or at least these when not closed)."""
    return {
        "type": "object",
        "properties": fields,
        "required": list(fields),
        "additionalProperties": not closed,
        "description": "{" + ", ".join(fields) + "}",
    }


METRICS = _record(
    closed=False,
    test_mse=NUMBER,
    per_class_mse={"type": "array", "items": NUMBER, "minItems": 10, "maxItems": 10, "description": "[number] of 10"},
)
BASELINES = _record(
    closed=False,
    pca={
        "type": "object",
        "additionalProperties": _record(closed=False, test_mse=NUMBER),
        "propertyNames": {"pattern": r"^[0-9]+$", "description": "latent size"},
        "description": "{latent size: {test_mse}}",
    },
)


# --- checking --------------------------------------------------------------------------
def _where(path) -> str:
    """('share_confident', 'ae') -> "share_confident.ae"; list positions as [i]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


def _problem(error) -> str:
    where = _where(error.absolute_path)
    at = f"'{where}'" if where else "the top level"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"{at} lacks " + ", ".join(f"'{k}'" for k in missing)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{at} has undeclared " + ", ".join(f"'{k}'" for k in extra)
    if error.validator == "pattern":  # only keys are constrained by a pattern (see keyed)
        return f"{at} has a key that is not a {error.schema['description']}: {error.instance!r}"
    described = error.schema.get("description")
    if described:
        return f"{at} must be {described}, got {_kind(error.instance)}"
    return f"{at}: {error.message}"


def check_shape(label: str, shape: dict, value) -> None:
    """Raise NumbersError listing every place where `value` (as JSON would store it) breaks `shape`."""
    errors = sorted(
        Draft202012Validator(shape).iter_errors(as_json(value)), key=lambda e: list(map(str, e.absolute_path))
    )
    if errors:
        problems = dict.fromkeys(_problem(e) for e in errors)  # one "required" error per missing key, each listing all
        raise NumbersError(f"{label}: " + "; ".join(problems))


def declared_figures() -> set[str]:
    """Every figure with a declared shape: the modules of vaelab.figures."""
    return {m.name for m in pkgutil.iter_modules(vaelab.figures.__path__) if m.name != "result"}


def numbers_type(figure: str) -> type:
    """A figure's `vaelab.figures.<name>.Numbers`."""
    if figure not in declared_figures():
        raise NumbersError(
            f"figure '{figure}' has no declared shape of numbers: add vaelab/figures/{figure}.py with its Numbers"
        )
    return importlib.import_module(f"vaelab.figures.{figure}").Numbers


def shape(figure: str) -> dict:
    """The declared shape of a figure's numbers: that of its Numbers."""
    return shape_of(numbers_type(figure))


def check_numbers(figure: str, numbers: dict) -> None:
    """Check a figure's numbers against its declared shape; every figure must have one."""
    check_shape(f"{figure}.json numbers", shape(figure), numbers)
