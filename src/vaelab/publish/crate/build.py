"""The run crate, section by section: the root, the software, the workflow and its rules, the
datasets, one CreateAction and ControlAction per job, and the run itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vaelab.data.registry import KNOWN_DATASETS
from vaelab.publish.crate.entities import (
    Builder,
    cache_entry,
    iso,
    made_by_run,
    package_version,
    param_value,
    relative_command,
    unique,
)
from vaelab.publish.crate.jobs import snakemake_jobs
from vaelab.publish.provenance import git_state, sha256

PROFILES = {  # @id -> (name, version): the Workflow Run Crate profiles this crate follows
    "https://w3id.org/ro/wfrun/process/0.6": ("Process Run Crate", "0.6"),
    "https://w3id.org/ro/wfrun/workflow/0.6": ("Workflow Run Crate", "0.6"),
    "https://w3id.org/ro/wfrun/provenance/0.6": ("Provenance Run Crate", "0.6"),
}
# The study's licence (text, figures, code of the crate); the datasets keep their own terms.
LICENSE = ("https://spdx.org/licenses/CC-BY-4.0", "Creative Commons Attribution 4.0 International")
# Bioschemas' class IRI before RO-Crate 1.3 renamed it: typed with both, the workflow is also
# recognised by Workflow RO-Crate 1.0 / Workflow Run Crate 0.5 readers (and their validators).
LEGACY_WORKFLOW_TYPE = "https://bioschemas.org/ComputationalWorkflow"
WORKFLOW_SOURCES = ("Snakefile", "workflow/rules/*.smk", "workflow/schemas/*.yaml", "config/*.yaml")
BUILD_FILES = ("pyproject.toml", "workflow/envs/vaelab.yaml")
SOFTWARE = (
    "python",
    "snakemake",
    "torch",
    "torchvision",
    "numpy",
    "scikit-learn",
    "matplotlib",
    "papermill",
    "nbconvert",
    "rocrate",
)
COMPLETED = "http://schema.org/CompletedActionStatus"  # a string, as the profiles' examples write it
BIOSCHEMAS_WORKFLOW = "https://bioschemas.org/profiles/ComputationalWorkflow/1.0-RELEASE"
BUILD_FORMATS = {  # buildInstructions file -> the specification it follows
    "pyproject.toml": "https://packaging.python.org/en/latest/specifications/pyproject-toml/",
    "workflow/envs/vaelab.yaml": "https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html",
}


@dataclass(frozen=True)
class WorkflowFiles:
    """vaelab's files: on disk under `folder`; in the crate as vaelab/<path> when the run's
    working directory is another project's, apart from the project's own files."""

    folder: str
    elsewhere: bool

    def path(self, p: str) -> str:
        return os.path.join(self.folder, p)

    def named(self, p: str) -> str:
        return f"vaelab/{p}" if self.elsewhere else p


def build_crate(
    results: str,
    configfiles: list[str],
    config_args: dict,
    cores: int,
    targets: list[str],
    title: str = "Autoencoders on handwritten digits",
    snakefile: str = "Snakefile",
    workflow_dir: str = ".",
):
    """The ROCrate of the run whose report is <results>/report (not yet written). `snakefile`: the
    one the run started (a project's, with vaelab as a module); `workflow_dir`: vaelab's folder,
    when the working directory is another project's (its files are then named vaelab/<path>,
    apart from the project's own)."""
    jobs, rules = snakemake_jobs(configfiles, config_args, cores, targets, snakefile)
    report_dir = Path(results) / "report"
    src = WorkflowFiles(workflow_dir, elsewhere=not os.path.samefile(workflow_dir, "."))
    git = git_state(workflow_dir)
    commit = (git["commit"] or "unknown") + ("+dirty" if git["dirty"] else "")
    b = Builder(results, report_dir, commit)

    root = _root(b, title, configfiles)
    software = _software(b)
    vaelab = b.context(
        "#vaelab",
        "SoftwareApplication",
        name="vaelab",
        version=package_version("vaelab") or commit,
        description=f"The study's library (src/vaelab) at git commit {commit} ('+dirty': with uncommitted changes).",
        url={"@id": "README.md"},
        softwareRequirements=[s for k, s in software.items() if k != "snakemake"],
    )
    workflow = _workflow(b, src, software, commit)
    tools, steps = _rules(b, src, rules, vaelab, commit)
    workflow["hasPart"] = list(tools.values())  # the profile's tools: the rules (their files are in root hasPart)
    workflow["step"] = list(steps.values())
    actions, controls, objects, outputs = _job_actions(b, jobs, tools, steps, _datasets(b))
    run, organize = _run(b, src, jobs, workflow, software.get("snakemake"), configfiles, config_args, commit,
                         controls, objects, outputs)  # fmt: skip
    if b.crate.preview is not None:
        b.crate.preview["name"] = "A browsable view of this crate's metadata"
    root["mentions"] = [run, organize, *actions]
    root["mainEntity"] = workflow
    _readme(b, src, root)
    for entity in b.crate.get_entities():  # RO-Crate prefers a single value to a one-item list
        for key, value in list(entity.properties().items()):
            if isinstance(value, list) and len(value) == 1 and not key.startswith("@"):
                entity.properties()[key] = value[0]
    return b.crate


def _root(b: Builder, title: str, configfiles: list[str]):
    """The root: what the run is, its licence and the profiles it follows."""
    root = b.crate.root_dataset
    root["name"] = f"{title}: a Snakemake run"
    root["description"] = (
        f"The run of the vaelab study with config {', '.join(['config/config.yaml', *configfiles])}: "
        "every rule execution (job) with its inputs, outputs, parameters and times, the figures, "
        "tables and executed notebooks of the report (index.html), and the workflow that made them."
    )
    root["license"] = b.context(
        LICENSE[0],
        "CreativeWork",
        name=LICENSE[1],
        identifier=LICENSE[0],
        description=f"The licence of this crate's text, figures and code: {LICENSE[1]}.",
    )
    for url, name in [
        (BIOSCHEMAS_WORKFLOW, "Bioschemas ComputationalWorkflow profile 1.0"),
        *((u, f"Specification of {f}") for f, u in BUILD_FORMATS.items()),
    ]:
        b.context(url, "CreativeWork", name=name)
    for pid, (name, version) in PROFILES.items():
        root.append_to("conformsTo", b.context(pid, ["CreativeWork", "Profile"], name=name, version=version))
    return root


def _software(b: Builder) -> dict:
    """{package: SoftwareApplication}: the engine and the libraries the jobs import."""
    software = {}
    for pkg in SOFTWARE:
        version = package_version(pkg)
        if version is None:
            continue
        url = "https://www.python.org/" if pkg == "python" else f"https://pypi.org/project/{pkg}/"
        pid = (
            f"https://www.python.org/downloads/release/python-{version.replace('.', '')}/"
            if pkg == "python"
            else f"https://pypi.org/project/{pkg}/{version}/"
        )
        software[pkg] = b.context(
            pid, "SoftwareApplication", name="Python" if pkg == "python" else pkg, version=version, url=url
        )
    return software


def _workflow(b: Builder, src: WorkflowFiles, software: dict, commit: str):
    """The workflow: the Snakefile (main entity) with the rules, config and schema files."""
    crate, wf, named = b.crate, src.path, src.named
    sources = sorted(
        {str(p.relative_to(src.folder)) for pattern in WORKFLOW_SOURCES for p in Path(src.folder).glob(pattern)}
    )
    build = [b.file(named(p), wf(p), conformsTo={"@id": BUILD_FORMATS[p]}) for p in BUILD_FILES if Path(wf(p)).exists()]
    workflow = crate.add_workflow(
        wf("Snakefile"),
        dest_path=f"files/{named('Snakefile')}",
        main=True,
        lang="snakemake",
        lang_version=software["snakemake"]["version"] if "snakemake" in software else None,
        properties={
            "@type": ["File", "SoftwareSourceCode", "ComputationalWorkflow", "HowTo", LEGACY_WORKFLOW_TYPE],
            "name": "vaelab: autoencoders on handwritten digits (Snakemake workflow)",
            "sha256": sha256(wf("Snakefile")),
            "contentSize": str(os.path.getsize(wf("Snakefile"))),
            "encodingFormat": "text/x-snakemake",
            "version": commit,
            "conformsTo": {"@id": BIOSCHEMAS_WORKFLOW},
            "description": "The Snakefile: includes one rule file per stage under workflow/rules/ and "
            "reads config/config.yaml, checked against workflow/schemas/.",
        },
    )
    b.files[named("Snakefile")] = workflow
    lang = workflow["programmingLanguage"]
    for key, (type_, name) in {
        "identifier": ("ScholarlyArticle", "Snakemake: a scalable bioinformatics workflow engine"),
        "url": ("WebSite", "Snakemake"),
    }.items():
        ref = lang.get(key)
        ref_id = getattr(ref, "id", None) or (ref.get("@id") if isinstance(ref, dict) else ref)
        if isinstance(ref_id, str) and ref_id.startswith("http") and crate.get(ref_id) is None:
            b.context(ref_id, type_, name=name)
    for p in sources:
        if p != "Snakefile":
            b.file(named(p), wf(p))
    if build:
        workflow["buildInstructions"] = build
    if Path(wf("docs/rulegraph.svg")).exists():  # `make dag`: the rule graph, the workflow's diagram
        workflow["image"] = b.file(
            named("docs/rulegraph.svg"),
            wf("docs/rulegraph.svg"),
            about=workflow,
            description="The rule graph of the workflow.",
        )
    if Path(wf("ro-crate-metadata.json")).exists():  # vaelab's own Workflow RO-Crate (tools/workflow_crate.py)
        # named, not copied: a second file called ro-crate-metadata.json would read as this crate's own
        workflow["subjectOf"] = b.context(
            "#workflow-crate",
            "CreativeWork",
            name="vaelab's Workflow RO-Crate",
            description="ro-crate-metadata.json at the root of vaelab's repository: the workflow, its licence, "
            "creators and version, apart from any run.",
            sha256=sha256(wf("ro-crate-metadata.json")),
            version=package_version("vaelab"),
        )
    return workflow


def _rules(b: Builder, src: WorkflowFiles, rules: dict, vaelab, commit: str) -> tuple[dict, dict]:
    """One tool (SoftwareApplication) and one HowToStep per rule that ran."""
    tools, steps = {}, {}
    for name, info in rules.items():
        tools[name] = b.context(
            f"#rule-{name}",
            "SoftwareApplication",
            name=f"rule {name}",
            version=commit,
            description=" ".join(info["docstring"].split()) or f"The Snakemake rule {name} of the workflow.",
            softwareRequirements=vaelab,
            url=b.file(src.named(os.path.relpath(info["snakefile"], src.folder)), info["snakefile"]),
        )
        steps[name] = b.context(
            f"#step-{name}", "HowToStep", name=f"step {name}", position=str(info["position"]), workExample=tools[name]
        )
    return tools, steps


def _datasets(b: Builder) -> dict:
    """{data folder: Dataset}: the known datasets' sources; the files of them the run read are
    added to their hasPart by _job_actions."""
    datasets = {}
    for name, known in KNOWN_DATASETS.items():
        source = known.source
        citation = b.context(source.citation_id, "ScholarlyArticle", name=source.citation)
        datasets[name] = b.context(
            f"#dataset-{name}",
            "Dataset",
            name=source.name,
            description=source.description,
            citation=citation,
            url=source.url,
        )
    return datasets


def _job_actions(b: Builder, jobs: list[dict], tools: dict, steps: dict, datasets: dict):
    """One CreateAction (the job) and one ControlAction (its step) per job; with the inputs no job
    made and every output, for the run's own action."""
    actions, controls, objects, outputs_ = [], [], [], []
    for job in jobs:
        key = "-".join([job["rule"], *(str(v) for v in job["wildcards"].values())])
        inputs = [b.file(p) for paths in job["input"].values() for p in paths]
        name = f"{job['rule']} " + " ".join(f"{k}={v}" for k, v in job["wildcards"].items())
        outputs = [
            b.file(p, description=f"Output '{role}' of job {name.strip()}", **cache_entry(job, p))
            for role, paths in job["output"].items()
            for p in paths
        ]
        for entity in inputs:
            folder = Path(entity["name"]).parent.name
            if folder in datasets and entity not in (datasets[folder].get("hasPart") or []):
                datasets[folder].append_to("hasPart", entity)
        values = [b.value(f"#{key}-wildcard-{k}", k, v) for k, v in job["wildcards"].items()]
        values += [b.value(f"#{key}-param-{k}", k, param_value(v)) for k, v in job["params"].items()]
        action = b.crate.add_action(
            tools[job["rule"]],
            identifier=f"#job-{key}",
            object=inputs + values,
            result=outputs,
            properties={
                "@type": "CreateAction",
                "name": name.strip(),
                "description": "Command: " + relative_command(job["shellcmd"] or ""),
                "startTime": iso(job["started"]),
                "endTime": iso(job["ended"]),
                "actionStatus": COMPLETED,
            },
        )
        actions.append(action)
        controls.append(
            b.context(
                f"#control-{key}",
                "ControlAction",
                name=f"orchestrate {action['name']}",
                instrument=steps[job["rule"]],
                object=action,
                actionStatus=COMPLETED,
            )
        )
        objects += [e for e in inputs if not made_by_run(e, jobs)]
        outputs_ += outputs
    return actions, controls, objects, outputs_


def _run(b, src, jobs, workflow, engine, configfiles, config_args, commit, controls, objects, outputs):
    """The run's CreateAction (config in, every output out) and Snakemake's OrganizeAction."""
    started = min(j["started"] for j in jobs)
    ended = max(j["ended"] for j in jobs)
    config_files = [
        b.file(src.named("config/config.yaml"), src.path("config/config.yaml")),
        *(b.file(p) for p in configfiles),
    ]
    run_values = [b.value(f"#config-arg-{k}", k, v) for k, v in sorted(config_args.items())]
    index = b.report_dir / "index.html"
    final = [b.file(str(index))] if index.exists() else []
    run = b.crate.add_action(
        workflow,
        identifier="#workflow-run",
        object=unique(config_files + objects) + run_values,
        result=unique(final + outputs),
        properties={
            "@type": "CreateAction",
            "name": f"Run of the vaelab workflow ({len(jobs)} jobs)",
            "description": f"snakemake run; git commit {commit}",
            "startTime": iso(started),
            "endTime": iso(ended),
            "actionStatus": COMPLETED,
        },
    )
    organize = b.context(
        "#snakemake-run",
        "OrganizeAction",
        name="Snakemake orchestrating the run",
        instrument=engine,
        object=controls,
        result=run,
        startTime=iso(started),
        endTime=iso(ended),
        actionStatus=COMPLETED,
    )
    return run, organize


def _readme(b: Builder, src: WorkflowFiles, root) -> None:
    """Workflow RO-Crate: a README.md about the crate (vaelab's)."""
    readme = src.path("README.md")
    if Path(readme).exists():
        b.crate.add_file(
            readme,
            dest_path="README.md",
            properties={
                "about": root,
                "encodingFormat": "text/markdown",
                "name": "README.md of the vaelab project",
                "description": "What the study is, how to run it, and how to rebuild a figure.",
                "sha256": sha256(readme),
                "contentSize": str(os.path.getsize(readme)),
            },
        )
