"""The parse step quarantines metric rows the warehouse cannot take (a code no catalog has, a repeated
code) in raw.parsed_rejects, keeps the rest of the document, and re-runs are idempotent."""
from __future__ import annotations

import json

import duckdb

from pipelines.archive import Archive
from pipelines.archive.records import document_id
from pipelines.assets.parsing import PARSE_TABLES, parse_one, parse_pending
from pipelines.assets.quarantine import DUPLICATE, UNKNOWN, known_metric_codes, quarantine

# A Fujian-style statistics table (this year's column 2017年度, then the cumulative one).
REPORT = "\n".join([
    "嘉兴市经济和信息化局{year}年政府信息公开工作年度报告", "",
    "指标名称\t计量单位\t{year}年度\t历年累计",
    "主动公开信息数\t条\t{items}\t3456",
    "受理依申请公开信息总数\t件\t7\t88",
    "对申请的答复数\t件\t7\t88",
    "其他类型答复数\t件\t2\t19",
    "行政复议数\t件\t0\t3",
]) + "\n"


def _docs(tmp_path):
    archive = Archive(tmp_path / "archive")
    docs = []
    for year, items in ((2016, 120), (2017, 95)):
        data = REPORT.format(year=year, items=items).encode("utf-8")
        sha = archive.put_blob(data)
        url = f"file:///reports/r{year}.txt"
        docs.append({"document_id": document_id(url, sha), "content_sha256": sha, "url": url,
                     "filename": f"r{year}.txt", "media_type": "text/plain", "year": year})
    return archive, docs


def _tables(con) -> dict[str, list[tuple]]:
    cols = {"parsed_reports": "document_id, parse_status, n_metrics, warnings",
            "parsed_metrics": "document_id, metric_code, value, value_raw, semantic",
            "parsed_rejects": "document_id, metric_code, value, value_raw, semantic, reason",
            "parsed_checks": "document_id, check_code, status"}
    return {t: sorted(con.execute(f"SELECT {c} FROM raw.{t}").fetchall(), key=repr) for t, c in cols.items()}


def test_quarantine_keeps_the_first_row_of_a_code_and_names_every_reason():
    rows = [{"document_id": "d", "metric_code": "pre_review_cases", "value": 2.0, "value_raw": "2", "semantic": "numeric"},
            {"document_id": "d", "metric_code": "pre_made_up_code", "value": 5.0, "value_raw": "5", "semantic": "numeric"},
            {"document_id": "d", "metric_code": "pre_review_cases", "value": 3.0, "value_raw": "3", "semantic": "numeric"},
            {"document_id": "d", "metric_code": None, "value": None, "value_raw": "", "semantic": "empty"}]
    kept, rejected, warnings = quarantine(rows, known_metric_codes())
    assert kept == rows[:1]
    assert [(r["metric_code"], r["value"], r["reason"]) for r in rejected] == [
        ("pre_made_up_code", 5.0, UNKNOWN), ("pre_review_cases", 3.0, DUPLICATE), (None, None, UNKNOWN)]
    assert len(warnings) == 2
    assert "pre_made_up_code" in warnings[0] and "pre_review_cases" in warnings[1]


def test_parse_one_routes_a_code_the_catalog_lacks_to_rejects(tmp_path):
    archive, docs = _docs(tmp_path)
    doc = docs[0]
    full = parse_one(doc, archive.get_blob(doc["content_sha256"]), agency_name=None, year=None)
    assert full["report"]["parse_status"] == "parsed", full["report"]
    codes = {m["metric_code"]: m["value"] for m in full["metrics"]}
    assert codes["pre_replies_other"] == 2 and codes["pre_proactive_items"] == 120   # the annual column
    assert full["rejects"] == []
    # the same document against a catalog without 其他类型答复数 (what issue 11 ran into)
    out = parse_one(doc, archive.get_blob(doc["content_sha256"]), agency_name=None, year=None,
                    known_codes=known_metric_codes() - {"pre_replies_other"})
    assert [(r["metric_code"], r["value"], r["reason"]) for r in out["rejects"]] == [("pre_replies_other", 2, UNKNOWN)]
    assert "pre_replies_other" not in {m["metric_code"] for m in out["metrics"]}
    assert out["report"]["n_metrics"] == full["report"]["n_metrics"] - 1
    assert any("pre_replies_other" in w and "parsed_rejects" in w for w in json.loads(out["report"]["warnings"]))


def test_parse_pending_quarantines_reruns_identically_and_releases_when_the_catalog_learns(tmp_path):
    assert "parsed_rejects" in PARSE_TABLES
    archive, docs = _docs(tmp_path)
    db = tmp_path / "warehouse.duckdb"
    lacking = known_metric_codes() - {"pre_replies_other"}

    def run(known):
        with duckdb.connect(str(db)) as con:
            stats = parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, d["year"], None),
                                  known_codes=known)
            return stats, _tables(con)

    stats, first = run(lacking)
    assert stats.parsed == 2 and stats.rejected == {UNKNOWN: 2}
    assert [(r[1], r[2], r[5]) for r in first["parsed_rejects"]] == [("pre_replies_other", 2.0, UNKNOWN)] * 2
    assert not [m for m in first["parsed_metrics"] if m[1] == "pre_replies_other"]
    assert {m[1] for m in first["parsed_metrics"]} >= {"pre_proactive_items", "pre_requests_received"}
    assert all(r[1] == "parsed" for r in first["parsed_reports"])

    stats, again = run(lacking)                      # nothing new: nothing parsed, nothing changed
    assert stats.parsed == 0 and again == first

    stats, fixed = run(known_metric_codes())         # the catalog now has the code: re-read those documents
    assert stats.parsed == 2 and fixed["parsed_rejects"] == []
    assert sorted(m[2] for m in fixed["parsed_metrics"] if m[1] == "pre_replies_other") == [2.0, 2.0]
    assert fixed["parsed_checks"] == first["parsed_checks"]


def test_rows_written_before_the_quarantine_are_reparsed_out_of_parsed_metrics(tmp_path):
    """An older warehouse has an unknown code in parsed_metrics (the state issue 11 left): the next
    parse re-reads that document and the row ends up where it belongs."""
    archive, docs = _docs(tmp_path)
    db = tmp_path / "warehouse.duckdb"
    bad_code = "pre_not_in_any_catalog"
    with duckdb.connect(str(db)) as con:
        parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, d["year"], None))
        con.execute("UPDATE raw.parsed_metrics SET metric_code = ? WHERE metric_code = 'pre_replies_other' "
                    "AND document_id = ?", [bad_code, docs[0]["document_id"]])
        stats = parse_pending(con, docs, archive.get_blob, context_for=lambda d: (None, d["year"], None))
        assert stats.parsed == 1
        assert con.execute("SELECT count(*) FROM raw.parsed_metrics WHERE metric_code = ?", [bad_code]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM raw.parsed_metrics WHERE metric_code = 'pre_replies_other'").fetchone()[0] == 2
