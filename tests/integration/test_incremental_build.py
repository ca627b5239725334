"""A nightly dbt build selects only what is downstream of the raw tables that changed; its marts must
equal those of a full build from the same raw rows (real dbt runs through Dagster, on copies of the
demo's warehouse). The planning rules themselves: tests/unit/test_dbt_plan.py."""
from __future__ import annotations

import shutil
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.assets.dbt import dbt_resource, govreports_dbt_models
from pipelines.assets.settings import PipelineSettings
from pipelines.warehouse.db import fetch_dicts
from pipelines.warehouse.writer import upsert_by_document

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from faultkit import diff, examples, snapshot  # noqa: E402


def build(warehouse: Path, *, full: bool = False) -> dg.ExecuteInProcessResult:
    settings = PipelineSettings(duckdb_path=str(warehouse), full_build=full)
    return dg.materialize([govreports_dbt_models], resources={"dbt": dbt_resource, "settings": settings},
                          instance=dg.DagsterInstance.ephemeral())


def last_build(warehouse: Path) -> tuple[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT selection, reason FROM pipeline.dbt_builds ORDER BY built_at DESC LIMIT 1").fetchone()


def revise_one_value(warehouse: Path) -> tuple[str, str, float]:
    """A re-parsed document whose one figure changed (+7), written the way the parse step writes:
    its report row (a new parsed_at) and its metric rows replace the document's earlier ones."""
    with duckdb.connect(str(warehouse)) as con:
        # a figure the marts show as parsed: the report's canonical document, the mart's value
        doc, code = con.execute("""SELECT m.document_id, m.metric_code FROM raw.parsed_metrics m
                                   JOIN marts.fct_report r ON r.document_id = m.document_id
                                   JOIN marts.fct_disclosure_metric f
                                     ON f.report_id = r.report_id AND f.metric_code = m.metric_code
                                   WHERE m.semantic = 'numeric' AND m.value > 0 AND f.value = m.value
                                   ORDER BY 1, 2 LIMIT 1""").fetchone()
        rows = fetch_dicts(con, "SELECT * FROM raw.parsed_metrics WHERE document_id = ?", [doc])
        for row in rows:
            if row["metric_code"] == code:
                row["value"] += 7
                row["value_raw"] = str(int(row["value"]))
                new = row["value"]
        report = fetch_dicts(con, "SELECT * FROM raw.parsed_reports WHERE document_id = ?", [doc])
        for row in report:
            row["parsed_at"] = datetime.now()
        upsert_by_document(con, {"parsed_reports": report, "parsed_metrics": rows}, [doc])
    return doc, code, new


def test_a_night_with_nothing_new_builds_nothing_and_keeps_the_marts(demo_run):
    selection, reason = last_build(demo_run.duckdb)
    assert selection == "" and "nothing to build" in reason, reason
    assert demo_run.first_marts == demo_run.second_marts


def test_a_partial_build_gives_the_marts_of_a_full_build(demo_run, tmp_path, monkeypatch):
    partial, full = tmp_path / "partial" / "warehouse.duckdb", tmp_path / "full" / "warehouse.duckdb"
    for path in (partial, full):
        path.parent.mkdir()
        shutil.copy(demo_run.duckdb, path)
        doc, code, value = revise_one_value(path)
    monkeypatch.setenv("GOVREPORTS_DUCKDB", str(partial))   # the step sets it; restored after the test
    assert build(partial).success
    selection, reason = last_build(partial)
    assert sorted(selection.split()) == ["source:parse.parsed_metrics+", "source:parse.parsed_reports+"], reason
    assert build(full, full=True).success
    assert last_build(full)[0] == "all"

    got, want = snapshot(partial), snapshot(full)
    assert not diff(want, got), examples(want, got)
    with duckdb.connect(str(partial), read_only=True) as con:
        shown = con.execute("""SELECT value FROM marts.fct_disclosure_metric f JOIN marts.fct_report r USING (report_id)
                               WHERE r.document_id = ? AND f.metric_code = ?""", [doc, code]).fetchall()
    assert shown == [(value,)], (doc, code, shown)
