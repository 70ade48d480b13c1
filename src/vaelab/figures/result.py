"""A figure's numbers as a dataclass: its JSON, its declared shape and reading it back.

The field types say the shape: `float`, `int`, `str`, `list[T]`, `dict[K, T]`, `T | None` and
nested dataclasses. Keys are strings in JSON; `LatentKey` and `SeedKey` (latent sizes and seeds
as strings of digits) restrict their spelling, `SourceKey` only names them in error messages, and
`Annotated[list[T], Length(n)]` a list's length. `shape_of(cls)` is the JSON schema vaelab.publish.numbers checks a saved figure
against, `as_numbers(result)` the JSON a notebook saves, `from_numbers(cls, numbers)` the
dataclass back from a figure's JSON (what claims read).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Annotated, NewType, Union

from vaelab.io import as_json

# a latent size or a seed as a JSON key: "2", "10"
LatentKey = NewType("LatentKey", str)
SeedKey = NewType("SeedKey", str)
# a sample source of the generation figure ("ae", "ae_mixture", ...): any spelling, named in messages
SourceKey = NewType("SourceKey", str)
_KEY_PATTERNS = {
    LatentKey: ("latent size", r"^[0-9]+$"),
    SeedKey: ("seed", r"^[0-9]+$"),
    SourceKey: ("sample source", None),
}
_LEAVES = {float: "number", int: "integer", str: "string", bool: "boolean"}


@dataclass(frozen=True)
class Length:
    """`Annotated[list[float], Length(10)]`: a list of exactly 10."""

    n: int


@dataclass
class Share:
    """A share with its 95% Wilson interval (vaelab.analysis.generation.share_with_interval)."""

    share: float
    low: float
    high: float
    n: int


@dataclass
class Interval:
    """A mean over test images with its 95% interval (vaelab.analysis.imputation.mean_interval)."""

    mean: float
    low: float
    high: float
    n: int


def shape_of(tp) -> dict:
    """The JSON schema of values of type `tp` (a dataclass: an object with exactly its fields);
    each part's "description" says what it must be, as error messages quote it."""
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp, include_extras=True)
        fields = {f.name: shape_of(hints[f.name]) for f in dataclasses.fields(tp)}
        return {
            "type": "object",
            "properties": fields,
            "required": list(fields),
            "additionalProperties": False,
            "description": "{" + ", ".join(fields) + "}",
        }
    if tp in _LEAVES:
        return {"type": _LEAVES[tp], "description": _LEAVES[tp]}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        shape = shape_of(args[0])
        for extra in args[1:]:
            if isinstance(extra, Length):
                shape = {**shape, "minItems": extra.n, "maxItems": extra.n}
                shape["description"] = f"{shape['description']} of {extra.n}"
        return shape
    if origin in (Union, types.UnionType) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        shape = shape_of(inner)
        return {**shape, "type": [shape["type"], "null"], "description": f"{shape['description']} or null"}
    if origin is list:
        item = shape_of(args[0])
        return {"type": "array", "items": item, "description": f"[{item['description']}]"}
    if origin is dict:
        key, value = args
        out = {"type": "object", "additionalProperties": shape_of(value)}
        name, pattern = _KEY_PATTERNS.get(key, ("key", None))
        if pattern:
            out["propertyNames"] = {"pattern": pattern, "description": name}
        out["description"] = f"{{{name}: {out['additionalProperties']['description']}}}"
        return out
    raise TypeError(f"no JSON shape for {tp!r}: use float, int, str, list, dict, | None or a dataclass")


def as_numbers(result) -> dict:
    """The figure's JSON numbers from its result dataclass (numpy values as plain ones)."""
    return as_json(dataclasses.asdict(result))


def from_numbers(tp, value):
    """A value of type `tp` from its JSON (`from_numbers(PerClassMse, figure["numbers"])`)."""
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp, include_extras=True)
        return tp(**{f.name: from_numbers(hints[f.name], value[f.name]) for f in dataclasses.fields(tp)})
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        return from_numbers(args[0], value)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return None if value is None else from_numbers(inner, value)
    if origin is list:
        return [from_numbers(args[0], v) for v in value]
    if origin is dict:
        return {k: from_numbers(args[1], v) for k, v in value.items()}
    return value


class SeedView:
    """One seed's numbers of a figure whose Numbers has `by_seed`: the fields of that seed's
    record (`numbers.by_seed[seed]`) over the figure's shared fields, so that `view.auroc` is the
    seed's own where the record has it. `seeds` and `by_seed` are not part of it."""

    def __init__(self, numbers, seed: str):
        self._shared, self._own = numbers, numbers.by_seed[seed]
        self._own_fields = {f.name for f in dataclasses.fields(self._own)}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._own_fields:
            return getattr(self._own, name)
        if name in ("seeds", "by_seed"):
            raise AttributeError(f"one seed's view has no {name!r}")
        return getattr(self._shared, name)
