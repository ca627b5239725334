"""The five reference reports loaded through the pipeline (a local_dir source) show their
hand-checked values in the marts."""
from __future__ import annotations

import json
import math

import duckdb
import pytest
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_warehouse(shared_dir, tmp_path_factory):
    from pipelines.runner import run_pipeline

    tmp = tmp_path_factory.mktemp("seed_warehouse")
    run_pipeline(PROJECT_ROOT / "pipelines" / "sources" / "local_seeds.yaml",
                 archive_dir=tmp / "archive", duckdb_path=tmp / "warehouse.duckdb", ephemeral=True)
    con = duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_procurement_of_the_seed_reports(seed_warehouse):
    rows = {(name, year): (projects, amount) for name, year, projects, amount in seed_warehouse.execute("""
        SELECT a.agency_name, p.report_year, p.projects, p.amount_cny
        FROM marts.fct_procurement p JOIN marts.dim_agency a USING (agency_id)""").fetchall()}
    assert rows[("嘉兴市经济和信息化局", 2019)] == (44, 7169100.0)
    projects, amount = rows[("舟山市经济和信息化局", 2019)]
    assert projects == 606 and math.isclose(amount, 291584.23)
    assert rows[("慈溪市经济和信息化局", 2020)] == (42, 6381100.0)


def test_jiaxing_2019_identity_failure_is_a_quality_issue(seed_warehouse):
    failing = seed_warehouse.execute("""
        SELECT q.check_code FROM marts.fct_quality_issue q JOIN marts.fct_report r ON r.report_id = q.report_id
        JOIN marts.dim_agency a ON a.agency_id = r.agency_id
        WHERE a.agency_name = '嘉兴市经济和信息化局' AND r.report_year = 2019 AND q.status = 'fail'""").fetchall()
    assert any(code.startswith("t3_identity") for (code,) in failing), failing


def test_every_expected_seed_value_is_in_the_marts(seed_warehouse, shared_dir):
    for expected_file in sorted((shared_dir / "seeds" / "expected").glob("*.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        got = dict(seed_warehouse.execute("""
            SELECT m.metric_code, m.value FROM marts.fct_disclosure_metric m
            JOIN marts.dim_agency a USING (agency_id)
            WHERE a.agency_name = ? AND m.report_year = ?""",
            [expected["agency"], expected["report_year"]]).fetchall())
        for code, value in expected["metrics"].items():
            assert code in got, (expected_file.name, code)
            if value is None:
                assert got[code] is None, (expected_file.name, code, got[code])
            else:
                assert math.isclose(got[code], value), (expected_file.name, code, value, got[code])
