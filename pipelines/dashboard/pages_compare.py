"""Comparison view: one measure in one report year, grouped by city, county or sector."""
from __future__ import annotations

import altair as alt
import streamlit as st

from pipelines.dashboard import queries_agency as qa
from pipelines.dashboard.common import Ctx, empty, load, metric_row, select
from pipelines.dashboard.formatting import EMPTY, display, fmt_int, fmt_num, header


def measure_label(ctx: Ctx, m: str) -> str:
    return ctx.label("measure", m) if m in qa.MEASURES else ctx.label("metric", m)


def render(ctx: Ctx) -> None:
    st.title(ctx.tr("对比", "Compare"))
    st.caption(ctx.tr(
        "选择一项指标和一个报告年度，按设区市、县（市、区）或部门领域汇总各机构的数值。侧栏的地区和领域筛选同样适用；"
        "年度以本页选择为准。空白单元格不计为 0。",
        "Pick a figure and a report year: the agencies' values summed by city, county or sector. The sidebar's "
        "place and sector filters apply; the year is the one chosen here. Blank cells are not counted as 0."))
    options = load(qa.measure_options)
    c1, c2, c3 = st.columns([3, 1, 2])
    measure = select(c1, ctx.tr("指标", "Figure"), options, "measure", format_func=lambda m: measure_label(ctx, m))
    years = load(qa.measure_years, measure)
    if not years:
        st.info(ctx.tr("这项指标没有数据。", "No values for this figure."))
        return
    year = select(c2, header("report_year", ctx.lang), years, "cmp_year")
    group_by = select(c3, ctx.tr("分组", "Group by"), list(qa.GROUP_COLUMNS), "group_by", radio=True,
                      format_func=lambda g: ctx.label("group_by", g))
    df = load(qa.compare, measure, int(year), group_by, ctx.filters)
    if empty(df, ctx, "数据", "values"):
        return
    if group_by == "sector":
        df["group"] = df["group"].map(lambda s: ctx.label("sector", s) if s is not None else s)
    df["group"] = df["group"].fillna(ctx.tr("（省级机关，无设区市）", "(province level, no city)")
                                     if group_by == "prefecture_name" else EMPTY)
    metric_row([
        (ctx.tr("合计", "Total"), fmt_num(df["total"].sum(min_count=1)), measure_label(ctx, measure)),
        (ctx.tr("有数据的机构", "Agencies with a value"), fmt_int(df["agencies"].sum()), str(year)),
        (ctx.tr("分组数", "Groups"), fmt_int(len(df)), ctx.label("group_by", group_by)),
    ])
    st.subheader(f"{measure_label(ctx, measure)} · {year}")
    st.altair_chart(alt.Chart(df).mark_bar(color="#1565c0").encode(
        y=alt.Y("group:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
        x=alt.X("total:Q", title=ctx.tr("合计", "total")),
        tooltip=[alt.Tooltip("group:N", title=ctx.label("group_by", group_by)),
                 alt.Tooltip("total:Q", title=header("total", ctx.lang), format=","),
                 alt.Tooltip("agencies:Q", title=header("agencies", ctx.lang)),
                 alt.Tooltip("median:Q", title=header("median", ctx.lang), format=",")]),
        width="stretch", height=max(160, 28 * len(df) + 70))
    table = display(df[["group", "agencies", "total", "median", "mean", "min", "max"]], ctx.lang)
    table.columns = [ctx.label("group_by", group_by), *table.columns[1:]]
    st.table(table.set_index(table.columns[0]))
