"""Which registry a warehouse is refreshed with, what the UI says about it, and the checks made
before a run is created (pipelines/preflight.py); the descriptions of dbt's generic tests."""
from __future__ import annotations

import pytest

from pipelines.assets.conventions import describe_dbt_test
from pipelines.preflight import SettingsInvalid, check_settings, choose_registry, describe_registry, record_registry
from pipelines.sources.registry import load_registry

REGISTRY = """\
sources:
  - id: a
    family: generic
    agency: jx_jxj
    entry_url: {url}
    allowed_hosts: [{extra}]
"""


def _registry(path, url="http://127.0.0.1:18081/", extra="127.0.0.1"):
    path.write_text(REGISTRY.format(url=url, extra=extra), encoding="utf-8")
    return path


def test_the_registry_follows_the_warehouse_it_was_built_with(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVREPORTS_LOGS", raising=False)
    warehouse, default = tmp_path / "warehouse.duckdb", tmp_path / "default.yaml"
    demo = _registry(tmp_path / "demo.yaml")
    assert choose_registry(None, warehouse, default).path == default          # a new warehouse
    record_registry(warehouse, demo)
    choice = choose_registry(None, warehouse, default)
    assert choice.path == demo.resolve() and choice.why == "the one this warehouse was last built with"
    assert choose_registry(str(tmp_path / "given.yaml"), warehouse, default).path == tmp_path / "given.yaml"
    demo.unlink()        # the recorded one is gone: an error, never a silent fall-back to real portals
    with pytest.raises(SettingsInvalid, match="demo.yaml does not exist"):
        check_settings(choose_registry(None, warehouse, default).path, tmp_path / "archive", warehouse)


def test_the_ui_says_whether_a_registry_leaves_the_machine(tmp_path):
    assert describe_registry(load_registry(_registry(tmp_path / "a.yaml"))) == "1 sources on 127.0.0.1 only"
    real = _registry(tmp_path / "b.yaml", url="https://www.jiaxing.gov.cn/col/index.html", extra="jiaxing.gov.cn")
    assert describe_registry(load_registry(real)) == "1 sources on 2 hosts (jiaxing.gov.cn, www.jiaxing.gov.cn)"


def test_paths_that_cannot_be_written_are_named(tmp_path):
    registry = _registry(tmp_path / "a.yaml")
    (tmp_path / "file").write_text("x")
    with pytest.raises(SettingsInvalid, match=r"archive folder .*file/archive: .*file is a file, not a folder"):
        check_settings(registry, tmp_path / "file" / "archive", tmp_path / "w.duckdb")
    (tmp_path / "w.duckdb").mkdir()
    with pytest.raises(SettingsInvalid, match="is a folder, not a DuckDB file"):
        check_settings(registry, tmp_path / "archive", tmp_path / "w.duckdb")
    empty = tmp_path / "empty.yaml"
    empty.write_text("sources: []\n")
    with pytest.raises(SettingsInvalid, match="lists no sources"):
        check_settings(empty, tmp_path / "archive", tmp_path / "x.duckdb")


@pytest.mark.parametrize("test, expected", [
    ({"test_metadata": {"name": "unique", "kwargs": {"column_name": "report_id"}}},
     "`report_id` is unique: no two rows share a value."),
    ({"test_metadata": {"name": "relationships", "kwargs": {"column_name": "agency_id", "field": "agency_id",
                                                             "to": "ref('dim_agency')"}}},
     "Every `agency_id` exists as `agency_id` in dim_agency (no orphan keys)."),
    ({"test_metadata": {"name": "unique_combination_of_columns",
                        "kwargs": {"combination_of_columns": ["agency_id", "report_year"]}}},
     "No two rows share the same (agency_id, report_year)."),
    ({"description": "Written by hand.", "test_metadata": {"name": "unique", "kwargs": {}}}, "Written by hand."),
    ({"name": "assert_counts_are_whole_numbers"}, "dbt test assert_counts_are_whole_numbers."),
])
def test_every_dbt_test_gets_a_sentence(test, expected):
    assert describe_dbt_test(test) == expected
