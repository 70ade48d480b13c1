"""Checks of the config that JSON Schema cannot express (one key against another, or against
the data's size), run right after the schema, before any job: an impossible setting stops the
dry run naming its key, instead of a job with a traceback."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from vaelab.data.classes import classes_problems
from vaelab.data.registry import KNOWN_DATASETS

# (training images, test images) of the datasets vaelab knows, used where the data folder's
# IDX headers cannot be read (e.g. before the data is in place)
KNOWN_SIZES = {name: known.sizes for name, known in KNOWN_DATASETS.items() if known.sizes}

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"


class ConfigError(ValueError):
    """Settings that pass the schema but cannot work together; the message lists every one."""


# Keys that have been renamed: old dotted key -> new dotted key. A config written for an older
# vaelab is told which key became which, instead of the schema's "unexpected property".
RENAMED_KEYS = {
    "letters_dir": "outside.data_dir",  # when the outside set became any known dataset
}


def _has(config: dict, dotted: str) -> bool:
    node = config
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def check_renamed_keys(config: dict, renamed: dict[str, str] = RENAMED_KEYS) -> None:
    """Raise ConfigError naming every renamed key that `config` still uses, and its new name.
    Run before the schema, which would only call the old key unexpected."""
    used = [old for old in renamed if _has(config, old)]
    if used:
        lines = [f"  - {old} is now {renamed[old]}: rename it in your config file" for old in used]
        raise ConfigError("config keys that have been renamed (see config/README.md):\n" + "\n".join(lines))


def idx_count(path: str | Path) -> int | None:
    """The number of items an IDX file's header declares (16 bytes read), or None when the
    file is absent or unreadable (prepare_data then names the file and its checksum)."""
    try:
        with gzip.open(path, "rb") as fh:
            head = fh.read(8)
    except (OSError, EOFError):
        return None
    return int.from_bytes(head[4:8], "big") if len(head) == 8 else None


def dataset_sizes(config: dict) -> tuple[int | None, int | None, str]:
    """(training images, test images, where the numbers come from): the data folder's IDX
    headers first, then the known sizes of the dataset; None where neither knows."""
    data_dir = Path(config.get("data_dir", ""))
    n_train, n_test = idx_count(data_dir / TRAIN_IMAGES), idx_count(data_dir / TEST_IMAGES)
    known = KNOWN_SIZES.get(config.get("dataset"), (None, None))
    source = f"the IDX headers in {data_dir}" if n_train is not None else f"the size of {config.get('dataset')}"
    return (n_train if n_train is not None else known[0]), (n_test if n_test is not None else known[1]), source


def config_problems(config: dict) -> list[str]:
    """Every cross-field problem of a schema-valid config, each naming its key and what to change."""
    problems = classes_problems(config.get("dataset"), config.get("class_names"), config.get("class_noun"))
    n_train, n_test, source = dataset_sizes(config)
    val_size = config.get("val_size")
    subset = config.get("subset") or {}
    if n_train is not None and val_size is not None and val_size >= n_train:
        problems.append(
            f"val_size: {val_size} leaves no training images: the training file holds {n_train:,} "
            f"images ({source}); set val_size below {n_train:,} (e.g. 6000)"
        )
    train_part = n_train - val_size if n_train is not None and val_size is not None else None
    parts = {
        "train": (train_part, "the training images left after val_size"),
        "val": (val_size, "val_size"),
        "test": (n_test, f"the test images ({source})"),
    }
    for part, (available, what) in parts.items():
        wanted = subset.get(part)
        if wanted and available is not None and 0 < available < wanted:
            problems.append(
                f"subset.{part}: {wanted} is more than the {part} part holds ({available:,}, {what}); "
                f"set subset.{part} to at most {available:,}, or leave it out to keep the whole part"
            )
    return problems


def check_config(config: dict) -> None:
    """Raise ConfigError listing every cross-field problem of a schema-valid config (see
    `config_problems`); return None when there is none."""
    problems = config_problems(config)
    if problems:
        raise ConfigError("invalid config (checked before any job runs):\n" + "\n".join(f"  - {p}" for p in problems))


# --- what Snakemake's --config hands over -------------------------------------------------
def _resolve(schema: dict, root: dict) -> dict:
    """`schema` with a local $ref ("#/definitions/x") followed and allOf's parts merged."""
    while "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **target}
    for part in schema.get("allOf", []):
        part = _resolve(part, root)
        schema = {**part, **schema, "properties": {**part.get("properties", {}), **schema.get("properties", {})}}
    return schema


