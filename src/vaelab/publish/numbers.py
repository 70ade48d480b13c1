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
# a mean with its 95% interval over test images (vaelab.analysis.imputation.mean_interval)
INTERVAL = record(mean=NUMBER, low=NUMBER, high=NUMBER, n=INTEGER)
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
    "anomaly_detection": record(
        auroc=BY_MODEL_LATENT,
        auroc_neg_elbo=BY_MODEL_LATENT,
        auroc_pca=by_latent(NUMBER),
        auroc_nearest_image=NUMBER,
        chosen_latent=INTEGER,
        mean_error_inside=by_model(NUMBER),
        mean_error_outside=by_model(NUMBER),
        mean_error_per_outside_class=by_model(keyed("outside class", NUMBER)),
        outside_classes_most_like_inside=by_model(list_of(STRING)),
        top_error_inside=by_model(record(test_index=INDICES, label=INDICES, mse=list_of(NUMBER))),
        example_outside_indices=INDICES,
        n_inside=INTEGER,
        n_outside=INTEGER,
        conditional_score=STRING,
        outside=record(name=STRING, dataset=STRING),
        outside_class_read_as=by_model(keyed("outside class", record(label=INTEGER, share=NUMBER))),
        **by_seed(
            auroc=BY_MODEL_LATENT,
            auroc_neg_elbo=BY_MODEL_LATENT,
            mean_error_per_outside_class=by_model(keyed("outside class", NUMBER)),
            outside_class_read_as=by_model(keyed("outside class", record(label=INTEGER, share=NUMBER))),
        ),
    ),
    "data_overview": record(
        n_train=INTEGER,
        n_val=INTEGER,
        n_test=INTEGER,
        test_count_per_class=list_of(INTEGER, 10),
        mean_train_pixel=NUMBER,
        grid_labels=INDICES,
    ),
    "generation": record(
        chosen_latent=INTEGER,
        classifier_test_accuracy=NUMBER,
        n_samples=INTEGER,
        n_per_class=INTEGER,
        mixture_components=INTEGER,
        sources=keyed("sample source", STRING),
        mean_confidence=keyed("sample source", NUMBER),
        share_confident=keyed("sample source", NUMBER),
        share_confident_pooled=keyed("sample source", SHARE),
        cvae_conditional_accuracy=nullable(NUMBER),
        cvae_conditional_pooled=nullable(SHARE),
        cvae_accuracy_per_class=nullable(list_of(NUMBER, 10)),
        cvae_accuracy_per_class_pooled=nullable(list_of(SHARE, 10)),
        **by_seed(
            mean_confidence=keyed("sample source", NUMBER),
            share_confident=keyed("sample source", NUMBER),
            share_confident_interval=keyed("sample source", list_of(NUMBER, 2)),
            cvae_conditional_accuracy=nullable(NUMBER),
            cvae_accuracy_per_class=nullable(list_of(NUMBER, 10)),
        ),
    ),
    "imputation": record(
        mse_missing=keyed("mask kind", record(masked_vae=NUMBER, vae=nullable(NUMBER), mean_image=NUMBER, knn=NUMBER)),
        mse_missing_interval=keyed("mask kind", keyed("method", list_of(NUMBER, 2))),
        masked_vae_minus=keyed("mask kind", keyed("method", INTERVAL)),
        passes=keyed("mask kind", keyed("method", INDICES)),
        val_mse_per_pass=keyed("mask kind", keyed("method", list_of(NUMBER))),
        test_mse_per_pass=keyed("mask kind", keyed("method", list_of(NUMBER))),
        max_passes=INTEGER,
        n_eval=INTEGER,
        n_val=INTEGER,
        n_knn_reference=INTEGER,
        n_neighbors=INTEGER,
        latent=INTEGER,
        missing_share=keyed("mask kind", NUMBER),
        example_labels=INDICES,
        **by_seed(
            mse_missing=keyed(
                "mask kind", record(masked_vae=NUMBER, vae=nullable(NUMBER), mean_image=NUMBER, knn=NUMBER)
            ),
            masked_vae_minus=keyed("mask kind", keyed("method", INTERVAL)),
        ),
    ),
    "interpolation": record(
        chosen_latent=INTEGER,
        models=list_of(STRING),
        t=list_of(NUMBER),
        pairs_test_index=list_of(list_of(INTEGER, 2)),
        pairs_classes=list_of(list_of(INTEGER, 2)),
        step_mse=by_model(list_of(list_of(NUMBER))),
        max_step_share=by_model(list_of(NUMBER)),
        n_scored_pairs=INTEGER,
        confidence_threshold=NUMBER,
        midpoint_recognised=by_model(NUMBER),
        midpoint_recognised_pooled=by_model(SHARE),
        midpoint_an_end_class=by_model(NUMBER),
        test_images_recognised=SHARE,
        **by_seed(midpoint_recognised=by_model(SHARE), midpoint_an_end_class=by_model(SHARE)),
    ),
    "latent_grid_2d": record(
        n_grid=INTEGER,
        limit=NUMBER,
        grid_values=list_of(NUMBER),
        cvae_labels=INDICES,
        latent_stats=by_model(record(closed=False)),
        ae_latent_mean=nullable(list_of(NUMBER)),
        ae_latent_std=nullable(list_of(NUMBER)),
    ),
    "latent_pca": record(
        chosen_latent=INTEGER,
        models=list_of(STRING),
        n_test=INTEGER,
        explained_variance_ratio=by_model(list_of(NUMBER)),
        pc1_mean_per_class=by_model(list_of(nullable(NUMBER), 10)),
        pc1_std_per_class=by_model(list_of(nullable(NUMBER), 10)),
    ),
    "metrics_table": record(
        rows=list_of(record(closed=False, model=STRING, latent=INTEGER, seed=nullable(INTEGER))),
        summary=list_of(record(closed=False, model=STRING, latent=INTEGER, n=INTEGER)),
    ),
    "model_selection": record(
        chosen_latent=INTEGER,
        rule=STRING,
        tolerance=NUMBER,
        val_mse=BY_MODEL_LATENT,
        mean_val_mse_over_models=by_latent(NUMBER),
        threshold=NUMBER,
        pca_val_mse=by_latent(NUMBER),
        mean_image_val_mse=NUMBER,
        **by_seed(val_mse=BY_MODEL_LATENT),
    ),
    "reconstructions": record(
        chosen_latent=INTEGER,
        test_indices=INDICES,
        labels=INDICES,
        mse_mean=by_model(NUMBER),
        test_set_mse=by_model(NUMBER),
        mse_per_image=by_model(list_of(NUMBER)),
    ),
    "reconstructions_by_latent": record(
        test_indices=INDICES,
        labels=INDICES,
        test_mse=BY_MODEL_LATENT,
        mse_on_shown_images=BY_MODEL_LATENT,
        **by_seed(test_mse=BY_MODEL_LATENT),
    ),
    "training_curves": record(
        train_loss=by_model(by_latent(list_of(NUMBER))),
        val_loss=by_model(by_latent(list_of(NUMBER))),
        final_train_loss=BY_MODEL_LATENT,
        final_val_loss=BY_MODEL_LATENT,
        val_mse=by_model(by_latent(list_of(NUMBER))),
        final_val_mse=BY_MODEL_LATENT,
        objective=STRING,
        epochs=by_model(by_latent(INTEGER)),
        **by_seed(final_train_loss=BY_MODEL_LATENT, final_val_loss=BY_MODEL_LATENT),
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
