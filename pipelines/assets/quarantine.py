"""Per-document metric rows the warehouse cannot take as they are: a code no catalog has, a code the
document already gave. They are kept out of raw.parsed_metrics and written to raw.parsed_rejects
with the reason, so that one odd document is flagged instead of failing the night's checks."""
from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping

from pipelines.warehouse.db import PROJECT_ROOT

# What dbt seeds into dim_metric: the spec's catalog, the parser's additions and the narrative codes.
SEED_CATALOG = PROJECT_ROOT / "dbt_project" / "seeds" / "metric_catalog.csv"

UNKNOWN = "unknown_metric_code"
DUPLICATE = "duplicate_metric"


def known_metric_codes() -> set[str]:
    """The codes of the catalog dbt seeds into dim_metric (read each time: it is 300 rows)."""
    with open(SEED_CATALOG, encoding="utf-8", newline="") as f:
        return {row["metric_code"] for row in csv.DictReader(f)}


def quarantine(metrics: Iterable[Mapping], known: Collection[str]) -> tuple[list[dict], list[dict], list[str]]:
    """Split one document's metric rows into (kept, rejected, warnings).

    The first row of a code is kept and later rows of the same code are rejected as duplicates, so
    the document keeps the value it printed first (the parser's own rule for a row printed twice)."""
    kept: list[dict] = []
    rejected: list[dict] = []
    seen: set[str] = set()
    for row in metrics:
        code = row.get("metric_code")
        if not code or code not in known:
            rejected.append({**row, "reason": UNKNOWN})
        elif code in seen:
            rejected.append({**row, "reason": DUPLICATE})
        else:
            seen.add(code)
            kept.append(dict(row))
    warnings = []
    for reason, text in ((UNKNOWN, "in no metric catalog"), (DUPLICATE, "given more than once")):
        codes = sorted({str(r.get("metric_code")) for r in rejected if r["reason"] == reason})
        if codes:
            n = sum(1 for r in rejected if r["reason"] == reason)
            warnings.append(f"{n} metric row(s) quarantined in raw.parsed_rejects, code {text}: {', '.join(codes)}")
    return kept, rejected, warnings
