"""Shared test fixtures: where the project and the reference folder are, and one real run of the
whole pipeline on the demo site (twice, for idempotence) that the integration and dashboard tests
share: real HTTP on 127.0.0.1, a real archive, a real DuckDB file, a real dbt build."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"reference folder {SHARED} is absent (the seeds and real documents live there)")
    return SHARED


MART_TABLES = ("dim_agency", "dim_year", "dim_metric", "fct_report", "fct_disclosure_metric",
               "fct_procurement", "fct_quality_issue", "agency_year_coverage")


@dataclass
class DemoRun:
    corpus: object
    registry: Path
    archive: Path
    duckdb: Path
    first_marts: dict
    second_marts: dict
    first_requests: dict
    second_requests: dict
    run_ids: list
    row_count_metadata: dict

    def query(self, sql: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.duckdb), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def truth_agency(self) -> dict[str, str]:
        """Warehouse agency_id -> the generator's agency key (catalog id, or ow_* for agencies in
        no catalog), matched by canonical name and division code."""
        by_name = {(r.agency_name, r.division_code): r.agency_id for r in self.corpus.reports}
        return {agency_id: by_name.get((name, div), agency_id) for agency_id, name, div in self.query(
            "SELECT agency_id, agency_name, division_code FROM marts.dim_agency")}


def snapshot_marts(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted(con.execute(f"SELECT * FROM marts.{t}").fetchall(), key=repr) for t in MART_TABLES}


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    from pipelines.demo.generator import generate_corpus
    from pipelines.demo.server import DemoServer
    from pipelines.runner import run_pipeline

    tmp = tmp_path_factory.mktemp("demo_pipeline")
    corpus = generate_corpus(seed=0)
    paths = dict(archive_dir=tmp / "archive", duckdb_path=tmp / "warehouse.duckdb", ephemeral=True)
    with DemoServer(corpus) as server:
        registry = server.write_registry(tmp / "sources.yaml")
        first = run_pipeline(registry, **paths)
        first_marts = snapshot_marts(tmp / "warehouse.duckdb")
        first_requests = server.stats()
        server.reset_stats()
        second = run_pipeline(registry, **paths)
        second_marts = snapshot_marts(tmp / "warehouse.duckdb")
        second_requests = server.stats()
    row_counts = {}
    # the first run built the marts; the second, with nothing new, builds none (pipelines/assets/dbt_plan.py)
    for event in first.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if "dagster/row_count" in mat.metadata:
            row_counts[mat.asset_key.to_user_string()] = mat.metadata["dagster/row_count"].value
    return DemoRun(corpus, registry, tmp / "archive", tmp / "warehouse.duckdb", first_marts, second_marts,
                   first_requests, second_requests, [first.run_id, second.run_id], row_counts)
