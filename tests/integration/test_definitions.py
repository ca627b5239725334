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


def test_assets_are_grouped_by_layer_owned_and_every_check_is_described():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_materializable:
            continue
        groups.setdefault(node.group_name, set()).add(key.path[0])
        assert node.owners == ["team:govreports"], key
    # the group is the layer: raw (Python assets), staging, intermediate, marts, and dbt's seeds
    assert set(groups) == {"raw", "staging", "intermediate", "marts", "seeds"}, groups
    assert groups["raw"] == {"raw"} and groups["marts"] == {"marts"} and groups["staging"] == {"staging"}
    undescribed = [k.to_user_string() for k in graph.asset_check_keys if not graph.get_check_spec(k).description]
    assert undescribed == []
    checks = {k.name: graph.get_check_spec(k) for k in graph.asset_check_keys}
    assert checks["accepted_values_fct_quality_issue_severity__error__warning__info"].description == \
        "`severity` is one of: error, warning, info."
    marts = [graph.get(k) for k in graph.get_all_asset_keys() if k.path[0] == "marts"]
    assert marts and all(n.freshness_policy is not None for n in marts)
    crawl = next(d for d in defs.assets if getattr(d, "op", None) is not None and d.op.name == "crawled_documents")
    assert crawl.op.retry_policy.max_retries == 2 and crawl.op.retry_policy.backoff == dg.Backoff.EXPONENTIAL


def test_a_demo_checkout_points_the_ui_at_no_real_host(demo_run):
    """After a demo, the definitions `make dev` loads (no --sources, no GOVREPORTS_SOURCES) use the
    registry the demo warehouse was built with: every host is on 127.0.0.1."""
    code = ("import json; from pipelines.definitions import defs; from pipelines.assets.settings import "
            "PipelineSettings; s = PipelineSettings(); "
            "print(json.dumps([str(s.sources_path()), defs.metadata['govreports/settings'].value, "
            "defs.resolve_job_def('nightly_refresh').description]))")
    env = {k: v for k, v in os.environ.items() if k != "GOVREPORTS_SOURCES"}
    env.update(GOVREPORTS_DUCKDB=str(demo_run.duckdb), GOVREPORTS_ARCHIVE=str(demo_run.archive),
               DAGSTER_HOME=str(PROJECT_ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json

    path, described, job = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(path) == Path(demo_run.registry).resolve()
    assert "on 127.0.0.1 only" in described and "the one this warehouse was last built with" in described
    assert str(demo_run.duckdb) in described and described in job
    from pipelines.preflight import registry_hosts
    from pipelines.sources.registry import load_registry

    assert registry_hosts(load_registry(Path(path))) == ["127.0.0.1"]
