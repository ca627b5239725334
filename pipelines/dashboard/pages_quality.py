"""Quality: the checks reports fail, named and explained in words."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pipelines.dashboard import labels as L
from pipelines.dashboard import queries as q
from pipelines.dashboard.common import Ctx, empty, load, metric_row
from pipelines.dashboard.formatting import display, fmt_int, header


def explained(df: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    """check_code → `check` (its name) and `explanation` (what it compares)."""
    out = df.copy()
    out["check"] = [L.check_label(c, ctx.lang) for c in out["check_code"]]
    out["explanation"] = [L.check_explanation(c, ctx.lang) for c in out["check_code"]]
    return out


def per_family(failed: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    """Failed checks per check family (t3_identity, v5_carried_over …): issues and reports."""
    fam = failed.assign(family=failed["check_code"].str.split("__").str[0])
    out = (fam.groupby("family").agg(issues=("check_code", "size"), reports=("report_id", "nunique"))
           .reset_index().sort_values(["issues", "family"], ascending=[False, True]))
    out["check"] = [L.check_label(f, ctx.lang) for f in out["family"]]
    return out


def render(ctx: Ctx) -> None:
    st.title(ctx.tr("质量检查", "Quality"))
    st.caption(ctx.tr(
        "报告未通过的检查：模板自带的勾稽关系（表三合计、表四合计）和跨年度衔接（本年“上年结转”应等于上年"
        "“结转下年”）。数值不会因为检查未通过而被修改。",
        "Checks a report fails: the rules the templates carry themselves (table 三's totals, table 四's sums) "
        "and cross-year checks (carried over = last year's carried to next). Values are never changed because of them."))
    df = load(q.quality_issues, ctx.filters)
    if empty(df, ctx, "质量问题", "quality issues"):
        return
    s = q.summarize_quality(df)
    metric_row([
        (ctx.tr("质量问题", "Quality issues"), fmt_int(s["issues"]), ctx.tr("报告 × 未通过的检查", "report × failed check")),
        (ctx.tr("有问题的报告", "Reports with issues"), fmt_int(s["reports"]),
         ctx.tr("至少一项检查未通过的报告", "reports failing at least one check")),
        (ctx.tr("未通过的检查项", "Checks failing"), fmt_int(s["checks"]), ctx.tr("不同的检查项", "distinct checks")),
        (ctx.tr("无法判断", "Not assessable"), fmt_int(s["not_assessable"]),
         ctx.tr("单元格空白等原因无法判断的检查", "checks the parser could not evaluate (blank cells …)")),
    ], per_row=4)
    failed = df[df["status"] == "fail"]
    if not failed.empty:
        st.subheader(ctx.tr("各类检查未通过次数", "Failed checks per kind of check"))
        fam = per_family(failed, ctx)
        top = int(fam["issues"].max())
        st.altair_chart(alt.Chart(fam).mark_bar(color="#c62828").encode(
            y=alt.Y("check:N", title=None, sort=fam["check"].tolist(), axis=alt.Axis(labelLimit=400)),
            # counts are precomputed (no aggregation in the chart); the axis runs from 0 to the largest count
            x=alt.X("issues:Q", title=ctx.tr("未通过次数", "failed checks"),
                    scale=alt.Scale(domain=[0, max(top, 1)], nice=True),
                    axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[alt.Tooltip("check:N", title=header("check", ctx.lang)),
                     alt.Tooltip("issues:Q", title=header("issues", ctx.lang)),
                     alt.Tooltip("reports:Q", title=header("reports", ctx.lang))]),
            width="stretch", height=max(160, 34 * len(fam) + 70))
        with st.expander(ctx.tr("各检查项的说明", "What each check compares"), expanded=True):
            st.markdown("\n".join(f"- **{r.check}** — {L.check_explanation(r.family, ctx.lang)}"
                                  for r in fam.itertuples()))
    st.subheader(ctx.tr("全部检查记录", "All checks recorded"))
    ordered = explained(df, ctx).assign(_fail=df["status"] != "fail").sort_values(
        ["_fail", "report_year", "agency_name"], ascending=[True, False, True], kind="stable")
    show = [c for c in ("agency_name", "report_year", "check", "status", "severity", "detail", "source_url")
            if c in ordered.columns]
    st.dataframe(display(ordered[show], ctx.lang, codes={"status": "check_status", "severity": "severity"},
                         keep=("source_url",)),
                 hide_index=True, width="stretch",
                 column_config={header("source_url", ctx.lang): st.column_config.LinkColumn()})
    st.subheader(ctx.tr("有未通过检查的报告", "Reports with failed checks"))
    if failed.empty:
        st.info(ctx.tr("所选范围内没有未通过检查的报告。", "No report fails a check for the selected filters."))
        return
    per_report = (failed.groupby(["report_id", "agency_name", "report_year", "source_url"], dropna=False)
                  .agg(checks=("check_code", lambda c: "、".join(sorted({L.check_label(x, ctx.lang) for x in c}))),
                       n=("check_code", "size"))
                  .reset_index().sort_values(["report_year", "agency_name"], ascending=[False, True]))
    limit = 200
    lines = []
    for r in per_report.head(limit).itertuples():
        name = f"{r.agency_name} {r.report_year}"
        link = f"[{name}]({r.source_url})" if isinstance(r.source_url, str) and r.source_url else name
        lines.append(ctx.tr(f"- {link} — {r.n} 项未通过：{r.checks}", f"- {link} — {r.n} failed: {r.checks}"))
    st.markdown("\n".join(lines))
    if len(per_report) > limit:
        st.caption(ctx.tr(f"…… 另有 {len(per_report) - limit} 份报告（见上表）。",
                          f"… and {len(per_report) - limit} more reports (see the table above)."))
