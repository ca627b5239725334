"""govreports dashboard — a read-only Streamlit view of the warehouse's `marts` schema.

    make dashboard        # = .venv/bin/streamlit run pipelines/dashboard/app.py --server.address 127.0.0.1

Reads the snapshot `<warehouse>.dashboard.duckdb` that the pipeline publishes after each
successful dbt build (pipelines/dashboard/snapshot.py), else the warehouse `GOVREPORTS_DUCKDB`
(default data/warehouse.duckdb) read-only. Chinese by default, English from the sidebar
(`?lang=en`). The pages live in pages_*.py; labels in labels.csv.
"""
from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run pipelines/dashboard/app.py` puts this file's folder, not the project, on sys.path.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from pipelines.dashboard import (pages_agency, pages_applications, pages_compare, pages_coverage,  # noqa: E402
                                 pages_procurement, pages_quality, pages_series)
from pipelines.dashboard import queries as q  # noqa: E402
from pipelines.dashboard.common import Ctx, footer, language, sidebar_filters  # noqa: E402

# (render, 中文 title, English title, url path, icon)
PAGES = [
    (pages_coverage.render, "发布情况", "Coverage", "coverage", ":material/grid_on:"),
    (pages_agency.render, "机构", "Agency", "agency", ":material/account_balance:"),
    (pages_compare.render, "对比", "Compare", "compare", ":material/bar_chart:"),
    (pages_applications.render_applications, "依申请公开", "Applications", "applications", ":material/inbox:"),
    (pages_applications.render_review, "复议诉讼", "Review & litigation", "review", ":material/gavel:"),
    (pages_procurement.render, "政府采购", "Procurement", "procurement", ":material/payments:"),
    (pages_series.render, "可比序列", "Series", "series", ":material/timeline:"),
    (pages_quality.render, "质量检查", "Quality", "quality", ":material/fact_check:"),
]


def _explain(exc: Exception, ctx: Ctx) -> None:
    if isinstance(exc, q.WarehouseBusy):
        st.warning(ctx.tr("流水线正在写入数据仓库，暂时无法读取（尚未发布快照）——请一分钟后重试。",
                          "The pipeline is writing to the warehouse right now (and no snapshot is published "
                          "yet), so it cannot be read — retry in a minute."), icon=":material/hourglass_top:")
        st.button(ctx.tr("重试", "Retry"), on_click=st.cache_data.clear)
    elif isinstance(exc, q.WarehouseMissing):
        st.info(ctx.tr(f"还没有数据仓库：请先运行 `make demo` 或 `govreports run`。\n\n{exc}", str(exc)),
                icon=":material/info:")
    else:
        st.info(str(exc), icon=":material/info:")


def _guarded(render, box: dict):
    def run() -> None:
        ctx = Ctx(box["filters"], box["lang"])
        try:
            render(ctx)
        except q.WarehouseError as exc:
            _explain(exc, ctx)
        footer(ctx)
    run.__name__ = f"page_{render.__module__.rsplit('.', 1)[-1]}_{render.__name__}"
    return run


def main() -> None:
    st.set_page_config(page_title="govreports — 政府信息公开年报", page_icon=":material/description:",
                       layout="wide")
    lang = language()
    box: dict = {"lang": lang, "filters": q.Filters()}
    nav = st.navigation([st.Page(_guarded(fn, box), title=en if lang == "en" else zh, url_path=path, icon=icon,
                                 default=i == 0)
                         for i, (fn, zh, en, path, icon) in enumerate(PAGES)])
    try:
        box["filters"] = sidebar_filters(lang)
    except q.WarehouseError as exc:
        ctx = Ctx(box["filters"], lang)
        st.title(nav.title)
        _explain(exc, ctx)
        footer(ctx)
        return
    nav.run()


main()
