"""A small, realistic raw layer for the dbt warehouse, built in Python so the truth is known.

Reusable outside the dbt tests:

    from tests.dbt.raw_fixture import write_dev_raw, write_raw_tables, RAW_COLUMNS
    truth = write_dev_raw("/tmp/wh.duckdb")        # creates schema raw and fills every table

``write_raw_tables(db_path, tables)`` creates all raw tables of docs/architecture.md (empty unless
given) and inserts the given rows (dicts keyed by column name). ``build_dev_dataset()`` returns
``(tables, truth)``: 5 agencies, years 2018-2022 in three template eras, a portal duplicate, a
revised report (same URL, new bytes), an unparseable document, a not-a-report page, a parser
identity failure, a V5 / V6 / V7 cross-year failure and missing years.
"""
from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.warehouse.raw_schema import RAW_TABLES
from pipelines.warehouse.writer import ensure_raw_schema, replace_table

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
METRIC_CATALOG_CSV = DBT_DIR / "seeds" / "metric_catalog.csv"

# The raw tables exactly as the pipeline creates them (one definition: pipelines.warehouse.raw_schema).
RAW_COLUMNS: dict[str, list[str]] = {t: list(cols) for t, cols in RAW_TABLES.items()}


def read_metric_catalog(path: Path = METRIC_CATALOG_CSV, spec_only: bool = True) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if spec_only:
        rows = [r for r in rows if r["table"] != "narrative"]
    return rows


