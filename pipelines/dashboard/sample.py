"""A small synthetic warehouse with the `marts` tables of spec §3, for previewing and testing the
dashboard without running the pipeline:

    .venv/bin/python -m pipelines.dashboard.sample /tmp/sample.duckdb
    GOVREPORTS_DUCKDB=/tmp/sample.duckdb make dashboard

The figures are made up (deterministic for a seed); the agencies and divisions are real names.
Only the `marts` schema is created; it carries the columns of spec §3 plus the ones the dashboard
uses when present (dim_agency.kind, fct_report.days_late / is_late, fct_procurement.is_plausible).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

AGENCIES = [
    # agency_id, name, short, sector, kind, level, division_code, division_name, prefecture
    ("jx_gov", "嘉兴市人民政府", "嘉兴市政府", "general_government", "government", "prefecture", "330400", "嘉兴市", "嘉兴市"),
    ("jx_jxj", "嘉兴市经济和信息化局", "市经信局", "industry_it", "department", "prefecture", "330400", "嘉兴市", "嘉兴市"),
    ("jx_fgw", "嘉兴市发展和改革委员会", "市发改委", "development_reform", "department", "prefecture", "330400", "嘉兴市", "嘉兴市"),
    ("js_jxj", "嘉善县经济和信息化局", "县经信局", "industry_it", "department", "county", "330421", "嘉善县", "嘉兴市"),
    ("ph_jxj", "平湖市经济和信息化局", "市经信局", "industry_it", "department", "county", "330482", "平湖市", "嘉兴市"),
    ("hn_gov", "海宁市人民政府", "海宁市政府", "general_government", "government", "county", "330481", "海宁市", "嘉兴市"),
    ("nb_jxj", "宁波市经济和信息化局", "市经信局", "industry_it", "department", "prefecture", "330200", "宁波市", "宁波市"),
    ("cx_jxj", "慈溪市经济和信息化局", "市经信局", "industry_it", "department", "county", "330282", "慈溪市", "宁波市"),
    ("zs_kjj", "舟山市科学技术局", "市科技局", "science_technology", "department", "prefecture", "330900", "舟山市", "舟山市"),
]
YEARS = range(2016, 2025)
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")
DENIED = ("state_secret", "prohibited_by_law", "three_safety_one_stability", "third_party_rights",
          "internal_affairs", "process_info", "enforcement_file", "admin_query")
UNABLE = ("not_held", "needs_creation", "unclear_after_correction")
NOT_PROCESSED = ("petition", "repeat", "publication", "excessive", "confirm_reissue")
CHECKS = ("t3_identity__total", "t3_result_total__natural_person", "t4_sum__review", "v5_carried_over__total")
ALIASES = {"jx_jxj": ["嘉兴市经信局", "嘉兴市经济和信息化委员会"], "js_jxj": ["嘉善县经信局"],
           "nb_jxj": ["宁波市经信局", "宁波市经信委"], "jx_fgw": ["嘉兴市发改委"]}

DDL = """
CREATE SCHEMA IF NOT EXISTS marts;
CREATE OR REPLACE TABLE marts.dim_agency (agency_id VARCHAR, agency_name VARCHAR, short_name VARCHAR,
    sector VARCHAR, kind VARCHAR, admin_level VARCHAR, division_code VARCHAR, division_name VARCHAR,
    prefecture_name VARCHAR, province_name VARCHAR, aliases VARCHAR[]);
CREATE OR REPLACE TABLE marts.dim_year (report_year INTEGER, template_era VARCHAR, publication_deadline DATE);
CREATE OR REPLACE TABLE marts.dim_metric (metric_code VARCHAR, table_code VARCHAR, row_label VARCHAR,
    column_label VARCHAR, unit VARCHAR, eras VARCHAR, comparable_group VARCHAR);
CREATE OR REPLACE TABLE marts.fct_report (report_id VARCHAR, agency_id VARCHAR, report_year INTEGER,
    title VARCHAR, source_url VARCHAR, published_on DATE, template_era VARCHAR, source_format VARCHAR,
    parse_status VARCHAR, n_metrics INTEGER, n_checks_failed INTEGER, content_sha256 VARCHAR,
    publication_deadline DATE, days_late INTEGER, is_late BOOLEAN);
CREATE OR REPLACE TABLE marts.fct_disclosure_metric (report_id VARCHAR, agency_id VARCHAR,
    report_year INTEGER, metric_code VARCHAR, value DOUBLE, value_raw VARCHAR, semantic VARCHAR);
CREATE OR REPLACE TABLE marts.fct_procurement (agency_id VARCHAR, report_year INTEGER, report_id VARCHAR,
    projects INTEGER, amount_cny DOUBLE, amount_raw VARCHAR, is_plausible BOOLEAN);
CREATE OR REPLACE TABLE marts.fct_quality_issue (report_id VARCHAR, check_code VARCHAR, status VARCHAR,
    detail VARCHAR, severity VARCHAR, source VARCHAR);
CREATE OR REPLACE TABLE marts.mart_comparable_series (report_id VARCHAR, agency_id VARCHAR, report_year INTEGER,
    comparable_group VARCHAR, measure VARCHAR, metric_code VARCHAR, value DOUBLE, unit VARCHAR, era VARCHAR,
    caveat VARCHAR);
