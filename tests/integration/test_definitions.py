"""The Dagster code location loads and has the graph the README describes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_definitions_load_with_raw_assets_dbt_models_checks_and_schedule():
    from pipelines.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    for raw in ("agencies", "sources", "report_links", "fetch_log", "documents",
                "parsed_reports", "parsed_metrics", "parsed_checks"):
        assert f"raw/{raw}" in keys
    for mart in ("dim_agency", "dim_year", "dim_metric", "fct_report", "fct_disclosure_metric",
                 "fct_procurement", "fct_quality_issue", "agency_year_coverage"):
        assert f"marts/{mart}" in keys
    # dbt sources resolve to the raw assets, so staging models hang below the parse/crawl assets.
    graph = defs.resolve_asset_graph()
    parents = {p.to_user_string() for p in graph.get(dg.AssetKey(["staging", "stg_parse__metrics"])).parent_keys}
    assert "raw/parsed_metrics" in parents
    schedule = defs.resolve_schedule_def("nightly_refresh_0200_shanghai")
    assert schedule.cron_schedule == "0 2 * * *" and schedule.execution_timezone == "Asia/Shanghai"
    check_keys = {k.name for k in graph.asset_check_keys}
    assert {"documents_are_archived", "metric_codes_are_known"} <= check_keys


def test_dagster_definitions_validate_cli():
    env = {**os.environ, "DAGSTER_HOME": str(PROJECT_ROOT)}
    dagster = Path(sys.executable).with_name("dagster")
    out = subprocess.run([str(dagster), "definitions", "validate", "-m", "pipelines.definitions"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
