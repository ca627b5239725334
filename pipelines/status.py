"""`govreports status`: what the last crawl and parse did, read from the warehouse."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipelines.warehouse.db import connect

# A missing robots.txt (404) means "allow all"; it is not a failure.
FAILED = "(outcome = 'error' AND NOT (stage = 'robots' AND reason LIKE 'http_4%'))"
LAST_RUN = "(SELECT run_id FROM raw.fetch_log ORDER BY fetched_at DESC LIMIT 1)"

STATUS_QUERIES = {
    "Last run": f"""
        SELECT run_id, min(fetched_at) AS started, max(fetched_at) AS last_fetch, count(*) FILTER (WHERE outcome <> 'unchanged_skipped') AS requests,
               count(*) FILTER (WHERE outcome = 'ok') AS downloaded,
               count(*) FILTER (WHERE outcome IN ('not_modified', 'unchanged_skipped')) AS unchanged,
               count(*) FILTER (WHERE {FAILED}) AS failed
        FROM raw.fetch_log WHERE run_id = {LAST_RUN} GROUP BY run_id""",
    "Sources in the last run": f"""
        SELECT source_id,
               CASE WHEN count(*) FILTER (WHERE outcome = 'error' AND reason = 'blocked') > 0 THEN 'blocked'
                    WHEN count(*) FILTER (WHERE outcome <> 'error') = 0 THEN 'failed'
                    ELSE 'ok' END AS status,
               count(*) AS requests, count(*) FILTER (WHERE {FAILED}) AS failures
        FROM raw.fetch_log WHERE run_id = {LAST_RUN} GROUP BY 1 ORDER BY 2, 1""",
    "Failures of the last run by reason": f"""
        SELECT stage, reason, count(*) AS fetches, any_value(url) AS example_url
        FROM raw.fetch_log WHERE run_id = {LAST_RUN} AND {FAILED} GROUP BY ALL ORDER BY 3 DESC""",
    "New documents in the last run": f"""
        SELECT count(*) AS new_documents FROM raw.documents
        WHERE first_fetched_at >= (SELECT min(fetched_at) FROM raw.fetch_log WHERE run_id = {LAST_RUN})""",
    "Quality issues": """
        SELECT status, count(*) AS issues, count(DISTINCT report_id) AS reports
        FROM marts.fct_quality_issue GROUP BY 1 ORDER BY 1""",
}


def print_status(db: str | Path | None = None, console: Console | None = None) -> None:
    console = console or Console()
    with connect(db, read_only=True) as con:
        for title, sql in STATUS_QUERIES.items():
            cur = con.execute(sql)
            table = Table(*[d[0] for d in cur.description], title=title, title_justify="left")
            for row in cur.fetchall():
                table.add_row(*["" if v is None else str(v) for v in row])
            console.print(table)
