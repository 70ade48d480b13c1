"""vaelab's own Workflow RO-Crate: ro-crate-metadata.json at the repository's root, which workflow
registries (WorkflowHub) read. `python tools/workflow_crate.py` writes it, `--check` fails when it is
not current (tests/test_workflow_crate.py runs that and roc-validator). Each run's crate
(results/<...>/report/ro-crate-metadata.json) points to it."""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
METADATA = "ro-crate-metadata.json"
# the workflow's parts besides the Snakefile; folders as a whole, so that a new rule file or
# notebook does not make this crate stale
FOLDERS = {
    "workflow/": "The rule files (one per stage), the config and figure-table schemas, the conda environment and "
    "the report's captions.",
    "config/": "The publication's config (config.yaml, documented in config/README.md), the smoke run's and the "
    "figure table (figures.yaml).",
    "notebooks/": "One Papermill notebook per figure; the rules run them with every path as a parameter.",
    "src/vaelab/": "The vaelab package the rules call (`vaelab <command>`): data, models, training, analyses, "
    "report and run crate.",
}
FILES = {  # name -> (description, encodingFormat)
    "README.md": ("What the study is, how to run it, and how to use vaelab from another project.", "text/markdown"),
    "LICENSE": ("The MIT licence.", "text/plain"),
    "CITATION.cff": ("How to cite vaelab.", "application/yaml"),
    "CHANGELOG.md": ("What changed in each version.", "text/markdown"),
    "environment.yml": ("The conda environment, with the same pins as pyproject.toml.", "application/yaml"),
    "pyproject.toml": ("The vaelab package, its dependencies and pins.", "application/toml"),
}
WORKFLOW_TYPES = ["File", "SoftwareSourceCode", "ComputationalWorkflow", "https://bioschemas.org/ComputationalWorkflow"]
BIOSCHEMAS_WORKFLOW = "https://bioschemas.org/profiles/ComputationalWorkflow/1.0-RELEASE"
LICENSE = ("https://spdx.org/licenses/MIT", "MIT License")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def creators(citation: dict) -> list[dict]:
    """CITATION.cff's authors as schema.org Person or Organization entities."""
    out = []
    for author in citation["authors"]:
        if "name" in author:  # an entity
            out.append(
                {
                    "@id": author.get("website") or f"#{_slug(author['name'])}",
                    "@type": "Organization",
                    "name": author["name"],
                }
            )
        else:
            name = " ".join(p for p in (author.get("given-names"), author.get("family-names")) if p)
            out.append(
                {
                    "@id": f"https://orcid.org/{author['orcid'].rsplit('/', 1)[-1]}"
                    if author.get("orcid")
                    else f"#{_slug(name)}",
                    "@type": "Person",
                    "name": name,
                }
            )
    return out


def release_date(version: str, root: Path) -> str:
    """The date CHANGELOG.md gives the version ('## [0.1.0] - 2026-12-03'): the crate's datePublished."""
    match = re.search(
        rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})", (root / "CHANGELOG.md").read_text(), flags=re.M
    )
    if match is None:
        raise SystemExit(f"CHANGELOG.md has no dated heading '## [{version}] - YYYY-MM-DD' for this version")
    return match.group(1)


def build(root: Path = ROOT):
    from rocrate.model.contextentity import ContextEntity
    from rocrate.model.dataset import Dataset
    from rocrate.rocrate import ROCrate

    import vaelab

    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    snakemake_pin = next(d.split("==")[1] for d in project["dependencies"] if d.startswith("snakemake=="))
    crate = ROCrate()
    people = [crate.add(ContextEntity(crate, c["@id"], properties=c)) for c in creators(citation)]
    licence = crate.add(
        ContextEntity(
            crate, LICENSE[0], properties={"@type": "CreativeWork", "name": LICENSE[1], "identifier": LICENSE[0]}
        )
    )
    workflow = crate.add_workflow(
        root / "Snakefile",
        dest_path="Snakefile",
        main=True,
        lang="snakemake",
        lang_version=snakemake_pin,
        properties={
            "@type": WORKFLOW_TYPES,
            "conformsTo": {"@id": BIOSCHEMAS_WORKFLOW},
            "name": "vaelab (Snakemake workflow)",
            "description": "The Snakefile: includes one rule file per stage under workflow/rules/ and reads "
            "config/config.yaml, checked against workflow/schemas/config.schema.yaml.",
            "version": vaelab.__version__,
            "license": licence,
            "creator": people,
            "encodingFormat": "text/x-snakemake",
        },
    )
    root_ds = crate.root_dataset
    root_ds["name"] = citation["title"]
    root_ds["description"] = " ".join(citation["abstract"].split())
    root_ds["version"] = vaelab.__version__
    root_ds["license"] = licence
    root_ds["creator"] = people
    root_ds["author"] = people
    root_ds["publisher"] = people[0]
    root_ds["keywords"] = citation.get("keywords", [])
    root_ds["datePublished"] = release_date(vaelab.__version__, root)
    for folder, about in FOLDERS.items():
        crate.add(Dataset(crate, root / folder, dest_path=folder, properties={"name": folder, "description": about}))
    for name, (about, encoding) in FILES.items():
        crate.add_file(
            root / name, dest_path=name, properties={"name": name, "description": about, "encodingFormat": encoding}
        )
    crate.get("README.md")["about"] = root_ds
    crate.add(
        ContextEntity(
            crate,
            BIOSCHEMAS_WORKFLOW,
            properties={"@type": "CreativeWork", "name": "Bioschemas ComputationalWorkflow profile 1.0"},
        )
    )
    workflow["hasPart"] = [crate.get(folder) for folder in ("workflow/", "config/", "notebooks/")]
    for entity in crate.get_entities():  # RO-Crate prefers a single value to a one-item list
        for key, value in list(entity.properties().items()):
            if isinstance(value, list) and len(value) == 1 and not key.startswith("@"):
                entity.properties()[key] = value[0]
    return crate


def render(root: Path = ROOT) -> str:
    return json.dumps(build(root).metadata.generate(), indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help=f"exit 1 when {METADATA} is not what this script writes")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        if not (ROOT / METADATA).exists() or (ROOT / METADATA).read_text() != text:
            sys.exit(f"{METADATA} is not current: run `python tools/workflow_crate.py`")
        return
    (ROOT / METADATA).write_text(text)


if __name__ == "__main__":
    main()
