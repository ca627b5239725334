"""govreports dashboard — a read-only Streamlit view of the warehouse's `marts` schema.

    make dashboard        # = .venv/bin/streamlit run pipelines/dashboard/app.py --server.address 127.0.0.1

Reads the DuckDB file at `GOVREPORTS_DUCKDB` (default data/warehouse.duckdb). Every query opens a
read-only connection and closes it at once (pipelines/dashboard/queries.py); results are cached
for 60 s. While the pipeline holds the write lock the pages say so instead of failing.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

# `streamlit run pipelines/dashboard/app.py` puts this file's folder, not the project, on sys.path.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from pipelines.dashboard import queries as q  # noqa: E402
from pipelines.warehouse.db import warehouse_path  # noqa: E402

CACHE_TTL_S = 60

SECTOR_LABELS = {
    "general_government": "人民政府 general government",
    "industry_it": "经济和信息化 industry & IT",
    "development_reform": "发展和改革 development & reform",
    "environment": "生态环境 environment",
    "market_regulation": "市场监管 market regulation",
    "science_technology": "科技 science & technology",
}
STATUS_COLORS = {"found": "#2e7d32", "late": "#f9a825", "missing": "#c62828", "unparseable": "#6a1b9a"}
MEASURE_LABELS = {
    "received": "received 新收",
    "carried_over": "carried over 上年结转",
    "granted": "granted 予以公开",
    "partially_granted": "partially granted 部分公开",
    "denied": "denied 不予公开",
    "unable_to_provide": "unable to provide 无法提供",
    "not_processed": "not processed 不予处理",
    "other": "other 其他处理",
    "total_handled": "handled total 总计",
    "carried_to_next": "carried to next year 结转下年",
}
APPLICANT_LABELS = {
    "natural_person": "自然人", "commercial_enterprise": "商业企业", "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织", "legal_service_org": "法律服务机构", "other_org": "其他组织",
}
PROCEEDING_LABELS = {"review": "review 行政复议",
                     "lit_direct": "lawsuit, direct 直接起诉",
                     "lit_after_review": "lawsuit after review 复议后起诉"}
OUTCOME_LABELS = {"maintained": "maintained 维持", "corrected": "corrected 纠正", "other": "other 其他",
                  "pending": "pending 尚未审结", "total": "total 总计"}

OUTCOME_COLORS = {"maintained": "#2e7d32", "corrected": "#ef6c00", "other": "#9e9e9e", "pending": "#64b5f6"}

BUSY_MESSAGE = ("The pipeline is writing to the warehouse right now, so it cannot be read — "
                "retry in a minute.")


# ------------------------------------------------------------------------------------------------
# Data access: cached, read-only, one connection per query

def _db_path() -> str:
    return str(warehouse_path())


def _stamp(path: str) -> int | None:
    """The file's mtime: a rebuilt warehouse invalidates the cache before the TTL runs out."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _cached(name: str, path: str, stamp: int | None, filters: tuple | None, kwargs: tuple = ()):
    fn = getattr(q, name)
    if filters is None:
        return fn(path=path)
    return fn(q.Filters.from_tuple(filters), path=path, **dict(kwargs))


def load(name: str, filters: q.Filters | None = None, **kwargs):
    path = _db_path()
    return _cached(name, path, _stamp(path), filters.as_tuple() if filters is not None else None,
                   tuple(sorted(kwargs.items())))


# ------------------------------------------------------------------------------------------------
# Formatting helpers

def fmt_int(v) -> str:
    return "n/a" if v is None or pd.isna(v) else f"{int(round(float(v))):,}"


def fmt_yuan(v) -> str:
    if v is None or pd.isna(v):
        return "n/a"
    v = float(v)
    return f"{v:,.0f}" if v == round(v) else f"{v:,.2f}"


def metric_row(items: list[tuple[str, str, str | None]], per_row: int | None = None) -> None:
    """st.metric cards (the figures as text, which the browser test reads), `per_row` to a row."""
    per_row = per_row or len(items)
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, (label, value, help_text) in zip(cols, items[start:start + per_row]):
            col.metric(label, value, help=help_text, border=True)


def footer() -> None:
    st.divider()
    st.caption(f"Read-only from `{_db_path()}` · results cached up to {CACHE_TTL_S} s · "
               f"rendered {dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')}")


def empty(df: pd.DataFrame, what: str) -> bool:
    if df is None or df.empty:
        st.info(f"No {what} for the selected filters.")
        return True
    return False


# ------------------------------------------------------------------------------------------------
# Sidebar filters

