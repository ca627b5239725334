"""SQL of the agency page, the comparison view and the cross-era series (read-only, like queries.py).

A *measure* is a sum of metric codes (a regular expression on `fct_disclosure_metric.metric_code`),
e.g. `denied` adds the eight 不予公开 reasons of table 三's total column; any metric code can be
used as a measure of its own. Blank cells are null and not counted: a sum over only blank cells
is null, not 0.

Peers of an agency are the agencies with the same `admin_level` and `sector` (dim_agency) that
report the measure in the same year; the agency itself is one of them.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipelines.dashboard.queries import Filters, _ALL, _columns, _df, readonly

MEASURES: dict[str, str] = {
    "received": r"^t3_new_received__total$",
    "granted": r"^t3_res_granted__total$",
    "partially_granted": r"^t3_res_partially_granted__total$",
    "denied": r"^t3_res_denied_[a-z_]+__total$",
    "unable_to_provide": r"^t3_res_unable_[a-z_]+__total$",
    "not_processed": r"^t3_res_not_processed_[a-z_]+__total$",
    "total_handled": r"^t3_res_total__total$",
    "carried_to_next": r"^t3_carried_to_next__total$",
    "review_total": r"^t4_review_total$",
    "review_corrected": r"^t4_review_corrected$",
    "litigation_total": r"^t4_lit_(direct|after_review)_total$",
    "procurement_amount": r"^t2_procurement_amount$",
    "procurement_projects": r"^t2_procurement_projects$",
    "proactive_items": r"^n_proactive_items_total$",
}
KEY_MEASURES = ("received", "granted", "denied", "total_handled", "review_total", "litigation_total",
                "procurement_amount", "proactive_items")
GROUP_COLUMNS = ("prefecture_name", "division_name", "sector")


def measure_regex(measure: str) -> str:
    """The regular expression of a measure, or of a single metric code."""
    if measure in MEASURES:
        return MEASURES[measure]
    if not re.fullmatch(r"[a-z0-9_]+", measure or ""):
        raise ValueError(f"not a measure or metric code: {measure!r}")
    return f"^{measure}$"


def _spec_sql(measures) -> str:
    rows = ", ".join(f"('{m}', '{measure_regex(m)}', {i})" for i, m in enumerate(measures))
    return f"spec(measure, rx, ord) AS (VALUES {rows})"


# ---------------------------------------------------------------------------------------------
# Search

def search_agencies(term: str, path: Path | str | None = None, limit: int = 50) -> pd.DataFrame:
    """Agencies whose name, short name, alias or former name contains `term` (case-insensitive):
    agency_id, agency_name, matched (the name that matched), match_kind, sector, admin_level, city,
    county. Exact matches first, then names, then aliases."""
    term = (term or "").strip()
    if not term:
        return pd.DataFrame(columns=["agency_id", "agency_name", "matched", "match_kind"])
    with readonly(path) as con:
        cols = _columns(con, "marts", "dim_agency")
        printed = "agency_as_printed, " if "agency_as_printed" in cols else ""
        name = f"coalesce(agency_name, {printed}agency_id)"
        a_name = f"coalesce(a.agency_name, {printed.replace('agency_', 'a.agency_')}a.agency_id)"
        parts = [f"SELECT agency_id, {name} AS name, 0 AS kind_rank, 'name' AS match_kind FROM marts.dim_agency",
                 "SELECT agency_id, short_name, 2, 'short_name' FROM marts.dim_agency"]
        if "aliases" in cols:
            parts.append("SELECT agency_id, unnest(aliases), 1, 'alias' FROM marts.dim_agency")
        if "former_names" in cols:
            parts.append("SELECT agency_id, unnest(former_names), 1, 'former_name' FROM marts.dim_agency")
        return _df(con, f"""
            WITH names AS ({' UNION ALL '.join(parts)}),
            hits AS (
                SELECT agency_id, name AS matched, match_kind,
                       (CASE WHEN lower(name) = lower(?) THEN 0 ELSE 10 END) + kind_rank AS rank
                FROM names WHERE name IS NOT NULL AND contains(lower(name), lower(?))
                QUALIFY row_number() OVER (PARTITION BY agency_id ORDER BY rank, name) = 1
            )
            SELECT a.agency_id, {a_name} AS agency_name, h.matched, h.match_kind, a.sector, a.admin_level,
                   a.prefecture_name, a.division_name
            FROM hits h JOIN marts.dim_agency a USING (agency_id)
            ORDER BY h.rank, a.agency_name NULLS LAST
            LIMIT {int(limit)}""", [term, term])


def agency(agency_id: str, path: Path | str | None = None) -> dict | None:
    """One dim_agency row as a dict (None when unknown)."""
    with readonly(path) as con:
        df = _df(con, "SELECT * FROM marts.dim_agency WHERE agency_id = ?", [agency_id])
    return None if df.empty else df.iloc[0].to_dict()


# ---------------------------------------------------------------------------------------------
# One agency

def agency_reports(agency_id: str, path: Path | str | None = None) -> pd.DataFrame:
    """Every year the agency is covered or has a report: coverage status, the canonical report's
    title, source_url, published_on, parse_status, format, era, content_sha256 (archive blob),
    n_metrics, n_checks_failed, days_late / is_late when the mart has them."""
    with readonly(path) as con:
        cols = _columns(con, "marts", "fct_report")
        late = "".join(f", r.{c}" if c in cols else f", NULL AS {c}" for c in ("days_late", "is_late"))
        return _df(con, f"""
            WITH y AS (SELECT report_year FROM marts.agency_year_coverage WHERE agency_id = ?
                       UNION SELECT report_year FROM marts.fct_report WHERE agency_id = ?)
            SELECT y.report_year, coalesce(c.status, CASE WHEN r.parse_status = 'parsed' THEN 'found'
                                                         ELSE 'unparseable' END) AS status,
                   r.report_id, r.title, r.source_url, r.published_on, r.parse_status, r.source_format,
                   r.template_era, r.content_sha256, r.n_metrics, r.n_checks_failed{late}
            FROM y
            LEFT JOIN marts.agency_year_coverage c ON c.agency_id = ? AND c.report_year = y.report_year
            LEFT JOIN marts.fct_report r ON r.agency_id = ? AND r.report_year = y.report_year
            ORDER BY y.report_year DESC""", [agency_id] * 4)


def agency_figures(agency_id: str, path: Path | str | None = None,
                   measures=KEY_MEASURES) -> pd.DataFrame:
    """Per report year and measure: the agency's value, last year's, the change (absolute and
    relative), and the peers' quartiles (q1, peer_median, q3) and number (n_peers)."""
    with readonly(path) as con:
        return _df(con, f"""
            WITH {_spec_sql(measures)},
            v AS (
                SELECT d.agency_id, d.report_year, s.measure, s.ord, sum(d.value) AS value
                FROM marts.fct_disclosure_metric d JOIN spec s ON regexp_matches(d.metric_code, s.rx)
                GROUP BY ALL),
            me AS (SELECT admin_level, sector FROM marts.dim_agency WHERE agency_id = ?),
            peers AS (
                SELECT v.report_year, v.measure, count(*) AS n_peers,
                       quantile_cont(v.value, 0.25) AS q1, quantile_cont(v.value, 0.5) AS peer_median,
                       quantile_cont(v.value, 0.75) AS q3
                FROM v JOIN marts.dim_agency a ON a.agency_id = v.agency_id
                JOIN me ON a.admin_level IS NOT DISTINCT FROM me.admin_level
                       AND a.sector IS NOT DISTINCT FROM me.sector
                WHERE v.value IS NOT NULL
                GROUP BY ALL),
            mine AS (SELECT * FROM v WHERE agency_id = ?)
            SELECT m.report_year, m.measure, m.value, p.value AS prev_value, m.value - p.value AS change,
                   CASE WHEN p.value <> 0 THEN (m.value - p.value) / p.value END AS change_pct,
                   coalesce(pe.n_peers, 0) AS n_peers, pe.q1, pe.peer_median, pe.q3
            FROM mine m
            LEFT JOIN mine p ON p.measure = m.measure AND p.report_year = m.report_year - 1
            LEFT JOIN peers pe ON pe.measure = m.measure AND pe.report_year = m.report_year
            ORDER BY m.report_year, m.ord""", [agency_id, agency_id])


