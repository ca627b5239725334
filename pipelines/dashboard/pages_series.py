"""Comparable series across template eras (marts.mart_comparable_series)."""
from __future__ import annotations

import altair as alt
import streamlit as st

from pipelines.dashboard import queries_agency as qa
from pipelines.dashboard.common import Ctx, empty, load, metric_row, select
from pipelines.dashboard.formatting import display, fmt_int, fmt_num, header


def render(ctx: Ctx) -> None:
    st.title(ctx.tr("跨模板可比序列", "Series across templates"))
    st.caption(ctx.tr(
        "2019 年版和 2021 年版模板中含义相同的数据连成一条序列（如行政许可处理决定数）。"
        "两版定义不同的地方（2019 年“本年新制作数量”与 2021 年“本年制发件数”）标有提示，请谨慎比较。",
        "Figures of the 2019 and 2021 templates that measure the same thing, joined into one series (e.g. licence "
        "decisions). Where the two templates define them differently (2019 本年新制作 vs 2021 本年制发) a caveat says so."))
    df = load(qa.comparable_series, ctx.filters)
    if empty(df, ctx, "可比序列", "comparable series"):
        return
    groups = list(dict.fromkeys(df["comparable_group"]))
    group = select(st, header("comparable_group", ctx.lang), groups, "series",
                   format_func=lambda g: ctx.label("series", g))
    sel = df[df["comparable_group"] == group].copy()
    sel["measure_label"] = sel["measure"].map(lambda m: ctx.label("measure", m))
    sel["era_label"] = sel["era"].map(lambda e: ctx.label("era", e) if e is not None else "—")
    measures = list(dict.fromkeys(sel["measure"]))
    metric_row([(f"{ctx.label('series', group)} · {ctx.label('measure', m)}",
                 fmt_num(sel.loc[sel["measure"] == m, "value"].sum(min_count=1)),
                 ctx.tr("所选年度合计", "sum over the selected years")) for m in measures]
               + [(ctx.tr("报告数", "Reports"), fmt_int(sel.groupby("measure")["reports"].sum().max()), None)])
    for m in measures:
        part = sel[sel["measure"] == m]
        st.subheader(f"{ctx.label('series', group)} · {ctx.label('measure', m)}")
        st.altair_chart(alt.Chart(part).mark_bar().encode(
            x=alt.X("report_year:O", title=header("report_year", ctx.lang)),
            y=alt.Y("sum(value):Q", title=ctx.label("measure", m)),
            color=alt.Color("era_label:N", title=header("era", ctx.lang), legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("report_year:O", title=header("report_year", ctx.lang)),
                     alt.Tooltip("era_label:N", title=header("era", ctx.lang)),
                     alt.Tooltip("value:Q", title=header("value", ctx.lang), format=","),
                     alt.Tooltip("reports:Q", title=header("reports", ctx.lang))]), width="stretch")
    caveats = sorted({c for cs in sel["caveat"].dropna() for c in cs.split(" | ")})
    if caveats:
        st.warning(ctx.tr("可比性提示：", "Caveats: ") + "；".join(caveats), icon=":material/warning:")
    table = sel[["report_year", "era", "measure", "reports", "with_value", "value", "caveat"]]
    st.dataframe(display(table, ctx.lang,
                         codes={"era": "era", "measure": "measure"}), hide_index=True, width="stretch")