CREATE OR REPLACE TABLE marts.agency_year_coverage (agency_id VARCHAR, report_year INTEGER, status VARCHAR);
"""


def _era(year: int) -> str:
    return "pre2019" if year < 2019 else ("y2019" if year < 2021 else "y2021")


def _deadline(year: int, kind: str) -> dt.date:
    if year >= 2019 and kind == "department":
        return dt.date(year + 1, 1, 31)
    return dt.date(year + 1, 3, 31)


def build_sample_warehouse(path: Path | str, seed: int = 0) -> Path:
    """(Re)create the marts tables in `path` and fill them; returns the path."""
    rng = random.Random(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    agencies, years, reports, metrics, procurement, issues, coverage, series = [], [], [], [], [], [], [], []
    for a in AGENCIES:
        agencies.append((*a[:8], a[8], "浙江省", ALIASES.get(a[0], [])))
    for y in YEARS:
        years.append((y, _era(y), dt.date(y + 1, 3, 31)))
    for aid, name, _short, _sector, kind, _lvl, _code, _div, _pref in AGENCIES:
        for y in YEARS:
            roll = rng.random()
            status = "missing" if roll < 0.15 else ("unparseable" if roll < 0.22 else "found")
            coverage.append((aid, y, status))
            if status == "missing":
                continue
            rid = hashlib.sha256(f"{aid}:{y}".encode()).hexdigest()[:16]
            deadline = _deadline(y, kind)
            late = rng.random() < 0.2
            published = deadline + dt.timedelta(days=rng.randint(1, 90)) if late \
                else deadline - dt.timedelta(days=rng.randint(0, 40))
            days_late = max((published - deadline).days, 0)
            era = _era(y)
            parse_status = "parsed" if status == "found" else rng.choice(["image_only", "no_tables", "error"])
            url = f"http://127.0.0.1:8765/{aid}/{y}/report.html"
            n_metrics, n_failed = 0, 0
            if status == "found" and y >= 2019:
                m = []
                received = {ap: rng.randint(0, 12) for ap in APPLICANTS}
                received["natural_person"] += rng.randint(5, 40)
                for ap, v in received.items():
                    m.append((f"t3_new_received__{ap}", v))
                total_received = sum(received.values())
                m.append(("t3_new_received__total", total_received))
                carried = rng.randint(0, 3)
                m.append(("t3_carried_over_from_prev__total", carried))
                left = total_received + carried
                granted = rng.randint(0, left); left -= granted
                partial = rng.randint(0, left); left -= partial
                m += [("t3_res_granted__total", granted), ("t3_res_partially_granted__total", partial)]
                for group, names in (("denied", DENIED), ("unable", UNABLE), ("not_processed", NOT_PROCESSED)):
                    for n in names:
                        v = rng.randint(0, min(left, 2)); left -= v
                        m.append((f"t3_res_{group}_{n}__total", v))
                other = rng.randint(0, min(left, 2)); left -= other
                m.append(("t3_res_other__total", other))
                if era == "y2021":
                    m.append(("t3_res_other_other__total", other))
                m.append(("t3_res_total__total", total_received + carried - left))
                m.append(("t3_carried_to_next__total", left))
                for proc in ("review", "lit_direct", "lit_after_review"):
                    parts = {o: rng.randint(0, 2) for o in ("maintained", "corrected", "other", "pending")}
                    for o, v in parts.items():
                        m.append((f"t4_{proc}_{o}", v))
                    m.append((f"t4_{proc}_total", sum(parts.values())))
                if era == "y2019":
                    projects = rng.randint(0, 30)
                    wan = round(rng.uniform(5, 900), 2) if projects else 0
                    m += [("t2_procurement_projects", projects), ("t2_procurement_amount", wan * 10000)]
                    procurement.append((aid, y, rid, projects, round(wan * 10000, 2),
                                        f"{wan}万元" if projects else "0", wan < 800))
                blank = rng.choice([None, "t3_res_denied_admin_query__total"])
                for code, v in m:
                    if code == blank:
                        metrics.append((rid, aid, y, code, None, "", "empty"))
                    else:
                        metrics.append((rid, aid, y, code, float(v), str(v), "numeric" if v else "zero"))
                n_metrics = len(m)
                for check in CHECKS:
                    roll = rng.random()
                    source = "warehouse" if check.startswith("v") else "parser"
                    if roll < 0.15:
                        issues.append((rid, check, "fail", f"{rng.randint(1, 9)}+{rng.randint(0, 9)} != {rng.randint(0, 9)}",
                                       "error", source))
                        n_failed += 1
                    elif roll < 0.2:
                        issues.append((rid, check, "not_assessable", "all cells blank", "info", source))
                code = "t2_license_decisions"
                v = rng.randint(0, 200)
                metrics.append((rid, aid, y, code, float(v), str(v), "numeric" if v else "zero"))
                series.append((rid, aid, y, "license_decisions", "count", code, float(v), "count", era, None))
            reports.append((rid, aid, y, f"{name}{y}年政府信息公开工作年度报告", url, published, era,
                            "html" if parse_status == "parsed" else "pdf", parse_status, n_metrics, n_failed,
                            hashlib.sha256(url.encode()).hexdigest(), deadline, days_late, late))
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        for table, rows in (("dim_agency", agencies), ("dim_year", years), ("fct_report", reports),
                            ("fct_disclosure_metric", metrics), ("fct_procurement", procurement),
                            ("fct_quality_issue", issues), ("agency_year_coverage", coverage),
                            ("mart_comparable_series", series)):
            if rows:   # through Arrow: fast, and None stays NULL
                con.register("rows_view", pa.table({f"c{i}": list(col) for i, col in enumerate(zip(*rows))}))
                con.execute(f"INSERT INTO marts.{table} SELECT * FROM rows_view")
                con.unregister("rows_view")
    finally:
        con.close()
    return path


if __name__ == "__main__":
    out = build_sample_warehouse(sys.argv[1] if len(sys.argv) > 1 else "data/sample_warehouse.duckdb")
    print(out)
