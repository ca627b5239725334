"""Open-world agencies: reports of agencies in no catalog, on the open-world hosts of ``plan.HOSTS``
(a 江苏 provincial portal and 首都之窗), printed the way real portals print them — other provinces'
naming, a special area, a name only in the page meta, bare short forms (市科委, 市发改委), district and
county governments without their prefecture, an attachment naming only 市工信局.  The truth and the
printed evidence of each agency live in ``open_world.yaml``; see pipelines/demo/README.md.

    add_open_world(corpus)   # appends the reports (after the catalog's: their random streams stay
                             # untouched) and fills corpus.open_world_agencies / missing_open_world
"""
from __future__ import annotations

import hashlib
import random
from functools import lru_cache
from html import escape
from pathlib import Path

import yaml

from . import render_html
from .model import Corpus, DemoDocument, DemoReport
from .plan import HOSTS, TRS_PATH

OPEN_WORLD_FILE = Path(__file__).with_name("open_world.yaml")
LANDING_STATUS = "no_tables"       # what the parser makes of an article shell that only links the file


@lru_cache(maxsize=1)
def _load(path: Path = OPEN_WORLD_FILE) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(yaml.safe_load(f)["agencies"])


def load_open_world() -> list[dict]:
    """The rows of open_world.yaml (copies: callers may not change the cached data)."""
    return [dict(a) for a in _load()]


def open_world_hosts() -> dict[str, object]:
    """Host name → HostPlan of the hosts that carry open-world agencies."""
    return {n: h for n, h in HOSTS.items() if h.division_code}


def agency_years(ag: dict) -> range:
    first, last = ag.get("years") or HOSTS[ag["host"]].years
    return range(first, last + 1)


def _org_code(aid: str) -> str:
    """A nine-digit 组织机构代码 look-alike for the 索引号 (no division code, no name in it)."""
    return f"{int(hashlib.md5(aid.encode()).hexdigest()[:8], 16) % 10**9:09d}"


def _pair(v) -> tuple[str | None, str | None]:
    return (None, None) if v is None else (str(v[0]), str(v[1]))


def _row(ag: dict) -> dict:
    """The agency as ``generator._make_report`` reads it."""
    return {"id": ag["id"], "name": ag["name"], "short_name": ag.get("source", ""), "kind": ag["kind"],
            "admin_level": ag["admin_level"], "sector": ag.get("sector"), "division_code": ag["division_code"],
            "catalogued": False}


def _opts(ag: dict, over: dict, layout: str) -> dict:
    printed = over.get("printed", ag.get("printed", ""))
    opts = {"printed": printed, "body_name": ag.get("body") or printed,
            "signer": over.get("signer", ag.get("signer", printed)),
            "sign_always": bool(over.get("sign_always")),
            "page_agency": {"name": ag.get("publisher") or ag.get("source", ""), "short_name": ag.get("source", ""),
                            "org_code": _org_code(ag["id"])}}
    if over.get("title"):
        opts["title"] = over["title"]
    elif not printed:
        opts["title_noagency"] = True
    if over.get("attach_pdf"):
        opts["attach_pdf"] = True
    if layout not in ("pdf", "docx"):
        return opts
    family = HOSTS[ag["host"]].family
    opts["landing"] = over.get("landing") or ("static" if family == "trs_static" else "downfile")
    return opts


def add_open_world(corpus: Corpus) -> None:
    from .generator import _make_report   # generator imports this module lazily

    seed = corpus.seed
    rng = random.Random(f"openworld:{seed}")       # its own stream: the catalog's draws are unchanged
    agencies = load_open_world()
    for ag in agencies:
        host = ag["host"]
        column = next(iter(HOSTS[host].columns), None)
        cycle = list(ag["layouts"])
        rng.shuffle(cycle)
        prev: DemoReport | None = None
        drawn = 0
        for year in agency_years(ag):
            if year in (ag.get("missing") or []):
                corpus.missing_open_world.append((ag["id"], year))
                prev = None                         # nothing to carry over into the next year
                continue
            over = (ag.get("per_year") or {}).get(year) or {}
            layout = over.get("layout")
            if layout is None:
                layout, drawn = cycle[drawn % len(cycle)], drawn + 1
            rep = _make_report(seed, _row(ag), year, host, column, layout, _opts(ag, over, layout), prev=prev)
            _finish(rep, ag, seed)
            corpus.reports.append(rep)
            prev = rep
    corpus.open_world_agencies = agencies