def write_raw_tables(db_path: str | Path, tables: dict[str, list[dict]]) -> None:
    """Create schema raw with every raw table (replacing them) and insert the given rows, through
    the pipeline's own writer."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema if not exists raw")
        for table in RAW_TABLES:
            con.execute(f"drop table if exists raw.{table}")
        ensure_raw_schema(con)
        for table in RAW_TABLES:
            rows = tables.get(table) or []
            if table == "metric_catalog" and not rows:
                rows = read_metric_catalog()
            if rows:
                replace_table(con, table, rows)
    finally:
        con.close()


# --------------------------------------------------------------------------- dataset builders

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution",
              "social_welfare_org", "legal_service_org", "other_org"]
DENIED = ["state_secret", "prohibited_by_law", "three_safety_one_stability", "third_party_rights",
          "internal_affairs", "process_info", "enforcement_file", "admin_query"]
UNABLE = ["not_held", "needs_creation", "unclear_after_correction"]
NOT_PROCESSED = ["petition", "repeat", "publication", "excessive", "confirm_reissue"]


def report_id(agency_id: str, year: int) -> str:
    """Python twin of the dbt macro report_id()."""
    return hashlib.md5(f"{agency_id}|{year}".encode()).hexdigest()[:16]


def open_world_agency_id(name: str, division_code: str | None) -> str:
    """Python twin of the dbt macro document_agency_id()."""
    return f"ag_{division_code or 'x'}_" + hashlib.md5(name.encode()).hexdigest()[:10]


def unresolved_agency_id(printed: str | None, source_id: str) -> str:
    """Python twin of the dbt macro unresolved_agency_id()."""
    return "unresolved_" + hashlib.md5(f"{printed or ''}|{source_id}".encode()).hexdigest()[:12]


def document_id(url: str, sha: str) -> str:
    return hashlib.sha256((url + sha).encode()).hexdigest()[:16]


def _num(value, raw=None):
    if value is None:
        return {"value": None, "value_raw": raw or "", "semantic": "empty"}
    return {"value": float(value), "value_raw": raw if raw is not None else f"{value:g}",
            "semantic": "zero" if value == 0 else "numeric"}


def t3_metrics(era: str, new: list[int], carried_over: list[int], carried_to_next: list[int],
               total_res_offset: int = 0) -> dict[str, dict]:
    """Table 三 consistent with V1-V3 (per applicant column: granted absorbs the balance)."""
    out: dict[str, dict] = {}
    cols: dict[str, dict[str, int]] = {}
    for i, a in enumerate(APPLICANTS):
        res_total = new[i] + carried_over[i] - carried_to_next[i]
        partial = 1 if res_total >= 2 else 0
        not_held = 1 if res_total >= 3 else 0
        c = {"new_received": new[i], "carried_over_from_prev": carried_over[i],
             "res_partially_granted": partial, "res_unable_not_held": not_held,
             "res_granted": res_total - partial - not_held, "res_total": res_total,
             "carried_to_next": carried_to_next[i]}
        for d in DENIED:
            c[f"res_denied_{d}"] = 0
        for u in UNABLE[1:]:
            c[f"res_unable_{u}"] = 0
        for n in NOT_PROCESSED:
            c[f"res_not_processed_{n}"] = 0
        c["res_other"] = 0
        if era == "y2021":
            c["res_other_overdue_correction"] = 0
            c["res_other_fee_unpaid"] = 0
            c["res_other_other"] = 0
        cols[a] = c
    rows = list(next(iter(cols.values())).keys())
    cols["total"] = {r: sum(cols[a][r] for a in APPLICANTS) for r in rows}
    cols["total"]["res_total"] += total_res_offset
    for a, c in cols.items():
        for r, v in c.items():
            out[f"t3_{r}__{a}"] = _num(v)
    return out


def t4_metrics(review=(1, 0, 0, 0), direct=(0, 1, 0, 0), after=(0, 0, 0, 0)) -> dict[str, dict]:
    out = {}
    for block, vals in (("review", review), ("lit_direct", direct), ("lit_after_review", after)):
        for name, v in zip(("maintained", "corrected", "other", "pending"), vals):
            out[f"t4_{block}_{name}"] = _num(v)
        out[f"t4_{block}_total"] = _num(sum(vals))
    return out


def t2_y2019(prev_items: dict[str, int], change: dict[str, int | None], procurement=None) -> dict:
    out = {
        "t2_regulation_new_made": _num(0), "t2_regulation_new_published": _num(0),
        "t2_regulation_published_total": _num(0), "t2_normative_doc_new_made": _num(3),
        "t2_normative_doc_new_published": _num(3), "t2_normative_doc_published_total": _num(21),
        "t2_license_decisions": _num(120), "t2_other_service_decisions": _num(8),
        "t2_penalty_decisions": _num(14), "t2_coercion_decisions": _num(2),
    }
    for item, v in prev_items.items():
        out[f"t2_{item}_items_prev_year"] = _num(v)
        c = change.get(item, 0)
        out[f"t2_{item}_items_change"] = _num(c, None if c is None else f"{c:+d}") if c is not None \
            else {"value": None, "value_raw": "", "semantic": "empty"}
    if procurement:
        (projects, projects_raw), (amount, amount_raw) = procurement
        out["t2_procurement_projects"] = _num(projects, projects_raw)
        out["t2_procurement_amount"] = _num(amount, amount_raw)
    return out


def t2_y2021(reg=(0, 0, 2), norm=(2, 1, 10), fee_amount=None) -> dict:
    out = {}
    for item, (iss, rep, force) in (("regulation", reg), ("normative_doc", norm)):
        out[f"t2_{item}_issued"] = _num(iss)
        out[f"t2_{item}_repealed"] = _num(rep)
        out[f"t2_{item}_in_force"] = _num(force)
    out["t2_license_decisions"] = _num(150)
    out["t2_penalty_decisions"] = _num(11)
    out["t2_coercion_decisions"] = _num(1)
    out["t2_fee_amount"] = _num(fee_amount if fee_amount is not None else 0)
    return out


def pre2019_metrics(received=5) -> dict:
    return {
        "pre_proactive_items": _num(812), "pre_normative_docs_issued": _num(6),
        "pre_requests_received": _num(received), "pre_replies_total": _num(received),
        "pre_replies_granted": _num(received - 1), "pre_review_cases": _num(1),
        "pre_review_upheld": _num(1), "pre_litigation_cases": _num(0),
        "pre_fees_collected": _num(0),
    }


AGENCIES = [
    dict(agency_id="jx_jxj", agency_name="嘉兴市经济和信息化局", short_name="市经信局",
         aliases=["嘉兴市经信局", "市经信局", "嘉兴市经济和信息化委员会", "嘉兴市经信委"],
         former_names=[{"name": "嘉兴市经济和信息化委员会", "until_year": 2018}],
         sector="industry_it", kind="department", admin_level="prefecture", division_code="330400", org_code=None),
    dict(agency_id="ph_jxj", agency_name="平湖市经济和信息化局", short_name="平湖市经信局",
         aliases=["平湖市经信局", "市经信局", "平湖市经济和信息化委员会"], former_names=None,
         sector="industry_it", kind="department", admin_level="county", division_code="330482", org_code="002580123"),
    dict(agency_id="ph_fgj", agency_name="平湖市发展和改革局", short_name="平湖市发改局",
         aliases=["平湖市发改局", "市发改局"], former_names=None,
         sector="development_reform", kind="department", admin_level="county", division_code="330482", org_code="741033213"),
    dict(agency_id="zs_gov", agency_name="舟山市人民政府", short_name="舟山市政府", aliases=["舟山市政府"],
         former_names=None, sector="general_government", kind="government", admin_level="prefecture",
         division_code="330900", org_code=None),
    dict(agency_id="js_kjj", agency_name="嘉善县科学技术局", short_name="县科技局", aliases=["嘉善县科技局", "县科技局"],
         former_names=None, sector="science_technology", kind="department", admin_level="county",
         division_code="330421", org_code="11330421002554277K"),
]

SOURCES = [
    dict(source_id="jx_portal_reports", family="hanweb_jcms", agency_id=None,
         entry_url="http://www.jiaxing.gov.cn/col/col1229708661/index.html", verified=False,
         allowed_hosts=["www.jiaxing.gov.cn"]),
    dict(source_id="jx_jxj_site", family="hanweb_jcms", agency_id="jx_jxj",
         entry_url="http://jxj.jiaxing.gov.cn/col/col1229113429/index.html", verified=False,
         allowed_hosts=["jxj.jiaxing.gov.cn"]),
    dict(source_id="ph_fgj_annual", family="hanweb_xxgk_annual", agency_id="ph_fgj",
         entry_url="http://www.pinghu.gov.cn/module/xxgk/xxgkAnnualReport.jsp", verified=True,
         allowed_hosts=["www.pinghu.gov.cn"]),
    dict(source_id="zs_gov_xxgk", family="hanweb_jcms", agency_id="zs_gov",
         entry_url="http://xxgk.zhoushan.gov.cn/col/col1229485623/index.html", verified=False,
         allowed_hosts=["xxgk.zhoushan.gov.cn"]),
]

SOURCE_AGENCY = {s["source_id"]: s["agency_id"] for s in SOURCES}


def build_dev_dataset() -> tuple[dict[str, list[dict]], dict]:
    docs: list[dict] = []

    def add(key, *, source, url, fmt, year_hint, fetched, parse=None, metrics=None, checks=None,
            bytes_tag="v1", published_hint=None, last_fetched=None, link_title=None, parent_url=None,
            rejects=None):
        sha = hashlib.sha256(f"{url}#{bytes_tag}".encode()).hexdigest() if bytes_tag != "same_as" else None
        docs.append(dict(key=key, source=source, url=url, fmt=fmt, year_hint=year_hint, fetched=fetched,
                         last_fetched=last_fetched or fetched, parse=parse, metrics=metrics or {},
                         checks=checks or [], sha=sha, published_hint=published_hint,
                         link_title=link_title, parent_url=parent_url, rejects=rejects or []))
        return docs[-1]

    def parsed(title, year, era, published, agency_name=None, printed=None, status="parsed", **agency):
        # agency: the parser's agency_division_code / agency_kind / agency_admin_level / agency_sector / agency_confidence
        return dict(parse_status=status, title=title, report_year=year, era=era,
                    published_on=published, agency_name=agency_name, agency_as_printed=printed, **agency)

    ok_checks = [("t3_identity__total", "pass", None), ("t4_sum__review", "pass", None)]

    # ---- 嘉兴市经信局 jx_jxj: 2018 pre2019, 2019 (+ portal copy), 2020 (V5 failure, 万元 slip), 2021 revised
    add("jx_2018", source="jx_jxj_site", url="http://jxj.jiaxing.gov.cn/art/2019/3/20/art_1229113429_1.html",
        fmt="html", year_hint=2018, fetched="2019-03-22 08:00:00",
        parse=parsed("市经信局2018年政府信息公开工作年度报告", 2018, "pre2019", "2019-03-20", None, "市经信局"),
        metrics=pre2019_metrics(received=7))
    m19 = {}
    m19.update(t2_y2019({"license": 396, "other_service": 12, "penalty": 40, "coercion": 3, "fee": 2},
                        {"license": 18, "other_service": -2, "penalty": 0, "coercion": 0, "fee": None},
                        procurement=((12, "12"), (7169100, "716.91万元"))))
    m19.update(t3_metrics("y2019", new=[10, 2, 0, 0, 1, 0], carried_over=[0] * 6, carried_to_next=[1, 0, 0, 0, 0, 0]))
    m19.update(t4_metrics())
    own19 = add("jx_2019", source="jx_jxj_site", url="http://jxj.jiaxing.gov.cn/art/2020/1/17/art_1229113429_2.html",
                fmt="html", year_hint=2019, fetched="2020-01-18 08:00:00",
                parse=parsed("嘉兴市经济和信息化局2019年政府信息公开工作年度报告", 2019, "y2019", "2020-01-17",
                             "嘉兴市经济和信息化局", "嘉兴市经济和信息化局"),
                metrics=m19, checks=ok_checks)
    portal19 = add("jx_2019_portal", source="jx_portal_reports",
                   url="https://www.jiaxing.gov.cn/art/2020/1/19/art_1229708661_9.html", fmt="html",
                   year_hint=2019, fetched="2020-02-01 08:00:00",
                   parse=parsed("嘉兴市经信局2019年政府信息公开工作年度报告", 2019, "y2019", "2020-01-17",
                                None, "嘉兴市经信局"),
                   metrics=m19, checks=ok_checks)
    portal19["sha"] = own19["sha"]          # the same bytes on the city portal
    m20 = {}
    m20.update(t2_y2019({"license": 414, "other_service": 10, "penalty": 40, "coercion": 3, "fee": 2},
                        {"license": 5, "other_service": 0, "penalty": 1, "coercion": 0, "fee": 0},
                        procurement=((10, "10"), (35, "35"))))
    # V5: 2020 says 3 carried over for 自然人, 2019 said 1 carried to next year
    m20.update(t3_metrics("y2019", new=[8, 1, 0, 0, 0, 0], carried_over=[3, 0, 0, 0, 0, 0],
                          carried_to_next=[2, 0, 0, 0, 0, 0]))
    m20.update(t4_metrics(review=(0, 0, 0, 0)))
    add("jx_2020", source="jx_jxj_site", url="http://jxj.jiaxing.gov.cn/art/2021/2/20/art_1229113429_3.html",
        fmt="html", year_hint=2020, fetched="2021-02-21 08:00:00",
        parse=parsed("嘉兴市经济和信息化局2020年政府信息公开工作年度报告", 2020, "y2019", "2021-02-20",
                     "嘉兴市经济和信息化局", "嘉兴市经济和信息化局"),
        metrics=m20, checks=ok_checks)
    m21_v1 = {}
    m21_v1.update(t2_y2021(reg=(0, 0, 2), norm=(4, 1, 30), fee_amount=0))
    m21_v1.update(t3_metrics("y2021", new=[9, 0, 0, 0, 0, 0], carried_over=[2, 0, 0, 0, 0, 0], carried_to_next=[0] * 6))
    m21_v1.update(t4_metrics(review=(0, 0, 0, 0)))
    m21_v2 = dict(m21_v1)
    m21_v2.update(t3_metrics("y2021", new=[12, 1, 0, 0, 0, 0], carried_over=[2, 0, 0, 0, 0, 0], carried_to_next=[0] * 6))
    url21 = "http://jxj.jiaxing.gov.cn/art/2022/1/25/art_1229113429_4.html"
    add("jx_2021_v1", source="jx_jxj_site", url=url21, fmt="html", year_hint=2021,
        fetched="2022-01-26 08:00:00", last_fetched="2022-02-20 08:00:00", bytes_tag="v1",
        parse=parsed("嘉兴市经济和信息化局2021年政府信息公开工作年度报告", 2021, "y2021", "2022-01-25",
                     "嘉兴市经济和信息化局", "嘉兴市经济和信息化局"),
        metrics=m21_v1, checks=[("t4_sum__review", "fail", "1+0+0+0 != 0")])
    add("jx_2021_v2", source="jx_jxj_site", url=url21, fmt="html", year_hint=2021,
        fetched="2022-03-01 08:00:00", bytes_tag="v2",
        parse=parsed("嘉兴市经济和信息化局2021年政府信息公开工作年度报告", 2021, "y2021", "2022-01-25",
                     "嘉兴市经济和信息化局", "嘉兴市经济和信息化局"),
        metrics=m21_v2, checks=ok_checks)

    # ---- 平湖市发改局 ph_fgj: 2019 identity failure, 2020 image-only, 2021 + 2022 (V6 failure)
    m19p = {}
    m19p.update(t2_y2019({"license": 50, "other_service": 4, "penalty": 9, "coercion": 0, "fee": 0},
                         {"license": 0, "other_service": 0, "penalty": 0, "coercion": 0, "fee": 0},
                         procurement=((3, "3"), (251000, "251000元"))))
    m19p.update(t3_metrics("y2019", new=[4, 1, 0, 0, 0, 0], carried_over=[0] * 6, carried_to_next=[0] * 6,
                           total_res_offset=-1))
    m19p.update(t4_metrics(review=(0, 0, 0, 0), direct=(0, 0, 0, 0)))
    add("ph_2019", source="ph_fgj_annual",
        url="http://www.pinghu.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2019&area=741033213",
        fmt="html", year_hint=2019, fetched="2020-01-21 08:00:00",
        parse=parsed("平湖市发展和改革局2019年度政府信息公开工作年度报告", 2019, "y2019", "2020-01-20",
                     "平湖市发展和改革局", "平湖市发展和改革局"),
        metrics=m19p, checks=[("t3_identity__total", "fail", "5+0 != 4+0"), ("t4_sum__review", "pass", None)])
    add("ph_2020", source="ph_fgj_annual",
        url="http://www.pinghu.gov.cn/module/download/downfile.jsp?classid=0&filename=ab12.pdf",
        fmt="pdf", year_hint=2020, fetched="2021-01-29 08:00:00", published_hint=date(2021, 1, 28),
        parse=parsed("平湖市发展和改革局2020年度政府信息公开工作年度报告（图片版）", None, None, None,
                     None, None, status="image_only"))
    m21p = {}
    m21p.update(t2_y2021(reg=(0, 0, 0), norm=(2, 0, 12), fee_amount=0))
    m21p.update(t3_metrics("y2021", new=[6, 0, 0, 0, 0, 0], carried_over=[0] * 6, carried_to_next=[1, 0, 0, 0, 0, 0]))
    m21p.update(t4_metrics(review=(0, 0, 0, 0), direct=(0, 0, 0, 0)))
    add("ph_2021", source="ph_fgj_annual",
        url="http://www.pinghu.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2021&area=741033213",
        fmt="html", year_hint=2021, fetched="2022-01-31 08:00:00",
        parse=parsed("平湖市发展和改革局2021年度政府信息公开工作年度报告", 2021, "y2021", "2022-01-30",
                     "平湖市发展和改革局", "平湖市发改局"),
        metrics=m21p, checks=ok_checks)
    m22p = {}
    # V6: 12 in force + 3 issued - 1 repealed = 14, but the 2022 report prints 20
    m22p.update(t2_y2021(reg=(0, 0, 0), norm=(3, 1, 20), fee_amount=1865106))
    m22p.update(t3_metrics("y2021", new=[7, 0, 0, 0, 0, 0], carried_over=[1, 0, 0, 0, 0, 0], carried_to_next=[0] * 6))
    m22p.update(t4_metrics(review=(0, 0, 0, 0), direct=(0, 0, 0, 0)))
    add("ph_2022", source="ph_fgj_annual",
        url="http://www.pinghu.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2022&area=741033213",
        fmt="html", year_hint=2022, fetched="2023-02-04 08:00:00",
        parse=parsed("平湖市发展和改革局2022年度政府信息公开工作年度报告", 2022, "y2021", "2023-02-03",
                     "平湖市发展和改革局", "平湖市发展和改革局"),
        metrics=m22p, checks=ok_checks)

    # ---- 舟山市政府 zs_gov (government: 31 March deadline): 2018 docx, 2019 pdf, 2020 (year from hint; V7)
    add("zs_2018", source="zs_gov_xxgk", url="http://xxgk.zhoushan.gov.cn/module/download/downfile.jsp?filename=zs2018.docx",
        fmt="docx", year_hint=2018, fetched="2019-03-30 08:00:00",
        parse=parsed("舟山市人民政府2018年政府信息公开工作年度报告", 2018, "pre2019", "2019-03-29",
                     "舟山市人民政府", "舟山市人民政府"),
        metrics=pre2019_metrics(received=40))
    m19z = {}
    m19z.update(t2_y2019({"license": 300, "other_service": 20, "penalty": 100, "coercion": 10, "fee": 5},
                         {"license": 10, "other_service": 0, "penalty": 5, "coercion": 0, "fee": 0},
                         procurement=((40, "40"), (12500000, "1250万元"))))
    m19z.update(t3_metrics("y2019", new=[30, 5, 1, 0, 2, 1], carried_over=[2, 0, 0, 0, 0, 0], carried_to_next=[4, 1, 0, 0, 0, 0]))
    m19z.update(t4_metrics(review=(2, 1, 0, 1), direct=(1, 0, 0, 1), after=(0, 0, 0, 0)))
    add("zs_2019", source="zs_gov_xxgk", url="http://xxgk.zhoushan.gov.cn/module/download/downfile.jsp?filename=zs2019.pdf",
        fmt="pdf", year_hint=2019, fetched="2020-03-16 08:00:00",
        parse=parsed("舟山市人民政府2019年政府信息公开工作年度报告", 2019, "y2019", "2020-03-15",
                     "舟山市人民政府", "舟山市人民政府"),
        metrics=m19z, checks=ok_checks + [("t3_col_sum__res_total", "not_assessable", "总计 blank")])
    m20z = {}
    # V7: penalty 2020 prev-year items should be 100 + 5 = 105, prints 99
    m20z.update(t2_y2019({"license": 310, "other_service": 20, "penalty": 99, "coercion": 10, "fee": 5},
                         {"license": 0, "other_service": 0, "penalty": 0, "coercion": 0, "fee": 0},
                         procurement=((38, "38"), (9900000, "990万元"))))
    m20z.update(t3_metrics("y2019", new=[25, 3, 0, 0, 1, 0], carried_over=[4, 1, 0, 0, 0, 0], carried_to_next=[0] * 6))
    m20z.update(t4_metrics(review=(1, 0, 0, 0), direct=(0, 0, 0, 0)))
    add("zs_2020", source="zs_gov_xxgk", url="http://xxgk.zhoushan.gov.cn/art/2021/1/28/art_1229485623_5.html",
        fmt="html", year_hint=2020, fetched="2021-01-29 08:00:00",
        parse=parsed("舟山市人民政府政府信息公开工作年度报告", None, "y2019", "2021-01-28",
                     None, "舟山市人民政府"),
        metrics=m20z, checks=ok_checks)
    add("zs_2021_guide", source="zs_gov_xxgk", url="http://xxgk.zhoushan.gov.cn/art/2022/1/5/art_1229485623_6.html",
        fmt="html", year_hint=2021, fetched="2022-01-06 08:00:00",
        parse=parsed("舟山市人民政府政府信息公开指南", None, None, None, None, None, status="not_a_report"))

    # ---- open world: agencies in no catalog, found on the city portal
    def ow_tables(new):
        m = {}
        m.update(t2_y2021(reg=(0, 0, 1), norm=(1, 0, 5), fee_amount=0))
        m.update(t3_metrics("y2021", new=new, carried_over=[0] * 6, carried_to_next=[0] * 6))
        m.update(t4_metrics(review=(0, 0, 0, 0), direct=(0, 0, 0, 0)))
        return m

    add("ow_sh_2021", source="jx_portal_reports", url="https://www.jiaxing.gov.cn/art/2022/2/1/art_1229708661_21.html",
        fmt="html", year_hint=2021, fetched="2022-02-02 08:00:00",
        parse=parsed("上海市人民政府办公厅2021年政府信息公开工作年度报告", 2021, "y2021", "2022-01-28",
                     "上海市人民政府办公厅", "上海市人民政府办公厅", agency_division_code="310000",
                     agency_kind="office", agency_admin_level="province", agency_sector="general_government",
                     agency_confidence=1.0),
        metrics=ow_tables([5, 1, 0, 0, 0, 0]), checks=ok_checks,
        rejects=[dict(metric_code="pre_made_up_code", value=4.0, value_raw="4", semantic="numeric",
                      reason="unknown_metric_code")])
    # a landing page without tables that links the PDF holding them; the PDF names only 市工信局
    landing = "https://www.jiaxing.gov.cn/art/2022/1/20/art_1229708661_22.html"
    add("ow_xz_2021_page", source="jx_portal_reports", url=landing, fmt="html", year_hint=2021,
        fetched="2022-01-21 08:00:00",
        parse=parsed("徐州市工业和信息化局2021年政府信息公开工作年度报告", 2021, None, "2022-01-20",
                     "徐州市工业和信息化局", "徐州市工业和信息化局", status="no_tables",
                     agency_division_code="320300", agency_kind="department", agency_admin_level="prefecture",
                     agency_sector="industry_it", agency_confidence=1.0))
    add("ow_xz_2021_pdf", source="jx_portal_reports",
        url="https://www.jiaxing.gov.cn/module/download/downfile.jsp?classid=0&filename=xz21.pdf", fmt="pdf",
        year_hint=2021, fetched="2022-01-21 08:00:05", parent_url=landing,
        parse=parsed("市工信局2021年政府信息公开工作年度报告", 2021, "y2021", None, None, "市工信局"),
        metrics=ow_tables([2, 0, 0, 0, 0, 0]), checks=ok_checks)
    # a report whose agency the evidence cannot establish: a bare 市科委 and no place anywhere
    add("ow_unresolved_2021", source="jx_portal_reports",
        url="https://www.jiaxing.gov.cn/art/2022/1/26/art_1229708661_23.html", fmt="html", year_hint=2021,
        fetched="2022-01-27 08:00:00",
        parse=parsed("市科委2021年政府信息公开工作年度报告", 2021, "y2021", "2022-01-26", None, "市科委"),
        metrics=ow_tables([1, 0, 0, 0, 0, 0]), checks=ok_checks)

    # ---- an unreadable portal document with neither agency nor year
    add("junk", source="jx_portal_reports", url="https://www.jiaxing.gov.cn/module/download/downfile.jsp?filename=x.doc",
        fmt="doc", year_hint=None, fetched="2022-05-01 08:00:00",
        parse=dict(parse_status="error", title=None, report_year=None, era=None, published_on=None,
                   agency_name=None, agency_as_printed=None))

    # ---- materialise the raw tables
    tables: dict[str, list[dict]] = {k: [] for k in RAW_TABLES}
    tables["agencies"] = [dict(a, aliases=json.dumps(a["aliases"], ensure_ascii=False),
                               former_names=json.dumps(a["former_names"], ensure_ascii=False) if a["former_names"] else None)
                          for a in AGENCIES]
    tables["sources"] = [dict(s, allowed_hosts=json.dumps(s["allowed_hosts"])) for s in SOURCES]
    ids: dict[str, str] = {}
    for i, d in enumerate(docs):
        did = document_id(d["url"], d["sha"])
        ids[d["key"]] = did
        agency = SOURCE_AGENCY[d["source"]]
        fetched = datetime.fromisoformat(d["fetched"])
        tables["documents"].append(dict(
            document_id=did, source_id=d["source"], agency_id=agency, url=d["url"], parent_url=d["parent_url"],
            content_sha256=d["sha"], source_format=d["fmt"], media_type=None, filename=None,
            encoding="utf-8" if d["fmt"] == "html" else None, n_bytes=10_000 + i,
            link_title=(d["parse"] or {}).get("title"), year_hint=d["year_hint"], listed_on=None,
            published_on_hint=d["published_hint"], first_fetched_at=fetched,
            last_fetched_at=datetime.fromisoformat(d["last_fetched"])))
        tables["report_links"].append(dict(
            source_id=d["source"], agency_id=agency, list_url="http://example.invalid/list", url=d["url"],
            link_title=(d["parse"] or {}).get("title"), listed_on=None, year_hint=d["year_hint"],
            discovered_at=fetched))
        tables["fetch_log"].append(dict(
            fetch_id=f"f{i:04d}", run_id="run1", source_id=d["source"], url=d["url"], final_url=d["url"],
            stage="article", fetched_at=fetched, status_code=200, outcome="ok", reason=None,
            content_sha256=d["sha"], n_bytes=10_000 + i, content_type="text/html", etag=None,
            last_modified=None, elapsed_ms=120.0))
        p = d["parse"]
        if p is not None:
            n_fail = sum(1 for c in d["checks"] if c[1] == "fail")
            tables["parsed_reports"].append(dict(
                document_id=did, content_sha256=d["sha"], parser_version="0.1.0",
                parse_status=p["parse_status"], error="unreadable" if p["parse_status"] == "error" else None,
                title=p["title"], agency_name=p["agency_name"], agency_as_printed=p["agency_as_printed"],
                report_year=p["report_year"], era=p["era"],
                published_on=date.fromisoformat(p["published_on"]) if p["published_on"] else None,
                n_metrics=len(d["metrics"]), n_checks_failed=n_fail, warnings="[]",
                parsed_at=fetched, **{k: v for k, v in p.items() if k.startswith("agency_") and k != "agency_name"
                                      and k != "agency_as_printed"}))
            for r in d["rejects"]:
                tables["parsed_rejects"].append(dict(document_id=did, **r))
            for code, m in d["metrics"].items():
                tables["parsed_metrics"].append(dict(document_id=did, metric_code=code, **m))
            for code, status, detail in d["checks"]:
                tables["parsed_checks"].append(dict(document_id=did, check_code=code, status=status, detail=detail))
    tables["fetch_log"].append(dict(
        fetch_id="f9999", run_id="run1", source_id="zs_gov_xxgk", url="http://xxgk.zhoushan.gov.cn/col/x",
        final_url=None, stage="list", fetched_at=datetime(2023, 2, 1, 8), status_code=None, outcome="error",
        reason="timeout", content_sha256=None, n_bytes=None, content_type=None, etag=None,
        last_modified=None, elapsed_ms=20000.0))
    tables["metric_catalog"] = read_metric_catalog()

    truth = dict(
        document_ids=ids,
        report_ids={(a, y): report_id(a, y) for a in [x["agency_id"] for x in AGENCIES] for y in range(2010, 2031)},
        metrics={k: d["metrics"] for k, d in zip([d["key"] for d in docs], docs)},
        agencies=[a["agency_id"] for a in AGENCIES],
        found={("jx_jxj", 2018), ("jx_jxj", 2019), ("jx_jxj", 2020), ("jx_jxj", 2021),
               ("ph_fgj", 2019), ("ph_fgj", 2021), ("ph_fgj", 2022),
               ("zs_gov", 2018), ("zs_gov", 2019), ("zs_gov", 2020)},
        unparseable={("ph_fgj", 2020)},
        open_world={"上海市人民政府办公厅": open_world_agency_id("上海市人民政府办公厅", "310000"),
                    "徐州市工业和信息化局": open_world_agency_id("徐州市工业和信息化局", "320300")},
        unresolved_id=unresolved_agency_id("市科委", "jx_portal_reports"),
        min_year=2018,
        max_year=2022,
    )
    return tables, truth


def write_dev_raw(db_path: str | Path) -> dict:
    """Write the development dataset into db_path (schema raw) and return its truth dict."""
    tables, truth = build_dev_dataset()
    write_raw_tables(db_path, tables)
    return truth
