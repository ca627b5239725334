"""The dashboard's SQL: plain functions that read `marts.*` and return pandas DataFrames.

Every function opens its own READ-ONLY DuckDB connection and closes it before returning, so the
dashboard never holds the file while the pipeline wants to write it. DuckDB lets a read-only
connection from one process coexist with other readers but not with a writer: when the pipeline
holds the file, connecting raises `WarehouseBusy` (the app shows "retry in a minute").

Only the columns of `../shared/spec/README.md` §3 are required. Optional columns are used when the
marts have them: `fct_report.is_late` / `days_late` (the Coverage page's "late"), anything extra in
`fct_procurement` (e.g. a plausibility flag) is passed through.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from pipelines.warehouse import db
from pipelines.warehouse.db import connect, warehouse_path

__all__ = [
    "Filters", "WarehouseError", "WarehouseBusy", "WarehouseMissing", "WarehouseIncomplete",
    "readonly", "filter_options", "year_bounds", "coverage", "summarize_coverage",
    "applications", "applications_by_applicant", "review_litigation", "procurement",
    "quality_issues", "summarize_quality", "APPLICATION_MEASURES", "REVIEW_PROCEEDINGS", "REVIEW_OUTCOMES",
    "data_as_of",
]


class WarehouseError(RuntimeError):
    """A condition the dashboard explains to the user instead of showing a traceback."""


class WarehouseBusy(WarehouseError):
    """The pipeline holds the write lock on the DuckDB file."""


class WarehouseMissing(WarehouseError):
    """There is no DuckDB file at the configured path yet."""


class WarehouseIncomplete(WarehouseError):
    """The file exists but a required mart is not there (the dbt build has not run yet)."""


@contextlib.contextmanager
def readonly(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit. Maps DuckDB's lock conflict to `WarehouseBusy`."""
    path = Path(path) if path else warehouse_path()
    if not path.exists():
        raise WarehouseMissing(f"No warehouse at {path} yet: run `make demo` or `govreports run` first.")
    try:
        # sandboxed (pipelines/warehouse/db.py): no file access, no extensions, configuration locked
        con = connect(path, read_only=True, sandbox=True)
    except db.WarehouseBusy as exc:
        raise WarehouseBusy(
            f"The pipeline is writing to the warehouse ({path.name}); retry in a minute.") from exc
    try:
        yield con
    except duckdb.CatalogException as exc:
        raise WarehouseIncomplete(f"The marts are not built yet in {path} ({str(exc).splitlines()[0]}).") from exc
    finally:
        con.close()


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        [schema, table]).fetchall()
    return {r[0] for r in rows}


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


@dataclass(frozen=True)
class Filters:
    """Sidebar filters. Empty tuples mean "all"; years are inclusive."""

    cities: tuple[str, ...] = ()      # dim_agency.prefecture_name
    counties: tuple[str, ...] = ()    # dim_agency.division_name
    sectors: tuple[str, ...] = ()     # dim_agency.sector
    year_from: int | None = None
    year_to: int | None = None

    def sql(self, year_col: str, agency: str = "a") -> tuple[str, list]:
        """` AND …` clauses on the dim_agency alias `agency` and the given year column."""
        clauses: list[str] = []
        params: list = []
        for values, col in ((self.cities, "prefecture_name"), (self.counties, "division_name"),
                            (self.sectors, "sector")):
            if values:
                clauses.append(f"list_contains(?::VARCHAR[], {agency}.{col})")
                params.append(list(values))
        if self.year_from is not None:
            clauses.append(f"{year_col} >= ?")
            params.append(int(self.year_from))
        if self.year_to is not None:
            clauses.append(f"{year_col} <= ?")
            params.append(int(self.year_to))
        return "".join(f" AND {c}" for c in clauses), params

    def as_tuple(self) -> tuple:
        return (self.cities, self.counties, self.sectors, self.year_from, self.year_to)

    @classmethod
    def from_tuple(cls, t: tuple) -> "Filters":
        return cls(*t)


