"""config/README.md from the config schema's descriptions: `python tools/config_readme.py` writes
it, `--check` fails when it is not current (tests/test_config_readme.py runs that)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "workflow/schemas/config.schema.yaml"
CONFIG = "config/config.yaml"
README = "config/README.md"

INTRO = f"""\
# Configuration

<!-- generated from {SCHEMA} by `python tools/config_readme.py`; edit the schema's descriptions -->

vaelab reads `{CONFIG}` (the publication's settings), then each `--configfile` on top of
it, key by key (`config/smoke.yaml`: the whole DAG on a slice in minutes). As a Snakemake module
(`module vaelab: ... config: config`) the project's config replaces `{CONFIG}`, so it
gives every key. Every key is checked against `{SCHEMA}` before any job
runs: unknown keys are errors, and a key that has been renamed is named with its new name.

| Key | Type | In `{CONFIG}` | What it changes |
| --- | --- | --- | --- |
"""


def resolve(node: dict, schema: dict) -> dict:
    """`node` with its `$ref` and `allOf` parts merged in (the description of `node` wins)."""
    merged = {}
    if "$ref" in node:
        merged.update(resolve(schema["definitions"][node["$ref"].rsplit("/", 1)[-1]], schema))
    for part in node.get("allOf", []):
        merged.update(resolve(part, schema))
    merged.update({k: v for k, v in node.items() if k not in ("$ref", "allOf")})
    return merged


def type_of(node: dict, schema: dict) -> str:
    node = resolve(node, schema)
    if "enum" in node:
        return " or ".join(f"`{v}`" for v in node["enum"])
    types = node.get("type", "any")
    types = types if isinstance(types, list) else [types]
    words = []
    for t in types:
        if t == "array" and isinstance(node.get("items"), dict):
            words.append(f"list of {type_of(node['items'], schema)}")
        elif t == "object":
            words.append("mapping")
        else:
            words.append(t)
    return " or ".join(words)


def cell(text: str) -> str:
    """Table cell text: pipes escaped, and angle brackets, which Markdown would read as HTML."""
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def value_at(config: dict, path: list[str]):
    for key in path:
        if not isinstance(config, dict) or key not in config:
            return None, False
        config = config[key]
    return config, True


def rows(node: dict, schema: dict, config: dict, path: list[str]) -> list[str]:
    """One table row per key under `node`, depth first, in the schema's order."""
    out = []
    for key, child in resolve(node, schema).get("properties", {}).items():
        child_path = [*path, key]
        value, present = value_at(config, child_path)
        resolved = resolve(child, schema)
        shown = f"`{json.dumps(value)}`" if present and not isinstance(value, dict) else ""
        shared = child.get("$ref", "").rsplit("/", 1)[-1]  # a shared definition, listed where it is used
        description = resolved.get("description") or (
            f"settings of figure `{key}`"
            if path == ["figures"]
            else f"any of the keys of `{shared}`, for `{key}` only"
            if shared in schema.get("properties", {})
            else ""
        )
        out.append(
            f"| `{'.'.join(child_path)}` | {cell(type_of(child, schema))} | {cell(shown)} | {cell(description)} |"
        )
        if shared not in schema.get("properties", {}):
            out.extend(rows(resolved, schema, config, child_path))
    return out


def renamed() -> str:
    from vaelab.config_checks import RENAMED_KEYS

    lines = [f"| `{old}` | `{new}` |" for old, new in RENAMED_KEYS.items()]
    return "\n## Renamed keys\n\nA config that uses an old key is stopped with its new name.\n\n" + "\n".join(
        ["| Old key | New key |", "| --- | --- |", *lines]
    )


def render(root: Path = ROOT) -> str:
    schema = yaml.safe_load((root / SCHEMA).read_text())
    config = yaml.safe_load((root / CONFIG).read_text())
    return INTRO + "\n".join(rows(schema, schema, config, [])) + "\n" + renamed() + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help=f"exit 1 when {README} is not what the schema gives")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        if (ROOT / README).read_text() != text:
            sys.exit(f"{README} is not current: run `python tools/config_readme.py`")
        return
    (ROOT / README).write_text(text)


if __name__ == "__main__":
    main()
