"""What a person wants to see after a run: a few small tables read from the marts (read-only)."""
from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipelines.warehouse.changes import build_of_run
from pipelines.warehouse.db import connect

SUMMARY_QUERIES = {
    "Agencies and reports": """
        SELECT (SELECT count(*) FROM marts.dim_agency) AS agencies,
               (SELECT count(*) FROM marts.fct_report) AS reports,
               (SELECT count(*) FROM marts.fct_disclosure_metric) AS metric_values,
               (SELECT count(*) FROM marts.fct_report WHERE parse_status <> 'parsed') AS not_parsed""",
    "Reports per year and template era": """
        SELECT report_year, template_era, count(*) AS reports
        FROM marts.fct_report GROUP BY ALL ORDER BY report_year, template_era""",
    "Coverage (agency × year)": """
        SELECT status, count(*) AS agency_years FROM marts.agency_year_coverage GROUP BY 1 ORDER BY 1""",
    "Parse status": """
        SELECT parse_status, count(*) AS reports FROM marts.fct_report GROUP BY 1 ORDER BY 2 DESC""",
    "Quality issues": """
        SELECT check_code, status, count(*) AS reports FROM marts.fct_quality_issue
        GROUP BY ALL ORDER BY reports DESC, check_code LIMIT 10""",
    "Metric rows quarantined (raw.parsed_rejects)": """
        SELECT reason, count(*) AS metric_rows, count(DISTINCT document_id) AS documents,
               string_agg(DISTINCT metric_code, ', ') AS codes
        FROM raw.parsed_rejects GROUP BY 1 ORDER BY 1""",
    "Procurement (2019–2020 reports)": """
        SELECT report_year, count(*) AS agencies, sum(projects) AS projects,
               round(sum(amount_cny)) AS amount_cny
        FROM marts.fct_procurement GROUP BY 1 ORDER BY 1""",
}

_TABLE = re.compile(r"\b((?:raw|marts)\.[a-z_]+)")


def print_summary(duckdb_path: Path | None = None, console: Console | None = None,
                  run_id: str | None = None) -> dict[str, list[tuple]]:
    """The tables below, then (given the run) one line on what its dbt step built and why."""
    console = console or Console()
    results: dict[str, list[tuple]] = {}
    with connect(duckdb_path, read_only=True) as con:
        have = {f"{s}.{t}" for s, t in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
        for title, sql in SUMMARY_QUERIES.items():
            if not all(t in have for t in _TABLE.findall(sql)):
                continue  # an older warehouse, or a table a run has not built: nothing to show
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            results[title] = rows
            table = Table(title=title, title_justify="left")
            for name in names:
                table.add_column(name)
            for row in rows:
                table.add_row(*[_cell(v) for v in row])
            console.print(table)
        build = build_of_run(con, run_id) if run_id else None
        if build is not None:
            console.print(f"dbt: {build[1]}", markup=False, highlight=False, soft_wrap=True)
    return results


def print_sources_not_ok(sources: dict, console: Console | None = None) -> dict[str, dict]:
    """The sources of the run whose crawl was not clean (from its run record), one row each."""
    from pipelines.crawl.report import sources_not_ok

    not_ok = sources_not_ok(sources)
    if not_ok:
        table = Table("source", "status", "reason", title=f"Sources not crawled cleanly ({len(not_ok)} of {len(sources)})",
                      title_justify="left")
        for sid, s in not_ok.items():
            table.add_row(sid, s["status"] or "", s["reason"] or "")
        (console or Console()).print(table)
    return not_ok


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)
