"""Procurement: 政府集中采购 as printed in reports on the 2019 template."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pipelines.dashboard import queries as q
from pipelines.dashboard.common import Ctx, empty, load, metric_row
from pipelines.dashboard.formatting import EMPTY, display, fmt_int, fmt_num, header


def render(ctx: Ctx) -> None:
    st.title(ctx.tr("政府集中采购", "Procurement"))
    st.caption(ctx.tr(
        "2019 年版模板报告（2019–2020 年度，以及之后仍用该模板的报告）中的政府集中采购项目数和总金额，"
        "单位为元（716.91万元 → 7,169,100）。",
        "政府集中采购 as printed in the reports on the 2019 template (report years 2019–2020, and any later "
        "report still printed on it): projects and total amount, in yuan (716.91万元 → 7,169,100)."))
    df = load(q.procurement, ctx.filters)
    if empty(df, ctx, "采购数据", "procurement figures"):
        return
    amount = df["amount_cny"].sum(min_count=1)
    metric_row([
        (ctx.tr("采购总金额（元）", "Procurement total (yuan)"), fmt_num(amount),
         ctx.tr("下表各行采购总金额之和，单位元", "采购总金额 in 元, summed over the rows below")),
        (ctx.tr("采购总金额（万元）", "Procurement total (万元)"), EMPTY if pd.isna(amount) else f"{amount / 10000:,.2f}",
         ctx.tr("同上，单位万元", "the same in 万元")),
    ], per_row=2)
    items = [
        (ctx.tr("采购项目数", "Procurement projects"), fmt_int(df["projects"].sum(min_count=1)), "采购项目数量"),
        (ctx.tr("机构·年度", "Agency-years"), fmt_int(len(df)), ctx.tr("有采购表的报告", "reports with a procurement table")),
    ]
    flag = next((c for c in ("is_plausible", "amount_plausible", "plausible") if c in df.columns), None)
    if flag:
        items.append((ctx.tr("金额存疑", "Implausible amounts"), fmt_int((df[flag] == False).sum()),  # noqa: E712
                      ctx.tr("平均每项低于 1000 元等，可能把万元写成了元", "rows the mart flags as implausible")))
    metric_row(items, per_row=3)

    # only rows with an amount to draw, so the legend lists only the years that have a bar (a null or
    # zero amount drew an empty legend entry); the tables below keep every row
    chart_df = df[df["amount_cny"].fillna(0) > 0].assign(year=lambda d: d["report_year"].astype(str))
    if not chart_df.empty:
        years = sorted(chart_df["year"].unique())
        st.subheader(ctx.tr("各机构各年度采购金额（元）", "Amount by agency and year (yuan)"))
        st.altair_chart(alt.Chart(chart_df).mark_bar().encode(
            y=alt.Y("agency_name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(amount_cny):Q", title=ctx.tr("元", "yuan (元)")),
            color=alt.Color("year:N", scale=alt.Scale(domain=years), legend=alt.Legend(orient="top", title=None)),
            yOffset=alt.YOffset("year:N", scale=alt.Scale(domain=years)),
            tooltip=[alt.Tooltip("agency_name:N", title=header("agency_name", ctx.lang)),
                     alt.Tooltip("year:N", title=header("report_year", ctx.lang)),
                     alt.Tooltip("projects:Q", title=header("projects", ctx.lang), format=",d"),
                     alt.Tooltip("amount_cny:Q", title=header("amount_cny", ctx.lang), format=",.2f"),
                     alt.Tooltip("amount_raw:N", title=header("amount_raw", ctx.lang))],
        ), width="stretch", height=max(200, 22 * len(chart_df) + 80))
    st.subheader(ctx.tr("分年度", "By year"))
    by_year = (df.groupby("report_year").agg(projects=("projects", lambda s: s.sum(min_count=1)),
                                            amount_cny=("amount_cny", lambda s: s.sum(min_count=1)),
                                            agencies=("agency_id", "nunique")).reset_index())
    by_year["report_year"] = by_year["report_year"].astype(str)
    st.dataframe(display(by_year, ctx.lang), hide_index=True, width="stretch")
    st.subheader(ctx.tr("明细", "Rows"))
    show = [c for c in ("agency_name", "division_name", "report_year", "projects", "amount_cny", "amount_raw",
                        "projects_raw", "avg_per_project_cny", "is_plausible", "plausibility_note", "source_url")
            if c in df.columns]
    st.dataframe(display(df[show], ctx.lang, keep=("source_url",)), hide_index=True, width="stretch",
                 column_config={header("source_url", ctx.lang): st.column_config.LinkColumn()})
