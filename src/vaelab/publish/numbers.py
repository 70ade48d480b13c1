"""The declared shape of every figure's numbers, checked when a figure is saved and when a claim reads it.

Each shape is a small JSON schema built from the helpers below; its "description" is what an
error message says the value must be, e.g. "'share_confident' must be {model: number}, got list".
A figure's top level is closed: every key it writes is declared, and an undeclared one is an error.
`check_numbers(name, numbers)` raises NumbersError naming the figure and the key.
"""

from __future__ import annotations

import importlib
import pkgutil

from jsonschema import Draft202012Validator

from vaelab.figures.result import shape_of
from vaelab.io import as_json


class NumbersError(ValueError):
    """A figure's numbers do not have their declared shape (a bug in the code that wrote them)."""


# --- shapes ----------------------------------------------------------------------------
def _leaf(json_type: str) -> dict:
    return {"type": json_type, "description": json_type}


NUMBER, INTEGER, STRING = _leaf("number"), _leaf("integer"), _leaf("string")


def nullable(shape: dict) -> dict:
    """The shape, or null (a value the notebook writes as null when the config has no model for it)."""
    return {**shape, "type": [shape["type"], "null"], "description": f"{shape['description']} or null"}


def list_of(shape: dict, length: int | None = None) -> dict:
    out = {"type": "array", "items": shape, "description": f"[{shape['description']}]"}
    if length is not None:
        out.update(minItems=length, maxItems=length, description=f"[{shape['description']}] of {length}")
    return out


def keyed(key: str, shape: dict, pattern: str | None = None) -> dict:
    """{key: shape} with any number of keys; `pattern` restricts the keys' spelling."""
    out = {"type": "object", "additionalProperties": shape, "description": f"{{{key}: {shape['description']}}}"}
    if pattern:
        out["propertyNames"] = {"pattern": pattern, "description": key}
    return out


def by_model(shape: dict) -> dict:
    return keyed("model", shape)


def by_latent(shape: dict) -> dict:
    """{"2": ..., "10": ...}: latent sizes as JSON keys (strings of digits)."""
    return keyed("latent size", shape, pattern=r"^[0-9]+$")


def record(closed: bool = True, **fields: dict) -> dict:
    """An object with exactly these keys (or at least these when not closed)."""
    return {
        "type": "object",
        "properties": fields,
        "required": list(fields),
        "additionalProperties": not closed,
        "description": "{" + ", ".join(fields) + "}",
    }


INDICES = list_of(INTEGER)
# a share with its 95% Wilson interval (vaelab.analysis.generation.share_with_interval)
SHARE = record(share=NUMBER, low=NUMBER, high=NUMBER, n=INTEGER)
BY_MODEL_LATENT = by_model(by_latent(NUMBER))


def by_seed(**fields: dict) -> dict:
    """The keys a figure writes for its replicates: `seeds` (the training seeds, in the config's
    order) and `by_seed`, {"0": {these fields, of that seed's models}, ...}. The figure's top-level
    keys of the same names hold the mean over seeds; claims read each seed's."""
    return {
        "seeds": INDICES,
        "by_seed": keyed("seed", record(**fields), pattern=r"^[0-9]+$"),
    }


SHAPES: dict[str, dict] = {
    "compression": record(
        latent_used=INTEGER,
        compression_ratio=NUMBER,
        compression_ratio_bits=NUMBER,
        compression_ratio_bits_cvae=NUMBER,
        kl_nats=by_model(NUMBER),
        vae_worse_than_pca_at=INDICES,
        test_indices=INDICES,
        labels=INDICES,
        test_mse=BY_MODEL_LATENT,
        pca_test_mse=by_latent(NUMBER),
        mean_image_test_mse=NUMBER,
        **by_seed(test_mse=BY_MODEL_LATENT),
    ),
    "denoising": record(
        noise=keyed("noise kind", list_of(NUMBER)),
        mse_noisy=keyed("noise kind", list_of(NUMBER)),
        psnr_noisy=keyed("noise kind", list_of(NUMBER)),
        mse_denoised=by_model(keyed("noise kind", list_of(NUMBER))),
        psnr_denoised=by_model(keyed("noise kind", list_of(NUMBER))),
        mse_clean=by_model(NUMBER),
        psnr_clean=by_model(NUMBER),
        chosen_latent=INTEGER,
        models=list_of(STRING),
        median_size=INTEGER,
        n_test=INTEGER,
        psnr_definition=STRING,
        example_indices=INDICES,
        example_labels=INDICES,
        **by_seed(
            mse_denoised=by_model(keyed("noise kind", list_of(NUMBER))),
            psnr_denoised=by_model(keyed("noise kind", list_of(NUMBER))),
            mse_clean=by_model(NUMBER),
        ),
    ),
    "latent_tsne": record(
        chosen_latent=INTEGER,
        models=list_of(STRING),
        n_test=INTEGER,
        k_neighbours=INTEGER,
        knn_accuracy=by_model(NUMBER),
        knn_accuracy_by_run=keyed("run", NUMBER),
        knn_accuracy_pixels=NUMBER,
        chance_accuracy=NUMBER,
        class_names=list_of(STRING, 10),
        **by_seed(knn_accuracy=by_model(NUMBER), knn_accuracy_by_run=keyed("run", NUMBER)),
    ),
}

# Files the claims read beside the figures: only the keys they read are declared (other code owns the rest).
METRICS = record(closed=False, test_mse=NUMBER, per_class_mse=list_of(NUMBER, 10))
BASELINES = record(closed=False, pca=by_latent(record(closed=False, test_mse=NUMBER)))


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
    """Every figure with a declared shape: a module of vaelab.figures or an entry of SHAPES."""
    import vaelab.figures

    modules = {m.name for m in pkgutil.iter_modules(vaelab.figures.__path__) if m.name != "result"}
    return modules | set(SHAPES)


def shape(figure: str) -> dict:
    """The declared shape of a figure's numbers: its `vaelab.figures.<name>.Numbers`, else SHAPES."""
    try:
        module = importlib.import_module(f"vaelab.figures.{figure}")
    except ModuleNotFoundError as e:
        if e.name != f"vaelab.figures.{figure}":
            raise
    else:
        return shape_of(module.Numbers)
    if figure not in SHAPES:
        raise NumbersError(
            f"figure '{figure}' has no declared shape of numbers: add vaelab/figures/{figure}.py with its Numbers"
        )
    return SHAPES[figure]


def check_numbers(figure: str, numbers: dict) -> None:
    """Check a figure's numbers against its declared shape; every figure must have one."""
    check_shape(f"{figure}.json numbers", shape(figure), numbers)