def sidebar_filters() -> q.Filters:
    agencies: pd.DataFrame = load("filter_options")
    bounds = load("year_bounds")
    sb = st.sidebar
    sb.header("Filters")

    cities = sorted(agencies["prefecture_name"].dropna().unique().tolist())
    sel_cities = sb.multiselect("City (地级市)", cities, key="city", bind="query-params",
                                placeholder="all cities")
    pool = agencies[agencies["prefecture_name"].isin(sel_cities)] if sel_cities else agencies
    counties = sorted(set(pool["division_name"].dropna()) | set(st.session_state.get("county") or []))
    sel_counties = sb.multiselect("County / district (县区)", counties, key="county",
                                  bind="query-params", placeholder="all counties")
    sectors = sorted(agencies["sector"].dropna().unique().tolist())
    sel_sectors = sb.multiselect("Sector (部门)", sectors, key="sector", bind="query-params",
                                 format_func=lambda s: SECTOR_LABELS.get(s, s), placeholder="all sectors")
    year_from = year_to = None
    if bounds:
        lo, hi = bounds
        if lo < hi:
            year_from, year_to = sb.slider("Report years", lo, hi, (lo, hi), key="years",
                                           bind="query-params")
        else:
            sb.caption(f"Report year: {lo}")
    n_agencies = len(agencies)
    sb.caption(f"{n_agencies} agencies in the warehouse")
    return q.Filters(tuple(sel_cities), tuple(sel_counties), tuple(sel_sectors), year_from, year_to)


# ------------------------------------------------------------------------------------------------
# Pages

def page_coverage(f: q.Filters) -> None:
    st.title("Coverage")
    st.caption("Every agency × report year: a canonical report **found** (on time), found but "
               "**late** (published after the deadline of 《政府信息公开条例》), **missing**, or found "
               "but **unparseable**. Source: `marts.agency_year_coverage`, `marts.fct_report`.")
    df = load("coverage", f)
    if empty(df, "agency-years"):
        return
    s = q.summarize_coverage(df)
    metric_row([
        ("Agency-years", fmt_int(s["agency_years"]), "agencies × report years in the filter"),
        ("Found", fmt_int(s["found"]), "a readable canonical report exists (on time or late)"),
        ("Late", fmt_int(s["late"]), "found, published after the deadline (n/a: the mart has no lateness)"),
        ("Missing", fmt_int(s["missing"]), "no report found"),
        ("Unparseable", fmt_int(s["unparseable"]), "found, but the parser could not read its tables"),
    ])
    statuses = list(STATUS_COLORS)
    agency_order = df.drop_duplicates("agency_id")["agency_name"].tolist()
    heat = alt.Chart(df).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("report_year:O", title="report year"),
        y=alt.Y("agency_name:N", title=None, sort=agency_order, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("status:N", scale=alt.Scale(domain=statuses, range=[STATUS_COLORS[s] for s in statuses]),
                        legend=alt.Legend(orient="top", title=None)),
        tooltip=["agency_name", "division_name", "report_year", "status", "days_late", "parse_status",
                 "source_url"],
    )
    st.subheader("Agency × year")
    st.altair_chart(heat, width="stretch", height=max(220, 30 * len(agency_order) + 120))

    st.subheader("Status per year")
    per_year = (df.pivot_table(index="report_year", columns="status", values="agency_id", aggfunc="count",
                               fill_value=0).reindex(columns=statuses, fill_value=0))
    st.bar_chart(per_year, color=[STATUS_COLORS[s] for s in statuses])

    with st.expander("Table: agency × year", expanded=False):
        keys = ["prefecture_name", "division_name", "agency_name"]
        grid = (df.assign(**{k: df[k].fillna("—") for k in keys})
                .pivot_table(index=keys, columns="report_year", values="status", aggfunc="first"))
        st.dataframe(grid, width="stretch")
    gaps = df[df["status"] != "found"][["agency_name", "division_name", "report_year", "status", "days_late",
                                        "parse_status", "source_url"]]
    st.subheader("Not found, unparseable or late")
    if not empty(gaps, "gaps"):
        st.dataframe(gaps, hide_index=True, width="stretch",
                     column_config={"source_url": st.column_config.LinkColumn("source")})