def _finish(rep: DemoReport, ag: dict, seed: int) -> None:
    """Static file paths on TRS, the landing page as a document, the stated expectations."""
    hp = HOSTS[rep.host]
    prim = rep.primary
    if "landing_static" in rep.flags:               # TRS: the file sits next to its article (./P0….pdf)
        d = rep.published_on
        n = int(hashlib.md5(f"{seed}:{rep.agency_id}:{rep.report_year}".encode()).hexdigest()[:8], 16) % 10**9
        prim.path = f"{TRS_PATH}/{d.year}{d.month:02d}/P0{d:%Y%m%d}{n:09d}.{prim.format}"
    if rep.landing_path is not None:
        rep.documents.append(_landing(rep, ag))
    alone, hinted = _pair(ag.get("expect")), _pair(ag.get("expect_hinted", ag.get("expect")))
    landing = _pair(ag["expect_landing"]) if "expect_landing" in ag else None
    for doc in rep.documents:
        doc.division_hint = hp.division_code
        a, h = (landing, landing) if doc.role == "landing" and landing else (alone, hinted)
        doc.expect_agency_name, doc.expect_division_code = a
        doc.expect_hinted_agency_name, doc.expect_hinted_division_code = h


def _landing(rep: DemoReport, ag: dict) -> DemoDocument:
    """The article page that links a PDF/DOCX report: title, a one-line intro, the link; no tables."""
    hp = HOSTS[rep.host]
    land = ag.get("landing") or {}
    title = land["title"].format(year=rep.report_year) if land.get("title") else rep.title
    if title != rep.title:
        rep.landing_title = title
    source = land.get("source", ag.get("source", ""))
    publisher = land.get("publisher", ag.get("publisher") or source)
    prim = rep.primary
    href = prim.path if hp.family == "hanweb_jcms" else "./" + prim.path.rsplit("/", 1)[-1]
    e = lambda s: escape(s, quote=False)  # noqa: E731
    content = (f'<p style="text-align:center;">{e(title)}</p>\n'
               f"<p>根据《中华人民共和国政府信息公开条例》规定，现公布{e(title)}，全文详见附件。</p>\n"
               f'<p>附件：<a href="{escape(href, quote=True)}" target="_blank">{e(prim.filename)}</a></p>')
    meta = {"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": _column_name(rep.host),
            "ArticleTitle": title, "PubDate": rep._pubtime, "ContentSource": source}
    decl = '<meta charset="utf-8">'
    if hp.family == "hanweb_jcms":
        html = render_html.page_jcms(title=title, meta=meta, content=content, decl=decl, source=source,
                                     publisher=publisher, pub=rep._pubtime,
                                     index_no=f"{_org_code(ag['id'])}/{rep.published_on.year}-{rep.article_id[:6]}")
    else:
        meta["publishdate"] = rep.published_on.isoformat()
        html = render_html.page_trs(title=title, meta=meta, content=content, decl=decl, pub=rep._pubtime,
                                    source=source)
    return DemoDocument("html", "landing", rep.landing_path.rsplit("/", 1)[-1], html.encode("utf-8"), "text/html",
                        "utf-8", "text/html; charset=utf-8", host=rep.host, path=rep.landing_path, role="landing",
                        expect_status=LANDING_STATUS)


def _column_name(host: str) -> str:
    cols = HOSTS[host].columns
    return next(iter(cols.values()))[0] if cols else "政府信息公开年报"
