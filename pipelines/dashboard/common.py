"""What every page shares: where the data comes from (the snapshot, else the warehouse), cached
read-only queries, the language, the sidebar filters, cards and the footer."""
from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines.dashboard import labels as L
from pipelines.dashboard import queries as q
from pipelines.dashboard.formatting import fmt_int
from pipelines.dashboard.snapshot import snapshot_for
from pipelines.warehouse.db import warehouse_path

CACHE_TTL_S = 60
FOOTER_MARKER = "govreports ·"   # the footer is the page's last element: the script ran to the end


@dataclass(frozen=True)
class Ctx:
    filters: q.Filters
    lang: str

    def tr(self, zh: str, en: str) -> str:
        return L.tr(zh, en, self.lang)

    def label(self, kind: str, code) -> str:
        return L.label(kind, code, self.lang)


# ------------------------------------------------------------------------------------------------
# Data source

def warehouse() -> Path:
    return warehouse_path()


def data_path() -> Path:
    """The published snapshot of the warehouse when there is one, else the warehouse itself."""
    wh = warehouse()
    return snapshot_for(wh) or wh


def _stamp(path: Path) -> int | None:
    """The file's mtime: a new snapshot (or rebuilt warehouse) invalidates the cache at once."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=500)
def _cached(module: str, name: str, path: str, stamp: int | None, args: tuple, kwargs: tuple):
    fn = getattr(importlib.import_module(module), name)
    args = tuple(q.Filters.from_tuple(a[1]) if isinstance(a, tuple) and a[:1] == ("__filters__",) else a
                 for a in args)
    return fn(*args, path=path, **dict(kwargs))


def load(fn, *args, **kwargs):
    """`fn(*args, path=<data file>, **kwargs)`, cached per data file version."""
    path = data_path()
    args = tuple(("__filters__", a.as_tuple()) if isinstance(a, q.Filters) else a for a in args)
    return _cached(fn.__module__, fn.__name__, str(path), _stamp(path), args, tuple(sorted(kwargs.items())))


def freshness() -> dict:
    return load(q.data_as_of)


def archive_dir_recorded() -> str | None:
    try:
        return freshness().get("archive_dir")
    except q.WarehouseError:
        return None


# ------------------------------------------------------------------------------------------------
# Widgets

def metric_row(items: list[tuple[str, str, str | None]], per_row: int | None = None) -> None:
    """st.metric cards (the figures as text, which the browser test reads), `per_row` to a row."""
    per_row = per_row or len(items)
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, (label, value, help_text) in zip(cols, items[start:start + per_row]):
            col.metric(label, value, help=help_text, border=True)


def empty(df: pd.DataFrame | None, ctx: Ctx, what_zh: str, what_en: str) -> bool:
    if df is None or df.empty:
        st.info(ctx.tr(f"所选范围内没有{what_zh}。", f"No {what_en} for the selected filters."))
        return True
    return False


def as_of_text(ctx: Ctx) -> str:
    try:
        f = freshness()
    except q.WarehouseError:
        return ""
    when = f["as_of"].strftime("%Y-%m-%d %H:%M") + " UTC" if f.get("as_of") is not None else "—"
    return ctx.tr(f"数据更新于 {when}", f"data as of {when}")


def footer(ctx: Ctx) -> None:
    st.divider()
    path = data_path()
    kind = ""
    try:
        f = freshness()
        kind = ctx.tr("（快照，构建期间照常可用）", " (snapshot: stays up during builds)") if f["is_snapshot"] \
            else ctx.tr("（只读打开数据仓库）", " (warehouse, read-only)")
        if f.get("stale"):
            kind += ctx.tr(" · 数据仓库在快照之后有更新，下次构建成功后发布新快照",
                           " · the warehouse changed after this snapshot; the next successful build publishes a new one")
    except q.WarehouseError:
        pass
    st.caption(f"{FOOTER_MARKER} {as_of_text(ctx)} · {path.name}{kind} · "
               + ctx.tr(f"结果缓存最多 {CACHE_TTL_S} 秒 · 页面生成于 ", f"results cached up to {CACHE_TTL_S} s · rendered ")
               + dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"))


# ------------------------------------------------------------------------------------------------
# Widget state in the URL by code (`bind="query-params"` would put the formatted label there, which
# changes with the language): ?lang=en&sector=industry_it&measure=received&agency=<id>

def from_url(key: str, options, multi: bool = False) -> None:
    """Before a widget with `key` is created: take its first value in this session from the URL."""
    if key in st.session_state:
        return
    if multi:
        wanted = set(st.query_params.get_all(key))
        vals = [o for o in options if str(o) in wanted]
        if vals:
            st.session_state[key] = vals
        return
    v = st.query_params.get(key)
    match = next((o for o in options if str(o) == v), None)
    if match is not None:
        st.session_state[key] = match


def to_url(key: str, value, default=None) -> None:
    """After the widget: keep the URL in step with it (the default is left out)."""
    if value is None or (isinstance(value, (list, tuple)) and not value) or value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)


def select(container, label: str, options: list, key: str, *, radio: bool = False, **kw):
    """A selectbox (or horizontal radio) whose value is kept in the URL as its code."""
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
    from_url(key, options)
    widget = container.radio if radio else container.selectbox
    value = widget(label, options, key=key, **({"horizontal": True} if radio else {}), **kw)
    to_url(key, value, options[0] if options else None)
    return value


# ------------------------------------------------------------------------------------------------
# Sidebar

def language() -> str:
    return select(st.sidebar, "语言 / Language", list(L.LANGS), "lang", radio=True,
                  format_func=lambda x: {"zh": "中文", "en": "English"}[x])


def sidebar_filters(lang: str) -> q.Filters:
    ctx = Ctx(q.Filters(), lang)
    agencies: pd.DataFrame = load(q.filter_options)
    bounds = load(q.year_bounds)
    sb = st.sidebar
    sb.header(ctx.tr("筛选", "Filters"))
    cities = sorted(agencies["prefecture_name"].dropna().unique().tolist())
    sel_cities = sb.multiselect(ctx.tr("设区市", "City (地级市)"), cities, key="city", bind="query-params",
                                placeholder=ctx.tr("全部设区市", "all cities"))
    pool = agencies[agencies["prefecture_name"].isin(sel_cities)] if sel_cities else agencies
    counties = sorted(set(pool["division_name"].dropna()) | set(st.session_state.get("county") or []))
    sel_counties = sb.multiselect(ctx.tr("县（市、区）", "County / district (县区)"), counties, key="county",
                                  bind="query-params", placeholder=ctx.tr("全部县区", "all counties"))
    sectors = sorted(agencies["sector"].dropna().unique().tolist())
    from_url("sector", sectors, multi=True)
    sel_sectors = sb.multiselect(ctx.tr("部门领域", "Sector (部门)"), sectors, key="sector",
                                 format_func=lambda s: L.label("sector", s, lang),
                                 placeholder=ctx.tr("全部领域", "all sectors"))
    to_url("sector", sel_sectors)
    year_from = year_to = None
    if bounds:
        lo, hi = bounds
        if lo < hi:
            year_from, year_to = sb.slider(ctx.tr("报告年度", "Report years"), lo, hi, (lo, hi), key="years",
                                           bind="query-params")
        else:
            sb.caption(ctx.tr(f"报告年度：{lo}", f"Report year: {lo}"))
    sb.caption(ctx.tr(f"共 {fmt_int(len(agencies))} 个机构", f"{fmt_int(len(agencies))} agencies in the warehouse"))
    sb.caption(as_of_text(ctx))
    return q.Filters(tuple(sel_cities), tuple(sel_counties), tuple(sel_sectors), year_from, year_to)
