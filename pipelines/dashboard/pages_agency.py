"""Agency page: search by name or alias; the agency's reports by year (original link and the
archived copy), key figures against the peer group's quartiles, year-on-year changes, and its
quality issues in words."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pipelines.dashboard import archive_copy
from pipelines.dashboard import labels as L
from pipelines.dashboard import queries as q
from pipelines.dashboard import queries_agency as qa
from pipelines.dashboard.common import Ctx, archive_dir_recorded, empty, load, select, warehouse
from pipelines.dashboard.formatting import EMPTY, display, fmt_num, fmt_pct, fmt_signed, fmt_text, header

POSITION = {"below_q1": ("低于同类下四分位", "below the peers' lower quartile"),
            "between": ("处于同类中间一半", "within the middle half of peers"),
            "above_q3": ("高于同类上四分位", "above the peers' upper quartile")}
MIN_PEERS = 3   # fewer peers than this: no position among them


def _pick_agency(ctx: Ctx) -> str | None:
    term = st.text_input(ctx.tr("搜索机构（名称、简称或别名）", "Search an agency (name, short name or alias)"),
                         key="q", bind="query-params",
                         placeholder=ctx.tr("例如：嘉兴市经信局", "e.g. 嘉兴市经信局"))
    if term.strip():
        hits = load(qa.search_agencies, term)
        if hits.empty:
            st.warning(ctx.tr(f"没有名称或别名包含“{term}”的机构。", f"No agency's name or alias contains “{term}”."))
            return None
        st.caption(ctx.tr(f"找到 {len(hits)} 个机构", f"{len(hits)} agencies found"))
        names = dict(zip(hits["agency_id"], hits["agency_name"]))
        matched = dict(zip(hits["agency_id"], hits["matched"]))
    else:
        opts = load(q.filter_options)
        names = dict(zip(opts["agency_id"], opts["agency_name"].fillna(opts["agency_id"])))
        matched = {}

    def fmt(aid: str) -> str:
        m = matched.get(aid)
        return f"{names[aid]}（{m}）" if m and m != names[aid] else names[aid]

    return select(st, ctx.tr("机构", "Agency"), list(names), "agency", format_func=fmt)


def render(ctx: Ctx) -> None:
    st.title(ctx.tr("机构", "Agency"))
    agency_id = _pick_agency(ctx)
    if not agency_id:
        return
    a = load(qa.agency, agency_id)
    if a is None:
        st.info(ctx.tr("未知机构。", "Unknown agency."))
        return
    name = a.get("agency_name") or a.get("agency_as_printed") or agency_id
    st.header(name)
    facts = [ctx.label("sector", a.get("sector")), ctx.label("level", a.get("admin_level")),
             fmt_text(a.get("prefecture_name")), fmt_text(a.get("division_name"))]
    aliases = fmt_text(a.get("aliases")) if "aliases" in a else EMPTY
    st.caption(" · ".join(facts) + (ctx.tr(f" · 别名：{aliases}", f" · aliases: {aliases}") if aliases != EMPTY else ""))
    figures(ctx, agency_id, a)
    reports(ctx, agency_id, name)
    quality(ctx, agency_id)


def figures(ctx: Ctx, agency_id: str, a: dict) -> None:
    df = load(qa.agency_figures, agency_id)
    st.subheader(ctx.tr("关键数据与同类机构比较", "Key figures against peers"))
    st.caption(ctx.tr(
        f"同类机构：同一层级（{ctx.label('level', a.get('admin_level'))}）、同一部门领域"
        f"（{ctx.label('sector', a.get('sector'))}）、同一年度有该数据的机构（含本机构）。"
        "四分位数按这些机构计算；同比变化与本机构上一年度相比。",
        f"Peers: agencies of the same level ({ctx.label('level', a.get('admin_level'))}) and sector "
        f"({ctx.label('sector', a.get('sector'))}) with the figure in the same year (this agency included). "
        "Quartiles are over those; the change is against the agency's previous year."))
    if empty(df, ctx, "该机构的数据", "figures for this agency"):
        return
    years = sorted(df["report_year"].unique().tolist(), reverse=True)
    year = st.selectbox(header("report_year", ctx.lang), years, key="agency_year")
    cur = df[df["report_year"] == year]
    items = []
    for r in cur.itertuples():
        delta = None if pd.isna(r.change) else fmt_signed(r.change)
        peers = ctx.tr(f"同类 {r.n_peers} 个：下四分位 {fmt_num(r.q1)}，中位数 {fmt_num(r.peer_median)}，上四分位 {fmt_num(r.q3)}",
                       f"{r.n_peers} peers: Q1 {fmt_num(r.q1)}, median {fmt_num(r.peer_median)}, Q3 {fmt_num(r.q3)}")
        items.append((ctx.label("measure", r.measure), fmt_num(r.value), peers, delta))
    per_row = 4
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, (label, value, help_text, delta) in zip(cols, items[start:start + per_row]):
            col.metric(label, value, delta=delta, help=help_text, border=True, delta_color="off")
    few = ctx.tr(f"同类机构不足 {MIN_PEERS} 个", f"fewer than {MIN_PEERS} peers")
    positions = [few if n < MIN_PEERS else (L.tr(*POSITION[p], ctx.lang) if p else EMPTY)
                 for n, p in zip(cur["n_peers"], (qa.peer_position(v, lo, hi)
                                                  for v, lo, hi in zip(cur["value"], cur["q1"], cur["q3"])))]
    table = cur.assign(position=positions,
                       change=[fmt_signed(v) for v in cur["change"]], change_pct=[fmt_pct(v) for v in cur["change_pct"]])
    table = table[["measure", "value", "prev_value", "change", "change_pct", "q1", "peer_median", "q3", "n_peers", "position"]]
    st.table(display(table, ctx.lang, codes={"measure": "measure"}).set_index(header("measure", ctx.lang)))

    st.subheader(ctx.tr("历年变化", "Year on year"))
    hist = df.assign(measure_label=df["measure"].map(lambda m: ctx.label("measure", m)))
    pick = [m for m in ("received", "granted", "denied", "total_handled") if m in set(df["measure"])]
    chart = hist[hist["measure"].isin(pick)]
    if not chart.empty:
        st.altair_chart(alt.Chart(chart).mark_line(point=True).encode(
            x=alt.X("report_year:O", title=header("report_year", ctx.lang)),
            y=alt.Y("value:Q", title=header("value", ctx.lang)),
            color=alt.Color("measure_label:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[alt.Tooltip("measure_label:N", title=header("measure", ctx.lang)),
                     alt.Tooltip("report_year:O", title=header("report_year", ctx.lang)),
                     alt.Tooltip("value:Q", title=header("value", ctx.lang), format=",")]), width="stretch")
    wide = df.pivot_table(index="report_year", columns="measure", values="value", aggfunc="sum", dropna=False)
    wide = wide.reindex(columns=[m for m in qa.KEY_MEASURES if m in wide.columns]).sort_index(ascending=False)
    wide.columns = [ctx.label("measure", m) for m in wide.columns]
    st.dataframe(display(wide.reset_index(), ctx.lang), hide_index=True, width="stretch")


def _reader(root, sha):
    return lambda: archive_copy.read_copy(root, sha) or b""


def reports(ctx: Ctx, agency_id: str, name: str) -> None:
    st.subheader(ctx.tr("历年报告", "Reports by year"))
    df = load(qa.agency_reports, agency_id)
    if empty(df, ctx, "报告", "reports"):
        return
    root = archive_copy.archive_root(warehouse(), archive_dir_recorded())
    df = df.assign(archived=[None if archive_copy.is_empty(s) else archive_copy.has_copy(root, s)
                             for s in df["content_sha256"]])
    show = df[["report_year", "status", "title", "source_url", "archived", "published_on", "days_late",
               "parse_status", "source_format", "template_era"]]
    st.dataframe(display(show, ctx.lang, codes={"status": "status", "parse_status": "parse_status",
                                                "source_format": "source_format", "template_era": "era"},
                         keep=("source_url",)),
                 hide_index=True, width="stretch",
                 column_config={header("source_url", ctx.lang): st.column_config.LinkColumn(
                     display_text=ctx.tr("原文", "original"))})
    have = df[df["archived"] == True]  # noqa: E712 (None = no report)
    if have.empty:
        st.caption(ctx.tr(f"存档中没有这些报告的副本（存档目录 {root}）。",
                          f"The archive holds no copy of these reports (archive {root})."))
        return
    st.caption(ctx.tr("存档副本：抓取时保存的原始文件，按内容哈希校验后提供下载（原网页可能已修改或删除）。",
                      "Archived copy: the bytes fetched, checked against their hash before download "
                      "(the original page may have changed or gone)."))
    cols = st.columns(min(len(have), 5))
    for i, r in enumerate(have.itertuples()):
        cols[i % len(cols)].download_button(
            ctx.tr(f"{r.report_year} 年存档副本", f"{r.report_year} archived copy"),
            data=_reader(root, r.content_sha256), file_name=archive_copy.file_name(name, r.report_year, r.source_format),
            mime=archive_copy.mime(r.source_format), key=f"dl_{r.report_id}", icon=":material/download:")


def quality(ctx: Ctx, agency_id: str) -> None:
    st.subheader(ctx.tr("质量问题", "Quality issues"))
    df = load(qa.agency_quality, agency_id)
    if df.empty:
        st.success(ctx.tr("该机构的报告没有记录质量问题。", "No quality issue is recorded for this agency's reports."))
        return
    lines = []
    for r in df.itertuples():
        status = ctx.label("check_status", r.status)
        what = L.check_explanation(r.check_code, ctx.lang)
        head = ctx.tr(f"{L.check_label(r.check_code, 'zh')}（{status}）", f"{L.check_label(r.check_code, 'en')} ({status})")
        lines.append(f"- **{r.report_year}** · {head}{ctx.tr('：', ': ') + what if what else ''}"
                     f"  \n  <small>{ctx.tr('比较内容', 'compared')}: {fmt_text(r.detail)}</small>")
    st.markdown("\n".join(lines), unsafe_allow_html=True)
