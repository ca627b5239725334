"""Applications (table 三) and review & litigation (table 四)."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pipelines.dashboard import queries as q
from pipelines.dashboard.common import Ctx, empty, load, metric_row
from pipelines.dashboard.formatting import display, fmt_int, header

MEASURE_ORDER = tuple(q.APPLICATION_MEASURES)
OUTCOME_COLORS = {"maintained": "#2e7d32", "corrected": "#ef6c00", "other": "#9e9e9e", "pending": "#64b5f6"}


def _pivot(df: pd.DataFrame, index: str, ctx: Ctx) -> pd.DataFrame:
    p = df.pivot_table(index=index, columns="measure", values="value", aggfunc="sum")
    p = p.reindex(columns=[c for c in MEASURE_ORDER if c in p.columns])
    p.columns = [ctx.label("measure", c) for c in p.columns]
    return p


def _bars_by_year(df: pd.DataFrame, field: str, ctx: Ctx, *, columns: int, header_key: str | None = None,
                  with_year: bool = False) -> None:
    """Applications per report year, stacked by ``field`` (an outcome or an applicant type)."""
    tooltip = [alt.Tooltip("report_year:O", title=header("report_year", ctx.lang))] if with_year else []
    tooltip += [alt.Tooltip(f"{field}:N", title=header(header_key or field, ctx.lang)),
                alt.Tooltip("value:Q", title=header("value", ctx.lang), format=",d")]
    st.altair_chart(alt.Chart(df).mark_bar().encode(
        x=alt.X("report_year:O", title=header("report_year", ctx.lang)),
        y=alt.Y("sum(value):Q", title=ctx.tr("申请数", "applications")),
        color=alt.Color(f"{field}:N", legend=alt.Legend(orient="bottom", columns=columns, title=None)),
        tooltip=tooltip), width="stretch")


def render_applications(ctx: Ctx) -> None:
    st.title(ctx.tr("依申请公开", "Applications"))
    st.caption(ctx.tr(
        "政府信息公开申请（2019、2021 年版模板表三的“总计”栏）：收到多少、怎样答复，按所选机构加总。"
        "空白单元格不计为 0。",
        "Information-disclosure applications (table 三 of the 2019 and 2021 templates, 总计 column): "
        "received and how they were answered, summed over the selected agencies. Blank cells are not counted as 0."))
    df = load(q.applications, ctx.filters)
    if empty(df, ctx, "表三数据", "table 三 figures"):
        return
    tot = df.groupby("measure")["value"].sum(min_count=1)
    reports = int(df.loc[df["measure"] == "received", "reports"].sum())
    metric_row([
        (ctx.tr("新收申请", "Applications received"), fmt_int(tot.get("received")), "一、本年新收政府信息公开申请数量"),
        (ctx.tr("予以公开", "Granted"), fmt_int(tot.get("granted")), "（一）予以公开"),
        (ctx.tr("部分公开", "Partially granted"), fmt_int(tot.get("partially_granted")), "（二）部分公开"),
        (ctx.tr("不予公开", "Denied"), fmt_int(tot.get("denied")), ctx.tr("（三）不予公开，八项理由合计", "（三）不予公开, all eight reasons")),
        (ctx.tr("无法提供", "Unable to provide"), fmt_int(tot.get("unable_to_provide")), "（四）无法提供"),
        (ctx.tr("有表三的报告", "Reports with table 三"), fmt_int(reports),
         ctx.tr("填报了新收申请数的报告", "reports with a received figure")),
    ], per_row=3)
    years = _pivot(df, "report_year", ctx)
    years.index = years.index.astype(str)
    lines = [ctx.label("measure", m) for m in ("received", "total_handled") if ctx.label("measure", m) in years.columns]
    if lines:
        st.subheader(ctx.tr("各年度收到与办理", "Received and handled per year"))
        st.line_chart(years[lines], color=["#1565c0", "#ef6c00"][:len(lines)], x_label=header("report_year", ctx.lang))
    st.subheader(ctx.tr("各年度办理结果", "Outcomes per year"))
    outcomes = df[df["measure"].isin(q.OUTCOME_MEASURES)].copy()
    outcomes["outcome"] = outcomes["measure"].map(lambda m: ctx.label("measure", m))
    _bars_by_year(outcomes, "outcome", ctx, columns=3, with_year=True)
    by_app = load(q.applications_by_applicant, ctx.filters)
    if not by_app.empty:
        st.subheader(ctx.tr("按申请人类型的新收申请", "Received by applicant type"))
        by_app["applicant"] = by_app["applicant_type"].map(lambda a: ctx.label("applicant", a))
        _bars_by_year(by_app, "applicant", ctx, columns=6, header_key="applicant_type")
    st.subheader(ctx.tr("分年度", "Per year"))
    st.dataframe(display(years.reset_index().rename(columns={"report_year": "report_year"}), ctx.lang),
                 hide_index=True, width="stretch")
    with st.expander(ctx.tr("分机构、分年度", "Per agency and year"), expanded=False):
        per_agency = load(q.applications, ctx.filters, by="agency")
        p = _pivot(per_agency, ["agency_name", "report_year"], ctx).reset_index()
        st.dataframe(display(p, ctx.lang), hide_index=True, width="stretch")


def render_review(ctx: Ctx) -> None:
    st.title(ctx.tr("行政复议和行政诉讼", "Review & litigation"))
    st.caption(ctx.tr("因政府信息公开申请引起的行政复议和行政诉讼（表四）：结果维持、纠正、其他结果、尚未审结。",
                      "Administrative reviews and lawsuits about disclosure decisions (table 四): result "
                      "maintained, corrected, other, pending."))
    df = load(q.review_litigation, ctx.filters)
    if empty(df, ctx, "表四数据", "table 四 figures"):
        return

    def total(proc: str, outcome: str):
        sel = df[(df["proceeding"] == proc) & (df["outcome"] == outcome)]["value"]
        return sel.sum() if len(sel) else None

    lit_corrected = sum(v for v in (total("lit_direct", "corrected"), total("lit_after_review", "corrected"))
                        if v is not None)
    metric_row([
        (ctx.tr("行政复议", "Administrative reviews"), fmt_int(total("review", "total")), "行政复议 总计"),
        (ctx.tr("复议结果纠正", "Reviews corrected"), fmt_int(total("review", "corrected")), "行政复议 结果纠正"),
        (ctx.tr("直接起诉", "Lawsuits (direct)"), fmt_int(total("lit_direct", "total")), "行政诉讼 未经复议直接起诉 总计"),
        (ctx.tr("复议后起诉", "Lawsuits (after review)"), fmt_int(total("lit_after_review", "total")), "行政诉讼 复议后起诉 总计"),
        (ctx.tr("诉讼结果纠正", "Lawsuits corrected"), fmt_int(lit_corrected), "行政诉讼 结果纠正"),
    ], per_row=3)
    parts = df[df["outcome"] != "total"].copy()
    procs = [ctx.label("proceeding", p) for p in q.REVIEW_PROCEEDINGS]
    outs = [ctx.label("outcome", o) for o in OUTCOME_COLORS]
    parts["proceeding_label"] = parts["proceeding"].map(lambda p: ctx.label("proceeding", p))
    parts["outcome_label"] = parts["outcome"].map(lambda o: ctx.label("outcome", o))
    parts["outcome_rank"] = parts["outcome"].map({o: i for i, o in enumerate(OUTCOME_COLORS)})
    st.subheader(ctx.tr("各年度结果", "Outcomes per year"))
    st.altair_chart(alt.Chart(parts).mark_bar().encode(
        x=alt.X("report_year:O", title=None),
        y=alt.Y("sum(value):Q", title=ctx.tr("件数", "cases"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("outcome_label:N", legend=alt.Legend(orient="bottom", title=None),
                        scale=alt.Scale(domain=outs, range=list(OUTCOME_COLORS.values())), sort=outs),
        order=alt.Order("outcome_rank:Q"),
        column=alt.Column("proceeding_label:N", title=None, sort=procs),
        tooltip=[alt.Tooltip("report_year:O", title=header("report_year", ctx.lang)),
                 alt.Tooltip("proceeding_label:N", title=header("proceeding", ctx.lang)),
                 alt.Tooltip("outcome_label:N", title=header("outcome", ctx.lang)),
                 alt.Tooltip("value:Q", title=header("value", ctx.lang))],
    ).properties(width=260), width="content")
    st.subheader(ctx.tr("各年度总计", "Totals per year"))
    totals = df[df["outcome"] == "total"].pivot_table(index="report_year", columns="proceeding",
                                                      values="value", aggfunc="sum")
    totals = totals.reindex(columns=[c for c in q.REVIEW_PROCEEDINGS if c in totals.columns])
    totals.columns = [ctx.label("proceeding", c) for c in totals.columns]
    totals.index = totals.index.astype(str)
    st.bar_chart(totals, stack=False, x_label=header("report_year", ctx.lang))
    table = (df.pivot_table(index=["report_year", "proceeding"], columns="outcome", values="value", aggfunc="sum")
             .reindex(columns=list(q.REVIEW_OUTCOMES)).reset_index())
    table["proceeding"] = table["proceeding"].map(lambda p: ctx.label("proceeding", p))
    table.columns = [c if c in ("report_year", "proceeding") else ctx.label("outcome", c) for c in table.columns]
    st.dataframe(display(table, ctx.lang), hide_index=True, width="stretch")
