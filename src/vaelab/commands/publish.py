"""`vaelab notebook`, `report`, `crate` and `publish`: the figures' notebooks, the report, its
RO-Crate and the files to upload."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def notebook(args) -> None:
    from vaelab.publish.notebook import run

    run(
        args.notebook,
        json.loads(args.parameters),
        rule=args.rule,
        executed=args.executed,
        html=args.html,
        log_notebook=args.log_notebook,
        launch_flags=args.launch_flags,
        rebuild_flags=args.rebuild_flags,
    )


def report(args) -> None:
    from vaelab.publish.report import main as report_main

    report_main(args.report_args)


def crate(args) -> None:
    from vaelab.publish.crate import build_crate, write_crate

    crate = build_crate(
        args.results,
        args.configfiles,
        json.loads(args.config_args),
        args.cores,
        args.targets,
        snakefile=args.snakefile,
        workflow_dir=args.workflow_dir,
    )
    write_crate(crate, Path(args.out).parent)
    print(f"{args.out}: {len(crate.get_entities())} entities", file=sys.stderr)


def publish(args) -> None:
    from vaelab.publish.archive import ArchiveError, write_models_archive
    from vaelab.publish.crate import zip_report

    print(zip_report(args.report_dir, args.out), file=sys.stderr)
    if args.models_out:
        try:
            path, count = write_models_archive(args.report_dir, args.models_out)
        except ArchiveError as e:
            raise SystemExit(f"vaelab publish: {e}") from None
        print(f"{path}: {count} cached results, {path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)


def register(sub) -> None:
    p = sub.add_parser("notebook", help="run a figure notebook with papermill and stamp provenance")
    p.add_argument("notebook", help="notebooks/<figure>.ipynb")
    p.add_argument("--rule", required=True, help="the rule that runs it, for the provenance")
    p.add_argument("--parameters", required=True, help="JSON of the papermill parameters")
    p.add_argument("--executed", required=True, help="where the executed notebook is kept")
    p.add_argument("--html", required=True, help="the executed notebook as HTML")
    p.add_argument("--log-notebook", required=True, help="the notebook as it runs (kept when a cell fails)")
    p.add_argument("--launch-flags", required=True, help="how this run was started: its --cores or --profile")
    p.add_argument("--rebuild-flags", default="", help="the --configfile/--config flags of this run")
    p.add_argument("--threads", type=int, default=1)
    p.set_defaults(func=notebook)

    p = sub.add_parser("crate", help="the run as a Workflow Run RO-Crate beside the report (run in the project folder)")
    p.add_argument("--results", required=True, help="the results root; the crate goes to <results>/report")
    p.add_argument("--configfiles", nargs="*", default=[], help="Snakemake --configfile files of the run")
    p.add_argument("--config-args", default="{}", help="JSON of the run's Snakemake --config key=value")
    p.add_argument("--cores", type=int, required=True, help="the run's --cores (some params depend on it)")
    p.add_argument("--snakefile", default="Snakefile", help="the Snakefile the run started (a project's, for a module)")
    p.add_argument("--workflow-dir", default=".", help="vaelab's folder: its Snakefile, rules, schemas and config")
    p.add_argument("--targets", nargs="+", required=True, help="the run's targets: the crate describes their jobs")
    p.add_argument("--out", required=True, help="<results>/report/ro-crate-metadata.json")
    p.set_defaults(func=crate)

    p = sub.add_parser(
        "publish", help="zip the report folder with its crate, and the cached results: the files to upload"
    )
    p.add_argument("--report-dir", required=True)
    p.add_argument("--out", required=True, help="the report's zip")
    p.add_argument(
        "--models-out", help="models.zip: the cached results the crate lists (vaelab restore-models reads it)"
    )
    p.set_defaults(func=publish)

    p = sub.add_parser("report", help="the rendered report: figures, provenance, claims, metrics", add_help=False)
    p.set_defaults(func=report)
