"""Coverage: who published a report for which year (found, late, missing, unparseable)."""
from __future__ import annotations

import altair as alt
import streamlit as st

from pipelines.dashboard import queries as q
from pipelines.dashboard.common import Ctx, empty, load, metric_row
from pipelines.dashboard.formatting import display, fmt_int, header

STATUS_COLORS = {"found": "#2e7d32", "late": "#f9a825", "missing": "#c62828", "unparseable": "#6a1b9a"}


def render(ctx: Ctx) -> None:
    st.title(ctx.tr("发布情况", "Coverage"))
    st.caption(ctx.tr(
        "每个机构每个报告年度：已按时**发布**、发布但**逾期**（晚于《政府信息公开条例》规定的期限）、"
        "**未找到**，或找到但**无法解析**。",
        "Every agency × report year: a report **found** (on time), found but **late** (published after "
        "the deadline of 《政府信息公开条例》), **missing**, or found but **unparseable**."))
    df = load(q.coverage, ctx.filters)
    if empty(df, ctx, "机构年度", "agency-years"):
        return
    s = q.summarize_coverage(df)
    metric_row([
        (ctx.tr("机构·年度", "Agency-years"), fmt_int(s["agency_years"]),
         ctx.tr("所选范围内的机构数 × 报告年度数", "agencies × report years in the filter")),
        (ctx.tr("已发布", "Found"), fmt_int(s["found"]), ctx.tr("有可读的报告（按时或逾期）", "a readable report exists (on time or late)")),
        (ctx.tr("逾期发布", "Late"), fmt_int(s["late"]), ctx.tr("晚于法定期限发布", "published after the deadline")),
        (ctx.tr("未找到", "Missing"), fmt_int(s["missing"]), ctx.tr("没有找到报告", "no report found")),
        (ctx.tr("无法解析", "Unparseable"), fmt_int(s["unparseable"]),
         ctx.tr("找到了文件，但读不出表格", "found, but the parser could not read its tables")),
    ])
    statuses = list(STATUS_COLORS)
    names = [ctx.label("status", s) for s in statuses]
    chart_df = df.assign(status_label=df["status"].map(lambda s: ctx.label("status", s)),
                         days_late=df["days_late"].astype("Float64"))
    agency_order = df.drop_duplicates("agency_id")["agency_name"].tolist()
    heat = alt.Chart(chart_df).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("report_year:O", title=header("report_year", ctx.lang)),
        y=alt.Y("agency_name:N", title=None, sort=agency_order, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("status_label:N", scale=alt.Scale(domain=names, range=list(STATUS_COLORS.values())),
                        legend=alt.Legend(orient="top", title=None)),
        tooltip=[alt.Tooltip(c, title=header(c.split(":")[0].replace("status_label", "status"), ctx.lang))
                 for c in ("agency_name:N", "division_name:N", "report_year:O", "status_label:N", "days_late:Q")],
    )
    st.subheader(ctx.tr("机构 × 年度", "Agency × year"))
    st.altair_chart(heat, width="stretch", height=max(220, 30 * len(agency_order) + 120))

    st.subheader(ctx.tr("各年度状态", "Status per year"))
    per_year = (df.pivot_table(index="report_year", columns="status", values="agency_id", aggfunc="count",
                               fill_value=0).reindex(columns=statuses, fill_value=0))
    per_year.index = per_year.index.astype(str)
    per_year.columns = names
    st.bar_chart(per_year, color=list(STATUS_COLORS.values()), x_label=header("report_year", ctx.lang),
                 y_label=ctx.tr("机构数", "agencies"))

    with st.expander(ctx.tr("表格：机构 × 年度", "Table: agency × year"), expanded=False):
        keys = ["prefecture_name", "division_name", "agency_name"]
        grid = (df.assign(**{k: df[k].fillna("—") for k in keys},
                          status=df["status"].map(lambda s: ctx.label("status", s)))
                .pivot_table(index=keys, columns="report_year", values="status", aggfunc="first", fill_value="—"))
        grid.index.names = [header(k, ctx.lang) for k in keys]
        grid.columns = [str(c) for c in grid.columns]
        st.dataframe(grid, width="stretch")
    gaps = df[df["status"] != "found"][["agency_name", "division_name", "report_year", "status", "days_late",
                                        "parse_status", "source_url"]]
    st.subheader(ctx.tr("未找到、无法解析或逾期", "Not found, unparseable or late"))
    if not empty(gaps, ctx, "缺失或逾期的报告", "gaps"):
        st.dataframe(display(gaps, ctx.lang, codes={"status": "status", "parse_status": "parse_status"},
                             keep=("source_url",)),
                     hide_index=True, width="stretch",
                     column_config={header("source_url", ctx.lang): st.column_config.LinkColumn()})
