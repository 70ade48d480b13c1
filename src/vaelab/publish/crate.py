"""The run as a Workflow Run RO-Crate (Provenance Run Crate profile) beside the report.

`build_crate` reads the jobs of the run from Snakemake itself: each job's rule, wildcards,
named params, inputs and outputs from the workflow's DAG, and its command, start and end
times from Snakemake's metadata records (.snakemake/metadata), so each `CreateAction`
describes what ran. Text outputs (figures, tables, notebooks, configs, rules) are copied
into the crate under `files/`; binary ones (models, arrays, the raw data) are described
by checksum and size under a local `#` identifier, so the crate stays uploadable.

`python -m vaelab crate ...` (the `crate` rule) writes ro-crate-metadata.json and
ro-crate-preview.html into <results>/report; `python -m vaelab publish` zips that folder.
`trace_figures` and `check_checksums` read a written crate back: a figure to the action
that made it, and every file's recorded SHA-256 against the file.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path

from vaelab.publish.dag import cache_entries, is_cached, open_dag, ordered_jobs
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
# Files copied into the crate; everything else (model.pt, .npz, .gz) is described, not copied.
PAYLOAD_SUFFIXES = {
    ".png",
    ".pdf",
    ".json",
    ".csv",
    ".md",
    ".html",
    ".ipynb",
    ".svg",
    ".rst",
    ".yaml",
    ".yml",
    ".smk",
    ".toml",
    ".txt",
    "",
}
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
DATASETS = {  # data folder name -> the source of its files
    "mnist": {
        "@id": "https://yann.lecun.com/exdb/mnist/",
        "name": "MNIST handwritten digits",
        "description": "60,000 training and 10,000 test images of handwritten digits, 28x28 grey levels, "
        "as gzip'd IDX files (LeCun, Cortes and Burges).",
        "citation": (
            "https://doi.org/10.1109/5.726791",
            "LeCun, Y., Bottou, L., Bengio, Y. and Haffner, P. (1998). "
            "Gradient-based learning applied to document recognition. Proceedings of the IEEE 86(11).",
        ),
    },
    "fashion-mnist": {
        "@id": "https://github.com/zalandoresearch/fashion-mnist",
        "name": "Fashion-MNIST",
        "description": "60,000 training and 10,000 test images of Zalando's clothing items in ten classes, "
        "28x28 grey levels, as gzip'd IDX files in MNIST's layout (Xiao, Rasul and Vollgraf).",
        "citation": (
            "https://doi.org/10.48550/arXiv.1708.07747",
            "Xiao, H., Rasul, K. and Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset for "
            "benchmarking machine learning algorithms. arXiv:1708.07747.",
        ),
    },
    "emnist-letters": {
        "@id": "https://www.nist.gov/itl/products-and-services/emnist-dataset",
        "name": "EMNIST letters (test part, letters a-m)",
        "description": "Handwritten letters from NIST Special Database 19 in MNIST's format; the study uses "
        "the letters a-m of the test part as out-of-distribution images.",
        "citation": (
            "https://doi.org/10.48550/arXiv.1702.05373",
            "Cohen, G., Afshar, S., Tapson, J. and van Schaik, A. "
            "(2017). EMNIST: an extension of MNIST to handwritten letters. arXiv:1702.05373.",
        ),
    },
}
SKIP_RULES = ("crate",)
COMPLETED = "http://schema.org/CompletedActionStatus"  # a string, as the profiles' examples write it
BIOSCHEMAS_WORKFLOW = "https://bioschemas.org/profiles/ComputationalWorkflow/1.0-RELEASE"
BUILD_FORMATS = {  # buildInstructions file -> the specification it follows
    "pyproject.toml": "https://packaging.python.org/en/latest/specifications/pyproject-toml/",
    "workflow/envs/vaelab.yaml": "https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html",
}  # the job writing the crate is not yet finished while it runs


CACHE_ENTRY_PREFIX = "snakemake-cache/"


class CrateError(RuntimeError):
    """The crate cannot describe the run faithfully (e.g. a job out of date or without a record)."""


# --- the jobs of the run, from Snakemake ---------------------------------------------------
def snakemake_jobs(
    configfiles: list[str], config_args: dict, cores: int, targets: list[str], snakefile: str = "Snakefile"
) -> tuple[list[dict], dict]:
    """Every finished job the targets need, as plain dicts, and {rule: {docstring, position}}.

    Builds the DAG with Snakemake's API (no execution, no lock) in the current directory and
    joins each job with the metadata record Snakemake wrote when the job finished. Raises
    CrateError when a job would rerun: then its record is not what made the current files.
    A cached rule's job also names each output's entry in Snakemake's output cache.
    """
    rules, jobs, stale = {}, [], []
    with open_dag(configfiles, config_args, cores, targets, snakefile=snakefile) as (workflow, dag):
        for job in ordered_jobs(dag):
            if not job.output or job.rule.name in SKIP_RULES:
                continue
            if dag.needrun(job):
                stale.append(f"{job.rule.name} {dict(job.wildcards_dict)}")
                continue
            records = [workflow.persistence.metadata(f) for f in job.output]
            if any(r is None or r.starttime is None or r.endtime is None for r in records):
                raise CrateError(
                    f"no Snakemake record of job {job.rule.name} {dict(job.wildcards_dict)} "
                    f"(outputs {list(job.output)}); rerun it with Snakemake"
                )
            rules.setdefault(
                job.rule.name,
                {
                    "docstring": job.rule.docstring or "",
                    "position": len(rules) + 1,
                    "snakefile": os.path.relpath(job.rule.snakefile),
                },
            )
            jobs.append(
                {
                    "rule": job.rule.name,
                    "wildcards": dict(job.wildcards_dict),
                    "params": {k: v for k, v in job.params.items()},
                    "input": {k: _paths(v) for k, v in job.input.items()} or {"input": list(map(str, job.input))},
                    "output": {k: _paths(v) for k, v in job.output.items()} or {"output": list(map(str, job.output))},
                    "log": list(map(str, job.log)),
                    "benchmark": str(job.benchmark) if job.benchmark else None,
                    "shellcmd": records[0].shellcmd,
                    "started": min(r.starttime for r in records),
                    "ended": max(r.endtime for r in records),
                    "cache_entries": cache_entries(job) if is_cached(job.rule) else {},
                }
            )
        if stale:
            raise CrateError(
                "results are not up to date, so Snakemake's records would not describe them; "
                "run Snakemake first. Out of date: " + "; ".join(stale)
            )
    return jobs, rules


def _paths(value) -> list[str]:
    return [str(value)] if isinstance(value, str) else [str(v) for v in value]


# --- building the crate ----------------------------------------------------------------------
def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat(timespec="milliseconds")


def _encoding(path: str) -> str:
    suffix = Path(path).suffix
    return (
        {
            ".ipynb": "application/x-ipynb+json",
            ".smk": "text/x-snakemake",
            ".md": "text/markdown",
            ".yaml": "application/yaml",
            ".yml": "application/yaml",
            ".rst": "text/x-rst",
            ".npz": "application/x-npz",
            ".pt": "application/x-pytorch",
            ".toml": "application/toml",
            ".gz": "application/gzip",
            "": "text/x-snakemake",
        }.get(suffix)
        or mimetypes.guess_type(path)[0]
        or "application/octet-stream"
    )


class _Builder:
    def __init__(self, results: str, report_dir: Path, commit: str):
        from rocrate.rocrate import ROCrate

        self.results = results
        self.report_dir = report_dir
        self.commit = commit
        self.crate = ROCrate(gen_preview=True)
        self.files: dict[str, object] = {}

    def crate_path(self, path: str) -> str:
        """Where a project file is in the crate: report files in place, text files copied under
        files/, other files described only ('#' + their path)."""
        rel = os.path.relpath(path, self.report_dir)
        if not rel.startswith(".."):
            return Path(rel).as_posix()
        if Path(path).suffix in PAYLOAD_SUFFIXES:
            return f"files/{Path(os.path.normpath(path)).as_posix()}"
        return f"#{Path(os.path.normpath(path)).as_posix()}"

    def file(self, path: str, where: str | None = None, **properties):
        """The File entity of a project file, with its SHA-256 and size (added once); `where`: the
        file on disk when it is not at `path` (a workflow file, named from the workflow's folder)."""
        path = os.path.normpath(path)
        where = where or path
        if path in self.files:
            entity = self.files[path]
            for key, value in properties.items():
                entity.properties()[key] = value
            return entity
        from rocrate.model.contextentity import ContextEntity

        dest = self.crate_path(path)
        props = {
            "name": path,
            "sha256": sha256(where),
            "contentSize": str(os.path.getsize(where)),
            "encodingFormat": _encoding(path),
            "description": _describe(path, self.results),
            **properties,
        }
        if dest.startswith("#"):  # described, not copied: where it is in the project
            props["localPath"] = path
            entity = self.crate.add(ContextEntity(self.crate, dest, properties={"@type": "File", **props}))
        else:
            entity = self.crate.add_file(where, dest_path=dest, properties=props)
        self.files[path] = entity
        return entity

    def context(self, id_: str, type_, **properties):
        from rocrate.model.contextentity import ContextEntity

        return self.crate.add(ContextEntity(self.crate, id_, properties={"@type": type_, **properties}))

    def value(self, id_: str, name: str, value):
        return self.context(
            id_, "PropertyValue", name=name, value=value if isinstance(value, (int, float, bool)) else str(value)
        )


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
    elsewhere = not os.path.samefile(workflow_dir, ".")

    def wf(p: str) -> str:  # a workflow file on disk
        return os.path.join(workflow_dir, p)

    def named(p: str) -> str:  # and as the crate names it
        return f"vaelab/{p}" if elsewhere else p

    git = git_state(workflow_dir)
    commit = (git["commit"] or "unknown") + ("+dirty" if git["dirty"] else "")
    b = _Builder(results, report_dir, commit)
    crate = b.crate

    # the root: what the run is, its licence and profiles
    root = crate.root_dataset
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

    # software: the engine and the libraries the jobs import
    software = {}
    for pkg in SOFTWARE:
        version = _version(pkg)
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
    vaelab = b.context(
        "#vaelab",
        "SoftwareApplication",
        name="vaelab",
        version=_version("vaelab") or commit,
        description=f"The study's library (src/vaelab) at git commit {commit} ('+dirty': with uncommitted changes).",
        url={"@id": "README.md"},
        softwareRequirements=[s for k, s in software.items() if k != "snakemake"],
    )

    # the workflow: Snakefile + rules + config + schema; one tool and one step per rule
    sources = sorted(
        {str(p.relative_to(workflow_dir)) for pattern in WORKFLOW_SOURCES for p in Path(workflow_dir).glob(pattern)}
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
            version=_version("vaelab"),
        )
    tools, steps = {}, {}
    for name, info in rules.items():
        tools[name] = b.context(
            f"#rule-{name}",
            "SoftwareApplication",
            name=f"rule {name}",
            version=commit,
            description=" ".join(info["docstring"].split()) or f"The Snakemake rule {name} of the workflow.",
            softwareRequirements=vaelab,
            url=b.file(named(os.path.relpath(info["snakefile"], workflow_dir)), info["snakefile"]),
        )
        steps[name] = b.context(
            f"#step-{name}", "HowToStep", name=f"step {name}", position=str(info["position"]), workExample=tools[name]
        )
    workflow["hasPart"] = list(tools.values())  # the profile's tools: the rules (their files are in root hasPart)
    workflow["step"] = list(steps.values())

    # the datasets' sources, with the files of them that the run read
    datasets = {}
    for folder, info in DATASETS.items():
        citation = b.context(info["citation"][0], "ScholarlyArticle", name=info["citation"][1])
        datasets[folder] = b.context(
            f"#dataset-{folder}",
            "Dataset",
            name=info["name"],
            description=info["description"],
            citation=citation,
            url=info["@id"],
        )

    # one CreateAction per job, one ControlAction per job, one OrganizeAction for the engine
    actions, controls, objects, results_ = [], [], [], []
    for job in jobs:
        key = "-".join([job["rule"], *(str(v) for v in job["wildcards"].values())])
        inputs = [b.file(p) for paths in job["input"].values() for p in paths]
        name = f"{job['rule']} " + " ".join(f"{k}={v}" for k, v in job["wildcards"].items())
        outputs = [
            b.file(p, description=f"Output '{role}' of job {name.strip()}", **_cache_entry(job, p))
            for role, paths in job["output"].items()
            for p in paths
        ]
        for entity in inputs:
            folder = Path(entity["name"]).parent.name
            if folder in datasets and entity not in (datasets[folder].get("hasPart") or []):
                datasets[folder].append_to("hasPart", entity)
        values = [b.value(f"#{key}-wildcard-{k}", k, v) for k, v in job["wildcards"].items()]
        values += [b.value(f"#{key}-param-{k}", k, _plain(v)) for k, v in job["params"].items()]
        action = crate.add_action(
            tools[job["rule"]],
            identifier=f"#job-{key}",
            object=inputs + values,
            result=outputs,
            properties={
                "@type": "CreateAction",
                "name": name.strip(),
                "description": "Command: " + _relative(job["shellcmd"] or ""),
                "startTime": _iso(job["started"]),
                "endTime": _iso(job["ended"]),
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
        objects += [e for e in inputs if not _made_by_run(e, jobs)]
        results_ += outputs

    started = min(j["started"] for j in jobs)
    ended = max(j["ended"] for j in jobs)
    config_files = [b.file(named("config/config.yaml"), wf("config/config.yaml")), *(b.file(p) for p in configfiles)]
    run_values = [b.value(f"#config-arg-{k}", k, v) for k, v in sorted(config_args.items())]
    final = [b.file(str(report_dir / "index.html"))] if (report_dir / "index.html").exists() else []
    run = crate.add_action(
        workflow,
        identifier="#workflow-run",
        object=_unique(config_files + objects) + run_values,
        result=_unique(final + results_),
        properties={
            "@type": "CreateAction",
            "name": f"Run of the vaelab workflow ({len(jobs)} jobs)",
            "description": f"snakemake run; git commit {commit}",
            "startTime": _iso(started),
            "endTime": _iso(ended),
            "actionStatus": COMPLETED,
        },
    )
    engine = software.get("snakemake")
    organize = b.context(
        "#snakemake-run",
        "OrganizeAction",
        name="Snakemake orchestrating the run",
        instrument=engine,
        object=controls,
        result=run,
        startTime=_iso(started),
        endTime=_iso(ended),
        actionStatus=COMPLETED,
    )
    if crate.preview is not None:
        crate.preview["name"] = "A browsable view of this crate's metadata"
    root["mentions"] = [run, organize, *actions]
    root["mainEntity"] = workflow
    if Path(wf("README.md")).exists():  # Workflow RO-Crate: a README.md about the crate
        crate.add_file(
            wf("README.md"),
            dest_path="README.md",
            properties={
                "about": root,
                "encodingFormat": "text/markdown",
                "name": "README.md of the vaelab project",
                "description": "What the study is, how to run it, and how to rebuild a figure.",
                "sha256": sha256(wf("README.md")),
                "contentSize": str(os.path.getsize(wf("README.md"))),
            },
        )
    for entity in crate.get_entities():  # RO-Crate prefers a single value to a one-item list
        for key, value in list(entity.properties().items()):
            if isinstance(value, list) and len(value) == 1 and not key.startswith("@"):
                entity.properties()[key] = value[0]
    return crate


def _describe(path: str, results: str) -> str:
    if Path(path).is_relative_to(results):
        return "A file of the run's results."
    if Path(path).parts[0] == "data":
        return "A raw data file the run read; its source is the dataset that lists it in hasPart."
    return "A file of the workflow's source (its git commit is the workflow's version)."


def _cache_entry(job: dict, path: str) -> dict:
    """alternateName: the output's name in Snakemake's output cache, which models.zip holds."""
    entry = job["cache_entries"].get(os.path.normpath(path))
    return {"alternateName": CACHE_ENTRY_PREFIX + entry} if entry else {}


def _made_by_run(entity, jobs) -> bool:
    path = entity["name"]
    return any(path in paths for job in jobs for paths in job["output"].values())


def _unique(entities):
    seen, out = set(), []
    for e in entities:
        if e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out


def _plain(value):
    if isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


def _relative(text: str) -> str:
    """A command as run, with this machine's project folder left out (as the report shows paths)."""
    return text.replace(os.getcwd() + os.sep, "")


def _version(pkg: str) -> str | None:
    if pkg == "python":
        import platform

        return platform.python_version()
    try:
        return importlib_metadata.version(pkg)
    except importlib_metadata.PackageNotFoundError:
        return None


def write_crate(crate, report_dir: str | Path) -> None:
    """Write the crate into report_dir: the copies under files/, the preview, then the metadata.

    Written in a folder beside and moved into place, the metadata file last, so a crashed job
    leaves no ro-crate-metadata.json that describes files it did not finish copying.
    """
    report_dir = Path(report_dir)
    tmp = Path(tempfile.mkdtemp(dir=report_dir, prefix=".crate."))
    try:
        crate.write(tmp)
        shutil.rmtree(report_dir / "files", ignore_errors=True)
        if (tmp / "files").exists():
            os.replace(tmp / "files", report_dir / "files")
        for name in ("README.md", "ro-crate-preview.html", "ro-crate-metadata.json"):
            os.replace(tmp / name, report_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def zip_report(report_dir: str | Path, out: str | Path) -> Path:
    """The report folder with its crate as one zip (ro-crate-py's write_zip), the folder to upload."""
    from rocrate.rocrate import ROCrate

    from vaelab.io import atomic_path

    with atomic_path(out) as tmp:
        ROCrate(report_dir).write_zip(tmp)
    return Path(out)


# --- reading a crate back ----------------------------------------------------------------
def read_graph(crate_dir: str | Path) -> dict[str, dict]:
    """{@id: entity} of a crate's ro-crate-metadata.json."""
    import json

    data = json.loads((Path(crate_dir) / "ro-crate-metadata.json").read_text())
    return {e["@id"]: e for e in data["@graph"]}


def _ids(value) -> list[str]:
    values = value if isinstance(value, list) else [value] if value else []
    return [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]


def _types(entity) -> set[str]:
    t = entity.get("@type", [])
    return set(t if isinstance(t, list) else [t])


def file_location(crate_dir: str | Path, entity: dict, project_root: str | Path) -> Path:
    """Where a File entity's bytes are: in the crate, or (described only, '#' id) in the project."""
    if entity["@id"].startswith("#"):
        return Path(project_root) / entity["name"]
    return Path(crate_dir) / entity["@id"]


def trace(crate_dir: str | Path, path: str) -> dict:
    """From the crate alone: the action that made the file at project path `path`, its rule and its
    inputs with their recorded SHA-256. Raises KeyError when the crate cannot say."""
    graph = read_graph(crate_dir)
    files = [e for e in graph.values() if "File" in _types(e) and e.get("name") == path]
    if not files:
        raise KeyError(f"{path}: not in the crate")
    made_by = [
        e
        for e in graph.values()
        if "CreateAction" in _types(e) and e["@id"] != "#workflow-run" and files[0]["@id"] in _ids(e.get("result"))
    ]
    if len(made_by) != 1:
        raise KeyError(f"{path}: made by {len(made_by)} actions in the crate, not one")
    action = made_by[0]
    inputs = [graph[i] for i in _ids(action.get("object")) if "File" in _types(graph.get(i, {}))]
    return {"file": files[0], "action": action, "tool": graph[_ids(action["instrument"])[0]], "inputs": inputs}


def check_checksums(crate_dir: str | Path, entities: list[dict], project_root: str | Path = ".") -> list[str]:
    """What is false about the given File entities: a missing file, or a SHA-256 or size that does not match."""
    problems = []
    for entity in entities:
        where = file_location(crate_dir, entity, project_root)
        if not where.is_file():
            problems.append(f"{entity['@id']}: no file at {where}")
        elif sha256(where) != entity.get("sha256"):
            problems.append(
                f"{entity['@id']}: SHA-256 of {where} is {sha256(where)}, the crate says {entity.get('sha256')}"
            )
        elif str(where.stat().st_size) != str(entity.get("contentSize")):
            problems.append(
                f"{entity['@id']}: {where} has {where.stat().st_size} bytes, the crate says {entity.get('contentSize')}"
            )
    return problems


# --- validation ----------------------------------------------------------------------------
def validate(crate_dir: str | Path, profile: str, severity: str = "OPTIONAL", skip_checks: list[str] | None = None):
    """roc-validator's result for the crate against `profile`, offline.

    roc-validator fetches the crate's JSON-LD context over HTTP through its own HTTP cache; with
    no network, the cache is filled first with the RO-Crate 1.3 context that ro-crate-py ships
    (the context the crate was written with), and the validator runs in offline mode, so any
    other remote fetch fails instead of reaching the network.
    """
    import importlib.resources
    import io

    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from requests_cache import CachedSession
    from rocrate_validator import services
    from rocrate_validator.models import ValidationSettings

    context = importlib.resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_bytes()
    context_url = "https://w3id.org/ro/crate/1.3/context"

    class Packaged(HTTPAdapter):
        def send(self, request, **kwargs):
            if request.url != context_url:
                raise requests.ConnectionError(f"offline: {request.url}")
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(context),
                headers={"Content-Type": "application/ld+json"},
                status=200,
                preload_content=False,
                request_url=request.url,
                reason="OK",
            )
            return self.build_response(request, raw)

    cache = Path(tempfile.mkdtemp(prefix="roc-validator-cache-")) / "http_cache"
    with CachedSession(str(cache), backend="sqlite", expire_after=-1) as session:
        session.mount("https://", Packaged())
        session.get(context_url).raise_for_status()
    # the validator makes the folder's path a URI without quoting it: a space breaks 4 REQUIRED
    # checks, so it reads the crate through a link whose path has none
    link = cache.parent / "crate"
    link.symlink_to(Path(crate_dir).resolve(), target_is_directory=True)
    settings = ValidationSettings(
        rocrate_uri=str(link),
        profile_identifier=profile,
        requirement_severity=severity,
        offline=True,
        cache_path=cache,
        skip_checks=skip_checks or None,
    )
    try:
        return services.validate(settings)
    finally:
        shutil.rmtree(cache.parent, ignore_errors=True)
