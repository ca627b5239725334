"""A new parser version re-parses only what the earlier one could not read: parses by a version in
STILL_CURRENT stay current unless their status is one the new version reads differently."""
from __future__ import annotations

import duckdb

from pipelines.assets import parsing
from pipelines.assets.parsing import documents_to_parse
from pipelines.parse import PARSER_VERSION
from pipelines.warehouse.writer import ensure_raw_schema


def _warehouse(rows: list[tuple[str, str, str]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    ensure_raw_schema(con)
    con.executemany("INSERT INTO raw.parsed_reports (document_id, parser_version, parse_status) VALUES (?, ?, ?)", rows)
    return con


def pending(con, ids) -> list[str]:
    return [d["document_id"] for d in documents_to_parse(con, [{"document_id": i} for i in ids], known_codes=[])]


def test_only_the_statuses_the_new_version_reads_differently_are_parsed_again(monkeypatch):
    monkeypatch.setattr(parsing, "STILL_CURRENT", {"0.9.0": ("image_only", "unsupported_format")})
    con = _warehouse([("parsed_old", "0.9.0", "parsed"), ("scan_old", "0.9.0", "image_only"),
                      ("doc_old", "0.9.0", "unsupported_format"), ("older", "0.8.0", "parsed"),
                      ("now", PARSER_VERSION, "image_only"), ("busy", PARSER_VERSION, "timeout")])
    assert pending(con, ["parsed_old", "scan_old", "doc_old", "older", "now", "busy", "new"]) == [
        "scan_old", "doc_old", "older", "busy", "new"]


def test_without_the_entry_every_older_parse_is_stale(monkeypatch):
    monkeypatch.setattr(parsing, "STILL_CURRENT", {})
    con = _warehouse([("parsed_old", "0.9.0", "parsed"), ("now", PARSER_VERSION, "parsed")])
    assert pending(con, ["parsed_old", "now"]) == ["parsed_old"]