def peer_position(value, q1, q3) -> str | None:
    """below_q1 / between / above_q3 (None when the value or the quartiles are missing)."""
    if value is None or q1 is None or q3 is None or any(pd.isna(x) for x in (value, q1, q3)):
        return None
    return "below_q1" if value < q1 else ("above_q3" if value > q3 else "between")


def agency_quality(agency_id: str, path: Path | str | None = None) -> pd.DataFrame:
    """The agency's quality issues: report_year, check_code, status, detail (+ severity, source when
    the mart has them), the report's source_url."""
    with readonly(path) as con:
        cols = _columns(con, "marts", "fct_quality_issue")
        extra = "".join(f", q.{c}" for c in ("severity", "source") if c in cols)
        return _df(con, f"""
            SELECT r.report_year, q.check_code, q.status, q.detail{extra}, r.source_url, q.report_id
            FROM marts.fct_quality_issue q JOIN marts.fct_report r USING (report_id)
            WHERE r.agency_id = ?
            ORDER BY r.report_year DESC, q.status, q.check_code""", [agency_id])


# ---------------------------------------------------------------------------------------------
# Comparison across cities, counties, sectors

def measure_options(path: Path | str | None = None) -> list[str]:
    """The measures, then every metric code that has a value somewhere."""
    with readonly(path) as con:
        codes = [r[0] for r in con.execute(
            "SELECT DISTINCT metric_code FROM marts.fct_disclosure_metric WHERE value IS NOT NULL "
            "ORDER BY metric_code").fetchall()]
    return [*MEASURES, *codes]


