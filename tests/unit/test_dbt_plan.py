"""What a nightly dbt build must do, decided from the raw tables' versions (real DuckDB files, the
project's real manifest). The end-to-end half (partial build == full build) is in
tests/integration/test_incremental_build.py."""
from __future__ import annotations

import json
import re

import duckdb
import pytest

from pipelines.assets.dbt import MANIFEST_PATH
from pipelines.assets.dbt_manifest import DBT_DIR
from pipelines.assets.dbt_plan import DATE_TAG, _relations, plan_build, project_fingerprint
from pipelines.warehouse import changes
from pipelines.warehouse.writer import replace_table, upsert_by_document

MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
FP = "project-v1"


def fetch(i: int) -> dict:
    return {"fetch_id": str(i), "run_id": "r1", "source_id": "s", "url": f"http://x/{i}", "stage": "list",
            "outcome": "ok", "status_code": 200}


@pytest.fixture
def con(tmp_path):
    """A warehouse holding every relation of the project (empty stand-ins), built once."""
    c = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    for name, relation in _relations(MANIFEST).items():
        schema = relation.split(".")[0]
        c.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        if name == "int_year_spine":
            c.execute(f"CREATE VIEW {relation} AS SELECT 2024 AS last_due_year")
        else:
            c.execute(f"CREATE TABLE {relation} (x INTEGER)")
    replace_table(c, "fetch_log", [fetch(1), fetch(2)])
    replace_table(c, "documents", [{"document_id": "d1", "url": "http://x/d1"}])
    yield c
    c.close()


def built(con, plan, run_id="run-1") -> None:
    changes.record_build(con, run_id=run_id, selection=plan.selection, reason=plan.reason,
                         project_fingerprint=plan.project_fingerprint, versions=plan.raw_versions,
                         dated_models={n: changes.fingerprint(con, r)
                                       for n, r in _relations(MANIFEST, tag=DATE_TAG).items()})


def test_first_build_is_full_then_nothing_when_nothing_changed(con):
    first = plan_build(con, MANIFEST, FP)
    assert first.is_full and "no earlier dbt build" in first.reason
    built(con, first)
    again = plan_build(con, MANIFEST, FP)
    assert again.is_empty and "nothing changed" in again.reason and "run-1" in again.reason


def test_rewriting_a_table_with_the_same_rows_is_no_change(con):
    built(con, plan_build(con, MANIFEST, FP))
    replace_table(con, "fetch_log", [fetch(2), fetch(1)])           # same rows, another order
    assert changes.raw_versions(con)["fetch_log"] == 1
    assert plan_build(con, MANIFEST, FP).is_empty


def test_a_grown_fetch_log_needs_no_dbt_run_its_only_dependant_is_a_view(con):
    built(con, plan_build(con, MANIFEST, FP))
    replace_table(con, "fetch_log", [fetch(1), fetch(2), fetch(3)])
    plan = plan_build(con, MANIFEST, FP)
    assert changes.raw_versions(con)["fetch_log"] == 2
    assert plan.is_empty and "raw.fetch_log" in plan.reason and "only views" in plan.reason


def test_new_columns_in_a_raw_table_rebuild_the_views_over_it(con):
    con.execute("ALTER TABLE raw.fetch_log DROP COLUMN elapsed_ms")     # a warehouse of an older version
    built(con, plan_build(con, MANIFEST, FP))
    replace_table(con, "fetch_log", [fetch(1), fetch(2), fetch(3)])     # this version adds the column
    assert plan_build(con, MANIFEST, FP).select == ("source:crawl.fetch_log+",)


def test_new_documents_select_what_is_downstream_of_them(con):
    built(con, plan_build(con, MANIFEST, FP))
    replace_table(con, "documents", [{"document_id": "d1", "url": "http://x/d1"},
                                     {"document_id": "d2", "url": "http://x/d2"}])
    plan = plan_build(con, MANIFEST, FP)
    assert plan.select == ("source:crawl.documents+",) and "raw.documents" in plan.reason


def test_parse_upserts_always_count_as_a_change(con):
    built(con, plan_build(con, MANIFEST, FP))
    upsert_by_document(con, {"parsed_reports": [{"document_id": "d1", "parse_status": "parsed"}]}, ["d1"])
    assert plan_build(con, MANIFEST, FP).select == ("source:parse.parsed_reports+",)


def test_a_changed_project_or_a_missing_model_or_the_operator_asks_for_everything(con):
    built(con, plan_build(con, MANIFEST, FP))
    assert plan_build(con, MANIFEST, "project-v2").is_full
    assert plan_build(con, MANIFEST, FP, full=True).is_full
    con.execute("DROP TABLE marts.fct_report")
    plan = plan_build(con, MANIFEST, FP)
    assert plan.is_full and "marts.fct_report" in plan.reason


def test_when_the_date_moves_a_deadline_the_dated_models_and_their_dependants_are_rebuilt(con):
    built(con, plan_build(con, MANIFEST, FP))
    con.execute("CREATE OR REPLACE VIEW intermediate.int_year_spine AS SELECT 2025 AS last_due_year")
    plan = plan_build(con, MANIFEST, FP)
    assert plan.select == ("int_year_spine+",) and "the date" in plan.reason


def test_every_model_that_reads_the_date_is_a_tagged_view():
    """A table would keep yesterday's rows, and the plan could not see the date move."""
    dated = re.compile(r"\b(current_date|current_timestamp|now\(\)|today\(\)|get_current_time)", re.I)
    for node in MANIFEST["nodes"].values():
        if node["resource_type"] == "model" and dated.search(node["raw_code"]):
            assert DATE_TAG in node["tags"], node["name"]
            assert node["config"]["materialized"] == "view", node["name"]


def test_the_project_fingerprint_follows_the_files(tmp_path):
    assert project_fingerprint(DBT_DIR) == project_fingerprint(DBT_DIR)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a.sql").write_text("select 1")
    before = project_fingerprint(tmp_path)
    (tmp_path / "models" / "a.sql").write_text("select 2")
    assert project_fingerprint(tmp_path) != before
    before = project_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("prose")                  # not read by dbt: no rebuild
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "q.sql").write_text("select 3")
    assert project_fingerprint(tmp_path) == before
    (tmp_path / "models" / "docs.md").write_text("{% docs x %}y{% enddocs %}")   # a docs block is
    assert project_fingerprint(tmp_path) != before