def _pivot(df: pd.DataFrame, index: str, columns: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    p = df.pivot_table(index=index, columns=columns, values="value", aggfunc="sum")
    if labels:
        p = p.reindex(columns=[c for c in labels if c in p.columns]).rename(columns=labels)
    return p


def page_applications(f: q.Filters) -> None:
    st.title("Applications")
    st.caption("Information-disclosure applications (依申请公开, table 三 of the 2019 and 2021 templates, "
               "总计 column): received and how they were answered, summed over the selected agencies. "
               "Blank cells are not counted as 0. Source: `marts.fct_disclosure_metric` (`t3_*`).")
    df = load("applications", f)
    if empty(df, "table 三 figures"):
        return
    tot = df.groupby("measure")["value"].sum()
    reports = int(df.loc[df["measure"] == "received", "reports"].sum())
    metric_row([
        ("Applications received", fmt_int(tot.get("received")), "一、本年新收政府信息公开申请数量"),
        ("Granted", fmt_int(tot.get("granted")), "（一）予以公开"),
        ("Partially granted", fmt_int(tot.get("partially_granted")), "（二）部分公开"),
        ("Denied", fmt_int(tot.get("denied")), "（三）不予公开, all eight reasons"),
        ("Unable to provide", fmt_int(tot.get("unable_to_provide")), "（四）无法提供"),
        ("Reports with table 三", fmt_int(reports), "reports with a received figure"),
    ], per_row=3)
    years = _pivot(df, "report_year", "measure", MEASURE_LABELS)
    years.index = years.index.astype(str)
    lines = [c for c in (MEASURE_LABELS["received"], MEASURE_LABELS["total_handled"]) if c in years.columns]
    if lines:
        st.subheader("Received and handled per year")
        st.line_chart(years[lines], color=["#1565c0", "#ef6c00"][:len(lines)])
    st.subheader("Outcomes per year")
    outcomes = df[df["measure"].isin(q.OUTCOME_MEASURES)].copy()
    outcomes["outcome"] = outcomes["measure"].map(MEASURE_LABELS)
    st.altair_chart(alt.Chart(outcomes).mark_bar().encode(
        x=alt.X("report_year:O", title="report year"), y=alt.Y("sum(value):Q", title="applications"),
        color=alt.Color("outcome:N", legend=alt.Legend(orient="bottom", columns=3, title=None)),
        tooltip=["report_year", "outcome", "value", "reports"]), width="stretch")
    by_app = load("applications_by_applicant", f)
    if not by_app.empty:
        st.subheader("Received by applicant type")
        by_app["applicant"] = by_app["applicant_type"].map(lambda a: APPLICANT_LABELS.get(a, a))
        st.altair_chart(alt.Chart(by_app).mark_bar().encode(
            x=alt.X("report_year:O", title="report year"), y=alt.Y("sum(value):Q", title="applications"),
            color=alt.Color("applicant:N", legend=alt.Legend(orient="bottom", columns=6, title=None)),
            tooltip=["report_year", "applicant", "value"]), width="stretch")
    st.subheader("Per year")
    st.dataframe(years, width="stretch")
    per_agency = load("applications", f, by="agency")
    with st.expander("Per agency and year", expanded=False):
        st.dataframe(per_agency.pivot_table(index=["agency_name", "report_year"], columns="measure",
                                            values="value", aggfunc="sum")
                     .reindex(columns=[c for c in MEASURE_LABELS if c in set(per_agency["measure"])])
                     .rename(columns=MEASURE_LABELS), width="stretch")


def page_review(f: q.Filters) -> None:
    st.title("Review & litigation")
    st.caption("Administrative reviews and lawsuits about disclosure decisions (table 四): result "
               "maintained, corrected, other, pending. Source: `marts.fct_disclosure_metric` (`t4_*`).")
    df = load("review_litigation", f)
    if empty(df, "table 四 figures"):
        return

    def total(proc: str, outcome: str):
        sel = df[(df["proceeding"] == proc) & (df["outcome"] == outcome)]["value"]
        return sel.sum() if len(sel) else None

    lit_corrected = sum(v for v in (total("lit_direct", "corrected"), total("lit_after_review", "corrected"))
                        if v is not None)
    metric_row([
        ("Administrative reviews", fmt_int(total("review", "total")), "行政复议 总计"),
        ("Reviews corrected", fmt_int(total("review", "corrected")), "行政复议 结果纠正"),
        ("Lawsuits (direct)", fmt_int(total("lit_direct", "total")), "行政诉讼 未经复议直接起诉 总计"),
        ("Lawsuits (after review)", fmt_int(total("lit_after_review", "total")), "行政诉讼 复议后起诉 总计"),
        ("Lawsuits corrected", fmt_int(lit_corrected), "行政诉讼 结果纠正, both kinds"),
    ], per_row=3)
    parts = df[df["outcome"] != "total"].copy()
    parts["proceeding_label"] = parts["proceeding"].map(PROCEEDING_LABELS)
    parts["outcome_label"] = parts["outcome"].map(OUTCOME_LABELS)
    parts["outcome_rank"] = parts["outcome"].map({o: i for i, o in enumerate(OUTCOME_COLORS)})
    st.subheader("Outcomes per year")
    st.altair_chart(alt.Chart(parts).mark_bar().encode(
        x=alt.X("report_year:O", title=None), y=alt.Y("sum(value):Q", title="cases", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("outcome_label:N", legend=alt.Legend(orient="bottom", title=None),
                        scale=alt.Scale(domain=[OUTCOME_LABELS[o] for o in OUTCOME_COLORS],
                                        range=list(OUTCOME_COLORS.values())),
                        sort=[OUTCOME_LABELS[o] for o in OUTCOME_COLORS]),
        order=alt.Order("outcome_rank:Q"),
        column=alt.Column("proceeding_label:N", title=None, sort=list(PROCEEDING_LABELS.values())),
        tooltip=["report_year", "proceeding_label", "outcome_label", "value"],
    ).properties(width=260), width="content")
    st.subheader("Totals per year")
    totals = df[df["outcome"] == "total"].pivot_table(index="report_year", columns="proceeding",
                                                      values="value", aggfunc="sum")
    totals = totals.reindex(columns=[c for c in PROCEEDING_LABELS if c in totals.columns]).rename(
        columns=PROCEEDING_LABELS)
    totals.index = totals.index.astype(str)
    st.bar_chart(totals, stack=False)
    st.dataframe(df.pivot_table(index=["report_year", "proceeding"], columns="outcome", values="value",
                                aggfunc="sum").reindex(columns=list(REVIEW_OUTCOME_ORDER)),
                 width="stretch")


REVIEW_OUTCOME_ORDER = ("maintained", "corrected", "other", "pending", "total")


def page_procurement(f: q.Filters) -> None:
    st.title("Procurement")
    st.caption("政府集中采购 as printed in the reports on the 2019 template (report years 2019–2020, and "
               "any later report still printed on it): projects and total amount, in yuan "
               "(716.91万元 → 7,169,100). Source: `marts.fct_procurement`.")
    df = load("procurement", f)
    if empty(df, "procurement figures"):
        return
    amount = df["amount_cny"].sum(min_count=1)
    metric_row([
        ("Procurement total (yuan)", fmt_yuan(amount), "采购总金额 in 元, summed over the rows below"),
        ("Procurement total (万元)", "n/a" if pd.isna(amount) else f"{amount / 10000:,.2f}", "the same in 万元"),
    ], per_row=2)
    items = [
        ("Procurement projects", fmt_int(df["projects"].sum(min_count=1)), "采购项目数量"),
        ("Agency-years", fmt_int(len(df)), "reports with a procurement table"),
    ]
    flag = next((c for c in ("is_plausible", "amount_plausible", "plausible") if c in df.columns), None)
    if flag:
        items.append(("Implausible amounts", fmt_int((df[flag] == False).sum()),  # noqa: E712
                      f"rows where {flag} is false"))
    metric_row(items, per_row=3)
    st.subheader("Amount by agency and year (yuan)")
    chart_df = df.assign(year=df["report_year"].astype(str))
    st.altair_chart(alt.Chart(chart_df).mark_bar().encode(
        y=alt.Y("agency_name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
        x=alt.X("sum(amount_cny):Q", title="yuan (元)"),
        color=alt.Color("year:N", legend=alt.Legend(orient="top", title=None)),
        yOffset="year:N",
        tooltip=["agency_name", "report_year", "projects", alt.Tooltip("amount_cny:Q", format=",.2f"),
                 "amount_raw"],
    ), width="stretch", height=max(200, 22 * len(df) + 80))
    st.subheader("By year")
    by_year = df.groupby("report_year").agg(projects=("projects", "sum"), amount_cny=("amount_cny", "sum"),
                                            agencies=("agency_id", "nunique"))
    by_year.index = by_year.index.astype(str)
    st.dataframe(by_year, width="stretch",
                 column_config={"amount_cny": st.column_config.NumberColumn("amount (yuan)", format="localized")})
    st.subheader("Rows")
    show = [c for c in df.columns if c not in ("agency_id", "report_id", "prefecture_name", "sector")]
    st.dataframe(df[show], hide_index=True, width="stretch", column_config={
        "amount_cny": st.column_config.NumberColumn("amount (yuan)", format="localized"),
        "amount_raw": "as printed", "source_url": st.column_config.LinkColumn("source")})


def page_quality(f: q.Filters) -> None:
    st.title("Quality")
    st.caption("Checks a report fails: the rules the templates carry themselves (table 三's totals, "
               "table 四's sums) and cross-year checks (carried over = last year's carried to next). "
               "Values are never changed because of them. Source: `marts.fct_quality_issue`, with each "
               "report's source page from `marts.fct_report`.")
    df = load("quality_issues", f)
    if empty(df, "quality issues"):
        return
    s = q.summarize_quality(df)
    metric_row([
        ("Quality issues", fmt_int(s["issues"]), "report × failed check (status fail)"),
        ("Reports with issues", fmt_int(s["reports"]), "reports failing at least one check"),
        ("Checks failing", fmt_int(s["checks"]), "distinct check codes"),
        ("Not assessable", fmt_int(s["not_assessable"]), "checks the parser could not evaluate (blank cells …)"),
    ], per_row=4)
    failed = df[df["status"] == "fail"]
    if not failed.empty:
        st.subheader("Failed checks per check")
        color_by = "severity" if "severity" in failed.columns else "status"
        per_check = failed.groupby(["check_code", color_by], dropna=False).size().rename("issues").reset_index()
        st.altair_chart(alt.Chart(per_check).mark_bar().encode(
            y=alt.Y("check_code:N", title=None, sort="-x", axis=alt.Axis(labelLimit=400)),
            x=alt.X("sum(issues):Q", title="failed checks", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(f"{color_by}:N", legend=alt.Legend(orient="top", title=None)),
            tooltip=["check_code", color_by, "issues"]),
            width="stretch", height=max(160, 30 * per_check["check_code"].nunique() + 90))
    st.subheader("All checks recorded")
    show = [c for c in ("agency_name", "report_year", "check_code", "status", "severity", "rule_id", "source",
                        "detail", "source_url") if c in df.columns]
    ordered = df.assign(_fail=df["status"] != "fail").sort_values(["_fail", "report_year", "agency_name"],
                                                                 ascending=[True, False, True], kind="stable")
    st.dataframe(ordered[show], hide_index=True, width="stretch",
                 column_config={"source_url": st.column_config.LinkColumn("source page")})
    st.subheader("Reports with failed checks")
    if failed.empty:
        st.info("No report fails a check for the selected filters.")
        return
    per_report = (failed.groupby(["report_id", "agency_name", "report_year", "source_url"], dropna=False)
                  .agg(checks=("check_code", lambda c: ", ".join(sorted(set(c)))), n=("check_code", "size"))
                  .reset_index().sort_values(["report_year", "agency_name"], ascending=[False, True]))
    limit = 200
    lines = []
    for r in per_report.head(limit).itertuples():
        name = f"{r.agency_name} {r.report_year}"
        link = f"[{name}]({r.source_url})" if isinstance(r.source_url, str) and r.source_url else name
        lines.append(f"- {link} — {r.n} failed check{'s' if r.n != 1 else ''}: `{r.checks}`")
    st.markdown("\n".join(lines))
    if len(per_report) > limit:
        st.caption(f"… and {len(per_report) - limit} more reports (see the table above).")


PAGES = [
    (page_coverage, "Coverage", "coverage", ":material/grid_on:"),
    (page_applications, "Applications", "applications", ":material/inbox:"),
    (page_review, "Review & litigation", "review", ":material/gavel:"),
    (page_procurement, "Procurement", "procurement", ":material/payments:"),
    (page_quality, "Quality", "quality", ":material/fact_check:"),
]


def _guarded(render, filters_box: dict):
    def run() -> None:
        try:
            render(filters_box["filters"])
        except q.WarehouseError as exc:
            _explain(exc)
        footer()
    run.__name__ = render.__name__
    return run


def _explain(exc: Exception) -> None:
    if isinstance(exc, q.WarehouseBusy):
        st.warning(BUSY_MESSAGE, icon=":material/hourglass_top:")
        st.button("Retry", on_click=st.cache_data.clear)
    else:
        st.info(str(exc), icon=":material/info:")


def main() -> None:
    st.set_page_config(page_title="govreports — 政府信息公开年报", page_icon=":material/description:",
                       layout="wide")
    box: dict = {}
    nav = st.navigation([st.Page(_guarded(fn, box), title=title, url_path=path, icon=icon, default=i == 0)
                         for i, (fn, title, path, icon) in enumerate(PAGES)])
    try:
        box["filters"] = sidebar_filters()
    except q.WarehouseError as exc:
        st.title(nav.title)
        _explain(exc)
        footer()
        return
    nav.run()


main()