def _typed(text: str, types: set[str]):
    """`text` read as YAML when that gives a value of one of the JSON types `types`, else `text`."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, str) and "number" in types:  # YAML 1.1 reads 1e-3 as a string
        try:
            value = float(text)
        except ValueError:
            return text
    kinds = {bool: "boolean", int: "integer", float: "number", type(None): "null"}
    kind = kinds.get(type(value))
    if kind in types or (kind == "integer" and "number" in types):
        return value
    return text


def typed_config_values(value, schema: dict, root: dict | None = None):
    """`value` (a --config setting) with each string read as a number, boolean or null where the
    schema wants one there and the string says one. Snakemake reads a --config value that is a
    list or a mapping as YAML without types, so `seeds=[0]` arrives as ['0'] (top-level scalars
    it does type); a string the schema does not turn into its type stays, for the schema to name."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    types = schema.get("type", [])
    types = {types} if isinstance(types, str) else set(types)
    if isinstance(value, str):
        return value if "string" in types or not types else _typed(value, types)
    if isinstance(value, list):
        items = schema.get("items", {})
        return [typed_config_values(v, items, root) for v in value] if isinstance(items, dict) else value
    if isinstance(value, dict):
        props, extra = schema.get("properties", {}), schema.get("additionalProperties", {})
        return {
            k: typed_config_values(v, props[k] if k in props else extra if isinstance(extra, dict) else {}, root)
            for k, v in value.items()
        }
    return value


def schema_problems(config: dict, schema: dict) -> list[str]:
    """Every place where `config` breaks the JSON schema, one line each: the key's dotted path
    and what is wrong, without the schema itself (jsonschema's message prints all of it)."""
    from jsonschema import validators

    validator = validators.validator_for(schema)(schema)
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        problems.append(f"{where or 'config'}: {error.message}")
    return problems


def check_schema(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError naming each key of `config` that `schema_path`'s schema refuses."""
    import yaml

    problems = schema_problems(config, yaml.safe_load(Path(schema_path).read_text()))
    if problems:
        raise ConfigError(
            f"invalid config (checked against {os.path.relpath(Path(schema_path).resolve())}):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def check_yaml_files(paths) -> None:
    """Parse each existing YAML file of `paths`; raise ConfigError naming the file, line and
    column of a syntax error. Snakemake's own message for one names neither file nor line.
    Called from the Snakefile before `configfile:` (files given with --configfile are read by
    Snakemake's command line before the Snakefile runs, so only Snakemake speaks for those)."""
    import yaml

    for path in paths:
        path = Path(path)
        if not path.is_file():
            continue  # Snakemake names a missing config file itself
        try:
            yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            context = f" ({err.context}, line {err.context_mark.line + 1})" if err.context and err.context_mark else ""
            tabs = " (YAML indents with spaces, not tabs)" if "\\t" in str(err.problem) else ""
            raise ConfigError(f"{path}{where}: {err.problem}{context}; fix the YAML there{tabs}") from None
        except yaml.YAMLError as err:
            raise ConfigError(f"{path}: not valid YAML ({err})") from None


def main(argv: list[str] | None = None) -> None:
    """`python -m vaelab.config_checks FILE...`: the file and line of a YAML error, for files
    given with --configfile, of which Snakemake's message names neither."""
    import sys

    try:
        check_yaml_files(sys.argv[1:] if argv is None else argv)
    except ConfigError as err:
        raise SystemExit(str(err)) from None
    print("valid YAML")


if __name__ == "__main__":
    main()
