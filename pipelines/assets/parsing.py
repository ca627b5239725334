"""The parse step: every archived document that the current parser has not read yet is parsed
from the archive (never from the web) and its rows are upserted into the raw parse tables."""
from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb

from pipelines.archive import BlobError
from pipelines.parse import PARSER_VERSION
from pipelines.parse_worker import Job, ParsePool, parse_safely
from pipelines.warehouse.writer import ensure_raw_schema, upsert_by_document

from .quarantine import UNKNOWN, known_metric_codes, quarantine

# Parses by an earlier parser version that are still current, except those with the listed statuses:
# the version after 1.1.0 reads scans (OCR) and legacy .doc/.wps/.et/.xls files and reads every other
# document exactly as 1.1.0 did, so a nightly run re-parses only what 1.1.0 could not read.
STILL_CURRENT = {"1.1.0": ("image_only", "unsupported_format")}

# Every table a document's parse writes: a re-parse replaces all of its rows in each (idempotent).
PARSE_TABLES = ("parsed_reports", "parsed_metrics", "parsed_rejects", "parsed_checks")


@dataclass
class ParseStats:
    parsed: int = 0
    skipped_already_parsed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> metric rows quarantined
    worker_restarts: int = 0      # parse workers replaced after a timeout, the memory limit or a crash


# the error text of a document whose archived bytes could not be read (tried again on the next run)
ARCHIVE_FAULT = "archive:"


def documents_to_parse(con: duckdb.DuckDBPyConnection, documents: Iterable[Mapping],
                       known_codes: Collection[str] | None = None) -> list[Mapping]:
    """Documents without a parse by this parser version (re-running parses nothing twice), and those
    whose quarantine the catalog has since changed: a rejected code the catalog now has, or a metric
    row (written before the quarantine existed) whose code it lacks. A `timeout` is tried again (a
    busy machine may have caused it), and so is a document whose blob was missing or damaged
    (`archive:` errors: the crawl re-fetches it); a `too_large` is not (the limits are the same next night)."""
    ensure_raw_schema(con)
    current = [(PARSER_VERSION, [])] + [(v, list(redo)) for v, redo in STILL_CURRENT.items() if v != PARSER_VERSION]
    done = {
        row[0]
        for row in con.execute(
            "SELECT document_id FROM raw.parsed_reports p JOIN (SELECT unnest(?::VARCHAR[]) AS version, "
            "unnest(?::VARCHAR[][]) AS redo) c ON p.parser_version = c.version "
            "WHERE NOT list_contains(c.redo, p.parse_status) AND parse_status <> 'timeout' "
            "AND coalesce(error, '') NOT LIKE ?",
            [[v for v, _ in current], [r for _, r in current], ARCHIVE_FAULT + "%"]
        ).fetchall()
    }
    known = sorted(known_metric_codes() if known_codes is None else known_codes)
    stale = {row[0] for row in con.execute(
        """SELECT document_id FROM raw.parsed_rejects WHERE reason = ? AND list_contains(?::VARCHAR[], metric_code)
           UNION SELECT document_id FROM raw.parsed_metrics WHERE NOT list_contains(?::VARCHAR[], metric_code)""",
        [UNKNOWN, known, known]).fetchall()}
    return [d for d in documents if d["document_id"] not in done or d["document_id"] in stale]


AGENCY_FIELDS = ("agency_division_code", "agency_kind", "agency_admin_level", "agency_sector", "agency_confidence")


def parse_one(doc: Mapping, data: bytes, *, agency_name: str | None, year: int | None,
              division: str | None = None, known_codes: Collection[str] | None = None) -> dict:
    """Parse one archived document (in this process) into the raw tables' rows; never raises. Metric
    rows whose code is in no catalog (`known_codes`, default the dbt seed) or repeats go to "rejects"."""
    outcome = parse_safely(data, **parse_kwargs(doc, agency_name, year, division))
    return rows_of(doc, outcome, division=division, known_codes=known_codes)


def parse_kwargs(doc: Mapping, agency_name: str | None, year: int | None, division: str | None) -> dict:
    return {"filename": doc.get("filename") or doc.get("url"), "media_type": doc.get("media_type"),
            "agency": agency_name, "year": year, "division": division}