_ALL = Filters()


# ---------------------------------------------------------------------------------------------
# Filters

def filter_options(path: Path | str | None = None) -> pd.DataFrame:
    """Agencies with the columns the sidebar filters on."""
    with readonly(path) as con:
        return _df(con, """
            SELECT agency_id, agency_name, short_name, sector, admin_level,
                   division_name, prefecture_name, province_name
            FROM marts.dim_agency
            ORDER BY prefecture_name NULLS LAST, division_name NULLS LAST, agency_name""")


def year_bounds(path: Path | str | None = None) -> tuple[int, int] | None:
    """Smallest and largest report year in the coverage mart (None when empty)."""
    with readonly(path) as con:
        lo, hi = con.execute(
            "SELECT min(report_year), max(report_year) FROM marts.agency_year_coverage").fetchone()
    return None if lo is None else (int(lo), int(hi))


# ---------------------------------------------------------------------------------------------
# Coverage

COVERAGE_STATUSES = ("found", "late", "missing", "unparseable")


def coverage(filters: Filters = _ALL, path: Path | str | None = None) -> pd.DataFrame:
    """Agency × year with `status` in found / late / missing / unparseable.

    `coverage_status` is the mart's own status (found / missing / unparseable); `status` turns a
    found report that `fct_report` marks late into `late`. `is_late` and `days_late` are null
    when the mart does not carry them (then `lateness_known` is false).
    """
    with readonly(path) as con:
        cols = _columns(con, "marts", "fct_report")
        days_late = "r.days_late" if "days_late" in cols else "CAST(NULL AS INTEGER)"
        lateness_known = "true" if {"is_late", "days_late"} & cols else "false"
        if "is_late" in cols:
            is_late = "r.is_late"
        elif "days_late" in cols:
            is_late = "(r.days_late > 0)"
        else:
            is_late = "CAST(NULL AS BOOLEAN)"
        where, params = filters.sql("c.report_year")
        return _df(con, f"""
            SELECT a.agency_id, a.agency_name, a.short_name, a.prefecture_name, a.division_name,
                   a.sector, c.report_year, c.status AS coverage_status,
                   CASE WHEN c.status = 'found' AND coalesce({is_late}, false) THEN 'late'
                        ELSE c.status END AS status,
                   {is_late} AS is_late, {days_late} AS days_late, {lateness_known} AS lateness_known,
                   r.published_on, r.parse_status, r.title, r.source_url
            FROM marts.agency_year_coverage c
            JOIN marts.dim_agency a ON a.agency_id = c.agency_id
            LEFT JOIN marts.fct_report r ON r.agency_id = c.agency_id AND r.report_year = c.report_year
            WHERE true {where}
            ORDER BY a.prefecture_name NULLS LAST, a.division_name NULLS LAST, a.agency_name, c.report_year
            """, params)


def summarize_quality(df: pd.DataFrame) -> dict[str, int]:
    """Counts for the Quality page: failed checks, reports with one, other statuses, distinct checks."""
    failed = df[df["status"] == "fail"]
    return {
        "issues": int(len(failed)),
        "reports": int(failed["report_id"].nunique()),
        "checks": int(failed["check_code"].nunique()),
        "not_assessable": int((df["status"] != "fail").sum()),
    }


def summarize_coverage(df: pd.DataFrame) -> dict[str, int | None]:
    """Counts for the Coverage page: agency-years, found (on time or late), late, missing, unparseable."""
    cs = df["coverage_status"]
    late_known = bool(df["lateness_known"].iloc[0]) if len(df) else False
    return {
        "agency_years": int(len(df)),
        "found": int((cs == "found").sum()),
        "late": int((df["status"] == "late").sum()) if late_known else None,
        "missing": int((cs == "missing").sum()),
        "unparseable": int((cs == "unparseable").sum()),
    }


# ---------------------------------------------------------------------------------------------
# Applications (table 三)