def compare(measure: str, year: int, group_by: str, filters: Filters = _ALL,
            path: Path | str | None = None) -> pd.DataFrame:
    """One row per group (city / county / sector) for one measure and report year: agencies with a
    value, their total, median, mean, min and max. The filters' years are ignored (`year` rules)."""
    if group_by not in GROUP_COLUMNS:
        raise ValueError(f"group_by must be one of {GROUP_COLUMNS}")
    f = Filters(filters.cities, filters.counties, filters.sectors)
    with readonly(path) as con:
        where, params = f.sql("v.report_year")
        return _df(con, f"""
            WITH v AS (
                SELECT d.agency_id, d.report_year, sum(d.value) AS value
                FROM marts.fct_disclosure_metric d
                WHERE regexp_matches(d.metric_code, ?) AND d.report_year = ?
                GROUP BY ALL)
            SELECT a.{group_by} AS "group", count(v.value) AS agencies, sum(v.value) AS total,
                   median(v.value) AS median, avg(v.value) AS mean, min(v.value) AS min, max(v.value) AS max
            FROM v JOIN marts.dim_agency a ON a.agency_id = v.agency_id
            WHERE true {where}
            GROUP BY ALL
            HAVING count(v.value) > 0
            ORDER BY total DESC, "group" NULLS LAST""", [measure_regex(measure), int(year), *params])


def measure_years(measure: str, path: Path | str | None = None) -> list[int]:
    """Report years with a value of the measure (newest first)."""
    with readonly(path) as con:
        return [int(r[0]) for r in con.execute(
            "SELECT DISTINCT report_year FROM marts.fct_disclosure_metric WHERE regexp_matches(metric_code, ?) "
            "AND value IS NOT NULL ORDER BY 1 DESC", [measure_regex(measure)]).fetchall()]


# ---------------------------------------------------------------------------------------------
# Cross-era series (mart_comparable_series)

def comparable_series(filters: Filters = _ALL, path: Path | str | None = None) -> pd.DataFrame:
    """Per comparable group, measure, report year and template era: reports, reports with a value,
    the sum, and the distinct caveats joined with ' | '."""
    with readonly(path) as con:
        where, params = filters.sql("s.report_year")
        return _df(con, f"""
            SELECT s.comparable_group, s.measure, s.report_year, s.era,
                   count(DISTINCT s.report_id) AS reports, count(s.value) AS with_value,
                   sum(s.value) AS value, string_agg(DISTINCT s.caveat, ' | ') AS caveat
            FROM marts.mart_comparable_series s JOIN marts.dim_agency a ON a.agency_id = s.agency_id
            WHERE true {where}
            GROUP BY ALL ORDER BY ALL""", params)