def rows_of(doc: Mapping, outcome: Mapping, *, division: str | None = None,
            known_codes: Collection[str] | None = None) -> dict:
    """The raw tables' rows of one parse outcome (pipelines/parse_worker.py: a result, or a status
    such as error / too_large / timeout with the reason in `error`)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    base = {"document_id": doc["document_id"], "content_sha256": doc["content_sha256"],
            "parser_version": PARSER_VERSION, "parsed_at": now, "agency_division_hint": division}
    if "result" not in outcome:
        return {"report": {**base, "parse_status": outcome.get("status") or "error", "error": outcome.get("error"),
                           "n_metrics": 0, "n_checks_failed": 0, "warnings": "[]"},
                "metrics": [], "rejects": [], "checks": []}
    result = outcome["result"]
    rows = [{"document_id": doc["document_id"], **{k: m.get(k) for k in ("metric_code", "value", "value_raw", "semantic")}}
            for m in result.get("metrics", [])]
    metrics, rejects, quarantined = quarantine(rows, known_metric_codes() if known_codes is None else known_codes)
    checks = [{"document_id": doc["document_id"], "check_code": c.get("code"), "status": c.get("status"),
               "detail": c.get("detail")} for c in result.get("checks", [])]
    report = {
        **base,
        "parse_status": result.get("parse_status", "parsed"),
        "error": None,
        "title": result.get("title"),
        "agency_name": result.get("agency_name"),
        "agency_as_printed": result.get("agency_as_printed"),
        "report_year": result.get("report_year"),
        "era": result.get("era"),
        "published_on": result.get("published_on"),
        "n_metrics": len(metrics),
        "n_checks_failed": sum(1 for c in checks if c["status"] == "fail"),
        "warnings": json.dumps([*result.get("warnings", []), *quarantined], ensure_ascii=False),
        **{k: result.get(k) for k in AGENCY_FIELDS},
        "agency_evidence": json.dumps(result.get("agency_evidence") or [], ensure_ascii=False),
        "read_by": result.get("read_by"),
        "ocr_mean_confidence": (result.get("ocr") or {}).get("mean_confidence"),
    }
    return {"report": report, "metrics": metrics, "rejects": rejects, "checks": checks}


def parse_pending(con: duckdb.DuckDBPyConnection, documents: Iterable[Mapping],
                  read_blob: Callable[[str], bytes], *,
                  context_for: Callable[[Mapping], tuple[str | None, int | None, str | None]],
                  batch_size: int = 500, on_progress: Callable[[int, int], None] | None = None,
                  known_codes: Collection[str] | None = None) -> ParseStats:
    """Parse what is pending, writing in batches so that an interrupted night keeps its work.
    `known_codes`: the metric catalog rows are checked against (default: the dbt seed's codes)."""
    documents = list(documents)
    known = known_metric_codes() if known_codes is None else set(known_codes)
    pending = documents_to_parse(con, documents, known)
    stats = ParseStats(skipped_already_parsed=len(documents) - len(pending))
    if not pending:   # a no-change night: no worker pool, no writes
        return stats
    # Every document is parsed in a worker process under a timeout and a memory limit
    # (pipelines/parse_worker.py); its bytes are read from the archive when a worker takes it.
    with ParsePool() as pool:
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            contexts = [context_for(doc) for doc in batch]
            faults: dict[str, str] = {}   # sha -> why its blob could not be read

            def blob(sha: str) -> bytes:
                try:
                    return read_blob(sha)
                except BlobError as exc:  # missing or damaged: recorded, re-fetched by the next crawl
                    faults[sha] = str(exc)
                    return b""

            jobs = [Job(data=(lambda sha=doc["content_sha256"]: blob(sha)),
                        kwargs=parse_kwargs(doc, agency, year, division))
                    for doc, (agency, year, division) in zip(batch, contexts)]
            rows = {t: [] for t in PARSE_TABLES}
            for doc, (_, _, division), outcome in zip(batch, contexts, pool.map(jobs)):
                if doc["content_sha256"] in faults:
                    outcome = {"status": "error", "error": f"{ARCHIVE_FAULT} {faults[doc['content_sha256']]}"}
                out = rows_of(doc, outcome, division=division, known_codes=known)
                rows["parsed_reports"].append(out["report"])
                rows["parsed_metrics"].extend(out["metrics"])
                rows["parsed_rejects"].extend(out["rejects"])
                for r in out["rejects"]:
                    stats.rejected[r["reason"]] = stats.rejected.get(r["reason"], 0) + 1
                rows["parsed_checks"].extend(out["checks"])
                status = out["report"]["parse_status"]
                stats.by_status[status] = stats.by_status.get(status, 0) + 1
            upsert_by_document(con, rows, [d["document_id"] for d in batch])
            stats.parsed += len(batch)
            if on_progress:
                on_progress(stats.parsed, len(pending))
        stats.worker_restarts = pool.restarts
    return stats