# measure → how the t3 `__total` column codes map onto it (a regular expression on metric_code).
APPLICATION_MEASURES: dict[str, str] = {
    "received": r"^t3_new_received__total$",
    "carried_over": r"^t3_carried_over_from_prev__total$",
    "granted": r"^t3_res_granted__total$",
    "partially_granted": r"^t3_res_partially_granted__total$",
    "denied": r"^t3_res_denied_[a-z_]+__total$",
    "unable_to_provide": r"^t3_res_unable_[a-z_]+__total$",
    "not_processed": r"^t3_res_not_processed_[a-z_]+__total$",
    "other": r"^t3_res_other__total$",          # (六) itself; its 2021 sub-rows are parts of it
    "total_handled": r"^t3_res_total__total$",
    "carried_to_next": r"^t3_carried_to_next__total$",
}
OUTCOME_MEASURES = ("granted", "partially_granted", "denied", "unable_to_provide", "not_processed", "other")


def _measure_case(mapping: dict[str, str], col: str = "d.metric_code") -> str:
    whens = " ".join(f"WHEN regexp_matches({col}, '{rx}') THEN '{name}'" for name, rx in mapping.items())
    return f"CASE {whens} END"


def applications(filters: Filters = _ALL, path: Path | str | None = None, *, by: str = "year") -> pd.DataFrame:
    """Table 三 totals (the 总计 applicant column) in long form.

    by="year": report_year, measure, value, reports; by="agency": agency_name, report_year, measure, value.
    Blank cells (value null) are not counted as 0: `reports` counts the reports with a number.
    """
    keys = {"year": "report_year", "agency": "agency_name, report_year"}[by]
    with readonly(path) as con:
        where, params = filters.sql("d.report_year")
        return _df(con, f"""
            WITH m AS (
                SELECT a.agency_name, d.report_year, d.report_id, d.value,
                       {_measure_case(APPLICATION_MEASURES)} AS measure
                FROM marts.fct_disclosure_metric d
                JOIN marts.dim_agency a ON a.agency_id = d.agency_id
                WHERE d.metric_code LIKE 't3%' {where}
            )
            SELECT {keys}, measure,
                   sum(value) AS value, count(DISTINCT report_id) FILTER (WHERE value IS NOT NULL) AS reports
            FROM m WHERE measure IS NOT NULL
            GROUP BY ALL ORDER BY ALL""", params)


def applications_by_applicant(filters: Filters = _ALL, path: Path | str | None = None) -> pd.DataFrame:
    """New applications received per year by applicant type (t3_new_received__<applicant>, no total)."""
    with readonly(path) as con:
        where, params = filters.sql("d.report_year")
        return _df(con, f"""
            SELECT d.report_year, regexp_extract(d.metric_code, '__([a-z_]+)$', 1) AS applicant_type,
                   sum(d.value) AS value
            FROM marts.fct_disclosure_metric d
            JOIN marts.dim_agency a ON a.agency_id = d.agency_id
            WHERE d.metric_code LIKE 't3_new_received__%' AND d.metric_code <> 't3_new_received__total' {where}
            GROUP BY ALL ORDER BY ALL""", params)


# ---------------------------------------------------------------------------------------------
# Review and litigation (table 四)

REVIEW_PROCEEDINGS = ("review", "lit_direct", "lit_after_review")
REVIEW_OUTCOMES = ("maintained", "corrected", "other", "pending", "total")


def review_litigation(filters: Filters = _ALL, path: Path | str | None = None) -> pd.DataFrame:
    """Table 四 in long form: report_year, proceeding (review / lit_direct / lit_after_review),
    outcome (maintained / corrected / other / pending / total), value, reports."""
    with readonly(path) as con:
        where, params = filters.sql("d.report_year")
        return _df(con, rf"""
            SELECT d.report_year,
                   regexp_extract(d.metric_code, '^t4_(review|lit_direct|lit_after_review)_', 1) AS proceeding,
                   regexp_extract(d.metric_code, '_(maintained|corrected|other|pending|total)$', 1) AS outcome,
                   sum(d.value) AS value,
                   count(DISTINCT d.report_id) FILTER (WHERE d.value IS NOT NULL) AS reports
            FROM marts.fct_disclosure_metric d
            JOIN marts.dim_agency a ON a.agency_id = d.agency_id
            WHERE regexp_matches(d.metric_code,
                  '^t4_(review|lit_direct|lit_after_review)_(maintained|corrected|other|pending|total)$') {where}
            GROUP BY ALL ORDER BY ALL""", params)


