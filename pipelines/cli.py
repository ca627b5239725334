"""`govreports` — the command line of the pipeline.

  govreports demo                      the whole pipeline against the embedded demo site
  govreports run --sources FILE        crawl + parse + build for a registry
  govreports parse PATH... --json      parse local documents (no network, no warehouse)
                                       [--agency NAME] [--year YYYY] [--division CODE]
  govreports sources check             is each source reachable, blocked, disallowed, empty?
  govreports query "SQL"               read-only SQL on the warehouse: a table, or
                                       --format csv|json|parquet [--output FILE] [--bom]
  govreports export --format parquet|csv DIR   every mart as a file, with a data dictionary
  govreports status                    what the last run did (and why it failed, if it did)

A failed run ends with one line on stderr naming what failed, the Dagster run id and the log file
(logs/<run_id>.log beside the warehouse; exit status 1); `govreports status` says it again. A run
started while another run of the same warehouse is active is refused with one line (exit status 2).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# duckdb, rich and dagster are imported by the commands that use them: `govreports parse` loads
# neither (start-up 0.15 s -> 0.04 s)


def error(message: str) -> None:
    """One plain line on stderr (no wrapping: scripts read it)."""
    print(f"error: {message}", file=sys.stderr)


# What a folder given to `govreports parse` is searched for (a file named explicitly is always read).
DOCUMENT_SUFFIXES = {".html", ".htm", ".shtml", ".jsp", ".txt", ".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx"}


def _parse_targets(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")
                              and f.suffix.lower() in DOCUMENT_SUFFIXES))
        else:
            out.append(p)
    return out


def cmd_parse(args: argparse.Namespace) -> int:
    from pipelines.parse import UnreadableDocument, parse_path

    failures = 0
    for path in _parse_targets(args.paths):
        try:
            result = parse_path(path, agency=args.agency, year=args.year, division=args.division)
        except UnreadableDocument as exc:
            error(str(exc))
            failures += 1
            continue
        result = {"source": str(path), **result}
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            failed = [c["code"] for c in result.get("checks", []) if c.get("status") == "fail"]
            print(f"{path}: {result.get('title')!r} {result.get('agency_name')} {result.get('report_year')} "
                  f"{result.get('era')} metrics={len(result.get('metrics', []))} failed_checks={failed}")
    return 1 if failures else 0


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.preflight import SettingsInvalid
    from pipelines.runner import RunActive, RunFailed, run_pipeline
    from pipelines.summary import print_summary

    try:
        result = run_pipeline(Path(args.sources))
    except (RunActive, SettingsInvalid) as exc:       # refused before anything was written
        error(str(exc))
        return 2
    except RunFailed as exc:
        error(str(exc))
        return 1
    print_summary(run_id=result.run_id)
    return _report_sources(result.run_id)


def _report_sources(run_id: str) -> int:
    """The sources this run could not crawl; exit 1 when not one source was reached."""
    from pipelines.crawl.report import FAILED_STATUSES, every_source_failed
    from pipelines.runlog import logs_dir, read_record
    from pipelines.summary import print_sources_not_ok

    record = read_record(logs_dir())
    sources = record.crawl_sources if record is not None and record.run_id == run_id else {}
    not_ok = print_sources_not_ok(sources)
    if every_source_failed(sources):
        statuses = ", ".join(sorted({s["status"] for s in not_ok.values()}))
        error(f"run {run_id}: no source could be crawled ({len(sources)} sources: {statuses}); "
              f"details in {_log_of(run_id)}")
        return 1
    failed = sum(s["status"] in FAILED_STATUSES for s in not_ok.values())
    print(f"run {run_id} succeeded" + (f", {failed} of {len(sources)} sources failed" if failed else "")
          + f"; log: {_log_of(run_id)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipelines import runlock
    from pipelines.demo_run import run_demo
    from pipelines.runner import RunActive, RunFailed, refuse_if_dagster_run_active
    from pipelines.warehouse.db import warehouse_path

    # the lock first: a second demo must not rewrite the demo registry the first one crawls
    try:
        runlock.acquire(warehouse_path())
    except RunActive as exc:
        error(str(exc))
        return 2
    try:
        refuse_if_dagster_run_active(warehouse_path())
        run_demo(seed=args.seed)
    except RunActive as exc:
        error(str(exc))
        return 2
    except RunFailed as exc:
        error(str(exc))
        return 1
    finally:
        runlock.release(warehouse_path())
    return 0


def _log_of(run_id: str) -> Path:
    from pipelines.runlog import logs_dir

    return logs_dir() / f"{run_id}.log"


def cmd_sources_check(args: argparse.Namespace) -> int:
    from rich.table import Table

    from pipelines.crawl import check_sources
    from pipelines.sources.registry import load_registry

    from pipelines.assets.settings import PipelineSettings

    path = Path(args.sources) if args.sources else PipelineSettings().sources_path()
    registry = load_registry(path)
    table = Table(title=f"sources in {path}")
    for col in ("source", "status", "reason"):
        table.add_column(col)
    for status in check_sources(registry):
        row = status if isinstance(status, (tuple, list)) else (status.source_id, status.status, status.reason)
        table.add_row(*[str(x or "") for x in row[:3]])
    from rich.console import Console

    Console().print(table)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines import query_output as qo
    from pipelines.warehouse.db import connect

    limit = qo.default_limit(args.format) if args.limit is None else args.limit
    if args.format == "parquet" and not args.output:
        error("--format parquet needs --output FILE (Parquet is binary)")
        return 2
    # sandboxed: SQL typed here cannot reach files, extensions or settings (pipelines/warehouse/db.py)
    with connect(args.db, read_only=True, sandbox=True) as con:
        try:   # parquet: a relation, whose Arrow table DuckDB builds without a copy of the rows
            cur = con.sql(args.sql) if args.format == "parquet" else con.execute(args.sql)
        except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
            text = " ".join(str(exc).split())
            if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in text \
                    or "read-only mode" in text:
                error(f"refused: `govreports query` only reads the warehouse (no writes, files, extensions "
                      f"or settings): {text}")
                return 2
            raise
        if cur is None or cur.description is None:   # a statement without a result (SET, CREATE TEMP …)
            return 0
        if args.format == "parquet":
            arrow = cur.to_arrow_table()
            truncated = bool(limit) and arrow.num_rows > limit
            qo.write_parquet(arrow.slice(0, limit) if truncated else arrow, Path(args.output))
        else:
            names, rows, truncated = qo.fetch(cur, limit)
    if args.format != "parquet":
        out = qo.open_output(args.output)
        try:
            if args.format == "csv":
                qo.write_csv(names, rows, out, bom=args.bom)
            elif args.format == "json":
                qo.write_json(names, rows, out)
            else:
                qo.write_table(names, rows, out)
        finally:
            if out is not sys.stdout:
                out.close()
    if truncated:
        print(qo.truncation_note(limit), file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.exports import export_marts

    for path in export_marts(Path(args.dir), fmt=args.format, db=args.db, bom=args.bom):
        print(path)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from pipelines.status import print_status

    return print_status(args.db)


def cmd_archive_verify(args: argparse.Namespace) -> int:
    from pipelines.archive.verify import verify_archive
    from pipelines.assets.settings import PipelineSettings

    path = Path(args.archive) if args.archive else PipelineSettings().archive_path()
    report = verify_archive(path)   # FileNotFoundError (no index) -> one line, exit 2
    print(report.summary())
    return 0 if report.healthy else 1


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("govreports")
    except PackageNotFoundError:   # run from a checkout that was never installed
        return "unknown (not installed: make install)"


QUERY_FORMATS = ("table", "csv", "json", "parquet")      # pipelines/query_output.py writes them
FULL_BUILD_HELP = ("build every dbt model, not only those downstream of the raw tables that changed "
                   "(the same as GOVREPORTS_FULL_BUILD=1)")


EXAMPLES = {
    "parse": ["govreports parse report.pdf", "govreports parse reports/ --json > parsed.jsonl",
              "govreports parse page.html --division 320800 --year 2022"],
    "run": ["govreports run --sources pipelines/sources/zhejiang.yaml",
            "GOVREPORTS_DUCKDB=/srv/gov/warehouse.duckdb govreports run --sources my_sources.yaml --full-build"],
    "demo": ["govreports demo", "govreports demo --seed 3"],
    "check": ["govreports sources check", "govreports sources check --sources my_sources.yaml"],
    "query": ['govreports query "SELECT * FROM marts.dim_agency LIMIT 5"',
              'govreports query "SELECT * FROM marts.fct_disclosure_metric" --format csv --bom -o metrics.csv',
              'govreports query "FROM marts.fct_report" --format parquet -o reports.parquet'],
    "export": ["govreports export out/", "govreports export --format csv --bom out_csv/"],
    "verify": ["govreports archive verify", "govreports archive verify --archive /srv/gov/archive"],
    "status": ["govreports status", "govreports status --db /srv/gov/warehouse.duckdb"],
}


def _formatter(argv: list[str] | None) -> type[argparse.HelpFormatter]:
    """rich-argparse's colours for --help only: every other invocation stays free of rich's import."""
    argv = sys.argv[1:] if argv is None else argv
    if "-h" in argv or "--help" in argv:
        from rich_argparse import RawDescriptionRichHelpFormatter

        return RawDescriptionRichHelpFormatter
    return argparse.RawDescriptionHelpFormatter


def _examples(name: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    formatter = _formatter(argv)
    parser = argparse.ArgumentParser(prog="govreports", description=__doc__, formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"govreports {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, formatter_class=formatter, epilog=_examples(name), **kwargs)

    p = command("parse", help="parse local documents and print what they say")
    p.add_argument("paths", nargs="+", help="files or folders (HTML, TXT, PDF, DOCX)")
    p.add_argument("--json", action="store_true", help="one JSON object per document, one per line")
    p.add_argument("--agency", help="the agency, when the document does not name it")
    p.add_argument("--year", type=int, help="the report year, when the document does not say it")
    p.add_argument("--division", metavar="CODE",
                   help="GB/T 2260 code of the place the document comes from (e.g. 320800 for a 淮安市 "
                        "portal): resolves names printed without their place (洪泽区人民政府, 市科委)")
    p.set_defaults(func=cmd_parse)

    p = command("run", help="crawl, parse and build the warehouse for a registry",
                       description="Crawl, parse and build the warehouse for a registry. The run's log "
                                   "goes to logs/<run_id>.log beside the warehouse (GOVREPORTS_LOGS "
                                   "overrides); a failed run ends with one line naming what failed.")
    p.add_argument("--sources", required=True, help="registry YAML (see pipelines/sources/)")
    p.add_argument("--full-build", action="store_true", help=FULL_BUILD_HELP)
    p.set_defaults(func=cmd_run)

    p = command("demo", help="run the whole pipeline against the embedded demo site on 127.0.0.1")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--full-build", action="store_true", help=FULL_BUILD_HELP)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("sources", help="registry tools", formatter_class=formatter)
    ssub = p.add_subparsers(dest="sources_command", required=True)
    c = ssub.add_parser("check", formatter_class=formatter, epilog=_examples("check"), help="reachable / blocked / robots-disallowed / no reports found, per source")
    c.add_argument("--sources", help="registry YAML (default: the one `govreports run` would use: "
                                     "GOVREPORTS_SOURCES, else the warehouse's last, else the Zhejiang registry)")
    c.set_defaults(func=cmd_sources_check)

    p = command("query", help="run read-only SQL on the warehouse",
                       description="Run read-only SQL on the warehouse and print the rows. The SQL can only "
                                   "read: no writes, no files (COPY TO, read_csv, ATTACH), no extensions, no "
                                   "settings. While a run writes the warehouse it says so and exits 2.")
    p.add_argument("sql")
    p.add_argument("--format", choices=QUERY_FORMATS, default="table",
                   help="table (default), csv, json or parquet")
    p.add_argument("--limit", type=int, default=None,
                   help="rows to write: 200 for a table, all for the other formats; 0 = all. "
                        "A note on stderr says when more rows matched")
    p.add_argument("--output", "-o", help="file to write (default: standard output; needed for parquet)")
    p.add_argument("--bom", action="store_true", help="CSV with a UTF-8 byte-order mark (for Excel)")
    p.add_argument("--db", help="DuckDB file (default: GOVREPORTS_DUCKDB or data/warehouse.duckdb)")
    p.set_defaults(func=cmd_query)

    p = command("export", help="write every mart as Parquet or CSV files, with a data dictionary",
                       description="Write every mart as a Parquet or CSV file into DIR, with DATA_DICTIONARY.md "
                                   "and data_dictionary.json (each mart's meaning, rows and columns).")
    p.add_argument("dir")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    p.add_argument("--bom", action="store_true", help="CSV files with a UTF-8 byte-order mark (for Excel)")
    p.add_argument("--db", help="DuckDB file (default: GOVREPORTS_DUCKDB or data/warehouse.duckdb)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("archive", help="archive tools", formatter_class=formatter)
    asub = p.add_subparsers(dest="archive_command", required=True)
    a = asub.add_parser("verify", formatter_class=formatter, epilog=_examples("verify"), help="re-hash every archived blob: ok / missing / corrupt (damaged ones are "
                                       "re-fetched by the next crawl); exit 1 when any is damaged")
    a.add_argument("--archive", help="archive folder (default: GOVREPORTS_ARCHIVE or data/archive)")
    a.set_defaults(func=cmd_archive_verify)

    p = command("status", help="summarise the last run: sources, new reports, failures, quality",
                       description="Summarise the last run: whether it failed and why, each source's "
                                   "crawl status, new documents, quality issues. Exit 2 when there is "
                                   "neither a run record nor a warehouse yet.")
    p.add_argument("--db", help="DuckDB file (default: GOVREPORTS_DUCKDB or data/warehouse.duckdb)")
    p.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    if sys.stderr.isatty():
        os.environ.setdefault("GOVREPORTS_PROGRESS", "1")
    if getattr(args, "full_build", False):
        os.environ["GOVREPORTS_FULL_BUILD"] = "1"     # read by the dbt step (assets/settings.py)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if isinstance(exc, (FileNotFoundError, ValueError)) or _is_duckdb_error(exc):
            error(" ".join(str(exc).split()))   # bad path, registry or SQL: one clear line
            return 2
        # a bug: still one line (GOVREPORTS_DEBUG=1 shows the traceback)
        if os.environ.get("GOVREPORTS_DEBUG"):
            raise
        error(f"{type(exc).__name__}: {' '.join(str(exc).split())} (GOVREPORTS_DEBUG=1 shows the traceback)")
        return 1


def run() -> None:
    """The `govreports` command: main(), then exit without tearing the interpreter down. Freeing a
    run's modules and objects one by one (dagster, dbt, the demo corpus) took ~1.3 s after the last
    line was printed; exit handlers still run and output is flushed first, as mypy's fast exit does."""
    code = main()
    import atexit
    import logging

    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _is_duckdb_error(exc: Exception) -> bool:
    duckdb = sys.modules.get("duckdb")   # not imported: the error cannot be one of its
    return duckdb is not None and isinstance(exc, duckdb.Error)


if __name__ == "__main__":
    run()