# ---------------------------------------------------------------------------------------------
# Procurement (2019–2020 reports)

def procurement(filters: Filters = _ALL, path: Path | str | None = None) -> pd.DataFrame:
    """One row per agency and year: projects, amount_cny (yuan), amount_raw as printed, plus any
    extra columns of the mart (e.g. a plausibility flag) and the report's source_url."""
    with readonly(path) as con:
        cols = _columns(con, "marts", "fct_procurement")
        known = {"agency_id", "report_year", "report_id", "projects", "amount_cny", "amount_raw"}
        extra = "".join(f", p.{c}" for c in sorted(cols - known) if c not in {"agency_name"})
        where, params = filters.sql("p.report_year")
        return _df(con, f"""
            SELECT a.agency_name, a.prefecture_name, a.division_name, a.sector, p.report_year,
                   p.projects, p.amount_cny, p.amount_raw{extra}, r.source_url, p.agency_id, p.report_id
            FROM marts.fct_procurement p
            JOIN marts.dim_agency a ON a.agency_id = p.agency_id
            LEFT JOIN marts.fct_report r ON r.report_id = p.report_id
            WHERE true {where}
            ORDER BY a.prefecture_name NULLS LAST, a.agency_name, p.report_year""", params)


# ---------------------------------------------------------------------------------------------
# Quality

def quality_issues(filters: Filters = _ALL, path: Path | str | None = None) -> pd.DataFrame:
    """One row per report × check of `fct_quality_issue` (status `fail`, or e.g. `not_assessable`),
    with the report's title and source_url; the mart's `severity`, `source`, `rule_id` when present."""
    with readonly(path) as con:
        cols = _columns(con, "marts", "fct_quality_issue")
        extra = "".join(f", q.{c}" for c in ("severity", "source", "rule_id") if c in cols)
        where, params = filters.sql("r.report_year")
        return _df(con, f"""
            SELECT a.agency_name, r.report_year, q.check_code, q.status, q.detail{extra},
                   r.title, r.source_url, r.parse_status, q.report_id, r.agency_id
            FROM marts.fct_quality_issue q
            JOIN marts.fct_report r ON r.report_id = q.report_id
            JOIN marts.dim_agency a ON a.agency_id = r.agency_id
            WHERE true {where}
            ORDER BY r.report_year DESC, a.agency_name, q.check_code""", params)


# ---------------------------------------------------------------------------------------------
# Freshness

def data_as_of(path: Path | str | None = None) -> dict:
    """How fresh the data is: for a snapshot (pipelines/dashboard/snapshot.py) its built_at, the
    warehouse it came from and whether that file changed since (`stale`); for the warehouse
    itself, the file's modification time. Times are naive UTC."""
    path = Path(path) if path else warehouse_path()
    with readonly(path) as con:
        meta = "snapshot_meta" in {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
        row = con.execute("SELECT built_at, source_file, source_mtime, archive_dir FROM marts.snapshot_meta "
                          "ORDER BY built_at DESC LIMIT 1").fetchone() if meta else None
    if row is not None:
        built_at, source_file, source_mtime, archive_dir = row
        try:
            now_mtime = dt.datetime.fromtimestamp(Path(source_file).stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
            stale = source_mtime is not None and now_mtime > source_mtime
        except OSError:
            stale = False
        return {"is_snapshot": True, "as_of": built_at, "source_file": source_file, "archive_dir": archive_dir,
                "stale": stale, "path": str(path)}
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
    return {"is_snapshot": False, "as_of": mtime, "source_file": str(path), "archive_dir": None, "stale": False,
            "path": str(path)}
