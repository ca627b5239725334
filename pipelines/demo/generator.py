"""Deterministic synthetic corpus of annual reports with ground truth.

    generate_corpus(seed=0, scale=None) -> Corpus

The default corpus covers every agency of ``pipelines/sources/agencies.yaml`` for report years
2016–2024 (a few agency-years unpublished, see ``Corpus.missing``) in all layouts and eras, then the
open-world agencies of ``open_world.yaml`` (in no catalog, ``Corpus.missing_open_world``); see
docs in ``pipelines/demo/README.md``.  ``scale=N`` makes N HTML reports quickly (benchmarks).

CLI: ``python -m pipelines.demo.generator [--seed S] [--scale N] --out DIR``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import random
from pathlib import Path
from urllib.parse import quote

import yaml

from . import evidence, prose, render_html
from .model import HTML_LAYOUTS, MEDIA_TYPES, Corpus, DemoDocument, DemoReport
from .plan import AGENCY_SITES, HOSTS, REPOST_AGENCIES, REPOST_HOST, TRS_PATH, encoding_for
from .tables import (APPLICANT6, T3_ERAS, V6_ITEMS, V7_ITEMS, Profile, Style, build_pre2019, build_t2, build_t3,
                     build_t4, cross_year_checks, failing_checks, gen_pre2019, gen_t2_2019, gen_t2_2021, gen_t3,
                     gen_t4)

AGENCIES_FILE = Path(__file__).resolve().parents[1] / "sources" / "agencies.yaml"
YEARS = range(2016, 2025)

MISSING = [("jx_sthjj", 2016), ("zs_scjg", 2016), ("nb_jxj", 2017), ("cx_jxj", 2016), ("js_jxj", 2018)]

# hand-placed variants (agency, year) -> options; everything else is drawn from the seed
SPECIAL: dict[tuple[str, int], dict] = {
    ("jx_jxj", 2019): {"title": "市经信局2019年政府信息公开年度报告", "printed": "市经信局",
                       "layout": "html_word", "attach_pdf": True},
    ("jx_jxj", 2018): {"layout": "pdf", "landing": "pdfurl"},
    ("jx_jxj", 2022): {"layout": "pdf", "landing": "downfile"},
    ("jx_gov", 2023): {"layout": "pdf", "landing": "downfile_redirect"},
    ("jx_sthjj", 2020): {"title_noagency": True, "layout": "html_grid"},
    ("hn_jxj", 2020): {"layout": "docx", "landing": "downfile"},
    ("hn_jxj", 2017): {"layout": "doc", "landing": "downfile"},
    ("hn_jxj", 2016): {"layout": "html_grid", "no_tables": True},
    ("zs_scjg", 2017): {"layout": "doc", "landing": "downfile"},
    ("zs_gov", 2019): {"layout": "pdf_image", "landing": "oss"},
    ("cx_gov", 2017): {"layout": "pdf_image", "landing": "downfile"},
    ("cx_jxj", 2021): {"era": "y2019", "published_on": dt.date(2022, 4, 18), "layout": "html_grid"},
    ("jx_fgw", 2021): {"break": "t3_identity", "layout": "html_grid"},
    ("ph_fgj", 2019): {"break": "t4_review", "layout": "html_word"},
    ("zs_jxj", 2020): {"fullwidth": True, "layout": "html_grid"},
    ("zs_jxj", 2019): {"layout": "html_tab_rows", "amount_unit": "元"},
    ("nb_jxj", 2023): {"layout": "pdf", "landing": "oss"},
    ("jx_sthjj", 2018): {"layout": "pdf", "landing": "direct"},
    ("jx_jxj", 2021): {"layout": "html_grid", "attach_pdf": True},
    # deliberate cross-year breaks (everything else carries over from the previous year, see _chain_inputs);
    # no "layout" key, so the layouts drawn for the other reports stay as they are
    ("nb_jxj", 2022): {"xbreak": "v5"},     # 上年结转 (自然人) ≠ last year's 结转下年度 → natural_person + total
    ("zs_scjg", 2023): {"xbreak": "v6"},    # 行政规范性文件 现行有效件数 re-baselined after a clean-up
    ("js_kjj", 2020): {"xbreak": "v7"},     # 行政许可 上一年项目数量 ≠ 2019 上一年项目数量 + 本年增/减
}

LAYOUT_WEIGHTS = {"html_grid": 30, "html_word": 18, "html_flat_cells": 13, "html_tab_rows": 13, "pdf": 16, "docx": 10}


def load_agencies(path: Path = AGENCIES_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)["agencies"]


def era_for_year(year: int) -> str:
    return "pre2019" if year <= 2018 else ("y2019" if year <= 2020 else "y2021")


def _h(*parts) -> str:
    return hashlib.md5(":".join(str(p) for p in parts).encode()).hexdigest()


def name_in_year(agency: dict, year: int) -> str:
    for fn in agency.get("former_names") or []:
        if year <= fn["until_year"]:
            return fn["name"]
    return agency["name"]


def _title(rng: random.Random, name: str, year: int, era: str) -> str:
    forms = [f"{name}{year}年度政府信息公开工作年度报告"] * 5 + [f"{name}{year}年政府信息公开工作年度报告"] * 3 + [
        f"{name}政府信息公开工作年度报告（{year}年度）", f"{name}{year}政府信息公开工作年度报告"]
    if era == "pre2019":
        forms.append(f"{name}{year}年政府信息公开年度报告")
    return forms[rng.randrange(len(forms))]


def _published(rng: random.Random, agency: dict, year: int) -> dt.date:
    if year <= 2018:                      # old regime: by 31 March
        return dt.date(year + 1, 3, rng.randint(5, 31)) if rng.random() < 0.8 else dt.date(year + 1, 2, rng.randint(10, 28))
    if agency.get("kind") == "government":
        return dt.date(year + 1, rng.choice([2, 3]), rng.randint(1, 28))
    if rng.random() < 0.08:               # late
        return dt.date(year + 1, rng.choice([2, 3, 4]), rng.randint(1, 28))
    return dt.date(year + 1, 1, rng.randint(8, 31))


def _profile(rng: random.Random, agency: dict) -> Profile:
    if agency.get("kind") == "government":
        return Profile("government", rng.uniform(12, 25) if agency.get("admin_level") == "prefecture" else rng.uniform(6, 12))
    base = 2.0 if agency.get("admin_level") == "prefecture" else 0.8
    return Profile("department", base * rng.uniform(0.5, 1.5))


def _blocks(rng, *, era, title, agency_name, year, tables, n_items, fee_yuan, contact, no_tables, signature=None):
    b: list[tuple] = [("title", title)]
    if era == "pre2019":
        heads = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况",
                 "四、因政府信息公开申请行政复议、行政诉讼情况", "五、存在的主要问题及改进措施", "六、其他需要报告的事项"]
    else:
        heads = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    b.append(("h", heads[0]))
    b += [("p", p) for p in prose.overview(rng, year, agency_name or "本机关", n_items)]
    b.append(("h", heads[1]))
    if era == "pre2019" or no_tables:
        b.append(("p", prose.pick(rng, prose._ACTIVE) + "做到应公开尽公开。"))
    else:
        b.append(("table", tables["t2"]))
    b.append(("h", heads[2]))
    b.append(("p", prose.request_summary(rng)))
    if era != "pre2019" and not no_tables:
        b.append(("table", tables["t3"]))
    b.append(("h", heads[3]))
    if era != "pre2019" and not no_tables:
        b.append(("table", tables["t4"]))
    else:
        b.append(("p", "本年度未发生因政府信息公开申请提起行政复议、行政诉讼的情况。"))
    b.append(("h", heads[4]))
    b += [("p", p) for p in prose.problems(rng)]
    b.append(("h", heads[5]))
    paras, fee_phrase = prose.other_matters(rng, fee_yuan, contact)
    b += [("p", p) for p in paras]
    if era == "pre2019" and not no_tables:
        b.append(("p", "附：政府信息公开情况统计表"))
        b.append(("table", tables["stat"]))
    if signature:
        b.append(("p", signature[0]))
        b.append(("p", signature[1]))
    return b, fee_phrase


def _chain_inputs(prev: DemoReport | None, era: str) -> tuple[dict | None, dict | None, dict | None]:
    """What year Y inherits from the printed tables of year Y−1 of the same agency (``prev``, or None
    when Y−1 is unpublished): (上年结转 per applicant column (V5), 现行有效件数 per item (V6),
    上一年项目数量 per item (V7)); None where no chain applies (other era, no tables).  Blank and
    '/' cells are only ever printed for zeros, so they carry as 0."""
    if prev is None or not prev.truth:
        return None, None, None
    t = prev.truth

    def n(code: str) -> int:
        v = t[code][0]
        return 0 if v is None else int(v)

    carried = in_force = items = None
    if era in T3_ERAS and prev.era in T3_ERAS:
        carried = {c: n(f"t3_carried_to_next__{c}") for c in APPLICANT6}
    if era == "y2021" and prev.era == "y2021":
        in_force = {i: n(f"t2_{i}_in_force") for i in V6_ITEMS}
    if era == "y2019" and prev.era == "y2019":
        items = {i: n(f"t2_{i}_items_prev_year") + n(f"t2_{i}_items_change") for i in V7_ITEMS}
    return carried, in_force, items


def _apply_xbreak(kind: str | None, carried: dict | None, in_force: dict | None, items: dict | None):
    """Deliberate cross-year break (SPECIAL "xbreak"): change the inherited value, so that the report
    itself stays consistent (V1–V4) but disagrees with the previous year."""
    if kind is None:
        return carried, in_force, items
    if kind == "v5" and carried is not None:
        carried = {**carried, "natural_person": carried["natural_person"] + 3}
    elif kind == "v6" and in_force is not None:
        old = in_force["normative_doc"]
        in_force = {**in_force, "normative_doc": old // 2 if old >= 5 else old + 5}
    elif kind == "v7" and items is not None:
        items = {**items, "license": items["license"] + 4}
    else:
        raise ValueError(f"xbreak {kind!r} needs a previous report of a matching era")
    return carried, in_force, items


def _make_report(seed: int, agency: dict, year: int, host: str, column: int | None, layout: str,
                 opts: dict, *, fast: bool = False, prev: DemoReport | None = None) -> DemoReport:
    """One report.  ``prev`` is the same agency's report of year − 1 (None when unpublished or the
    first year): its printed 结转下年度 / 现行有效件数 / 上一年项目数量 + 本年增减 carry into this one."""
    aid = agency["id"]
    rng = random.Random(f"{seed}:{aid}:{year}")
    era = opts.get("era") or era_for_year(year)
    full_name = name_in_year(agency, year)
    printed = opts.get("printed", full_name)
    if opts.get("title"):
        title = opts["title"]
    elif opts.get("title_noagency"):
        title, printed = f"{year}年政府信息公开工作年度报告", ""
    else:
        title = _title(rng, printed, year, era)     # printed == full_name unless opts say otherwise
    if layout == "pdf_image":
        title += "（图片版）"
    published = opts.get("published_on") or _published(rng, agency, year)
    prof = _profile(rng, agency)
    style = Style(
        fullwidth=opts.get("fullwidth", rng.random() < 0.07),
        blank_zeros=rng.random() < 0.18,
        na_slash=rng.random() < 0.35,
        amount_unit=opts.get("amount_unit", "元" if rng.random() < 0.35 else "万元"),
        cumulative=rng.random() < 0.4,
        pre_blank_rows=rng.random() < 0.3,
    )
    flags = [f for f in ("fullwidth", "blank_zeros", "na_slash") if getattr(style, f)]
    n_items = max(3, int(rng.expovariate(1 / (60 * (1 + prof.scale)))) + 5)
    fee_yuan = rng.choice([50, 120, 300, 1850]) if rng.random() < 0.12 else 0
    truth: dict[str, tuple] = {}
    tables = {}
    no_tables = bool(opts.get("no_tables"))
    if era == "pre2019":
        vals = gen_pre2019(rng, prof, n_items, fee_yuan)
        if style.cumulative:
            flags.append("cumulative_column")
        if not no_tables:
            tables["stat"] = build_pre2019(vals, style, truth, rng)
    else:
        carried, in_force, items = _apply_xbreak(opts.get("xbreak"), *_chain_inputs(prev, era))
        t2 = gen_t2_2019(rng, prof, items) if era == "y2019" else gen_t2_2021(rng, prof, in_force)
        t3 = gen_t3(rng, era, prof, carried)
        t4 = gen_t4(rng, prof)
        if opts.get("fullwidth") and era == "y2019":     # make sure a "－" is printed
            # a decrease of an item the agency has (上一年项目数量 is inherited, V7)
            item = next((i for i in ("license", "penalty", "other_service", "coercion", "fee")
                         if t2[f"t2_{i}_items_prev_year"] >= 1), None)
            if item is None:                              # nothing to decrease: re-baseline (a V7 break)
                item = "license"
                t2["t2_license_items_prev_year"] = 3
            t2[f"t2_{item}_items_change"] = -min(2, int(t2[f"t2_{item}_items_prev_year"]))
        brk = opts.get("break")
        if brk == "t3_identity":        # a year-end carry-over that does not add up
            t3["t3_carried_to_next__natural_person"] += 1
            t3["t3_carried_to_next__total"] += 1
        elif brk == "t4_review":
            t4["t4_review_total"] += 1
        if era == "y2019":
            flags.append("amount_" + ("wan" if style.amount_unit == "万元" else "yuan"))
        if not no_tables:
            tables["t2"] = build_t2(era, t2, style, truth)
            tables["t3"] = build_t3(era, t3, style, truth)
            tables["t4"] = build_t4(t4, style, truth)
    contact = prose.contact_name(rng, gbk_only=encoding_for(aid, year) == "gb2312_header")
    # most reports end with the issuing agency and the date (signature block); open-world opts choose
    # the signer as printed ("signer": None → never signed, "sign_always") — the draw is made either way
    signature = None
    signer = opts.get("signer", full_name)
    if (rng.random() < 0.8 or opts.get("sign_always")) and signer:
        d = published
        signature = (signer, f"{d.year}年{d.month}月{d.day}日")
        flags.append("signature")
    body_name = opts.get("body_name") or printed or full_name
    blocks, fee_phrase = _blocks(rng, era=era, title=title, agency_name=body_name, year=year,
                                 tables=tables, n_items=n_items, fee_yuan=fee_yuan, contact=contact,
                                 no_tables=no_tables, signature=signature)
    narrative = {
        "n_proactive_items_total": (float(n_items), f"{n_items}条", "numeric"),
        "n_info_fee_collected_cny": (float(fee_yuan), fee_phrase if not fee_yuan else f"{fee_yuan}元",
                                     "numeric" if fee_yuan else "zero"),
    }
    expect = "parsed"
    if no_tables:
        expect, truth = "no_tables", {}
    elif layout == "pdf_image":
        expect = "image_only"
    elif layout == "doc":
        expect = "unsupported_format"
    xbreaks = cross_year_checks(prev.truth, prev.era, truth, era) if prev is not None else []
    rep = DemoReport(agency_id=aid, agency_name=agency["name"], agency_as_printed=printed, report_year=year,
                     era=era, title=title, published_on=published, truth=truth, narrative_truth=narrative,
                     expected_failing_checks=failing_checks(truth, era), expected_cross_year_breaks=xbreaks,
                     expect_status=expect, layout=layout,
                     host=host, family=HOSTS[host].family or "", flags=flags,
                     article_id=str(int(_h(seed, aid, year)[:8], 16) % 9000000 + 1000000),
                     division_code=agency.get("division_code"), catalogued=agency.get("catalogued", True))
    rep._blocks = blocks   # kept for re-rendering (reposts); not part of the public API
    rep._pubtime = f"{published.isoformat()} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
    _render_documents(rep, agency, column, opts, rng, seed, fast=fast)
    for doc in rep.documents:       # open_world.py replaces these with the agency's stated truth
        doc.expect_agency_name, doc.expect_division_code = evidence.catalog_expectation(rep, doc, agency, blocks)
    return rep


# --------------------------------------------------------------------------- documents

def _article_path(rep: DemoReport, host: str, column: int | None, article_id: str, seed: int) -> str:
    fam = HOSTS[host].family
    d = rep.published_on
    if fam == "hanweb_jcms":
        return f"/art/{d.year}/{d.month}/{d.day}/art_{column}_{article_id}.html"
    if fam == "hanweb_jpaas":
        return f"/col/col{column}/art/{d.year}/art_{_h(seed, rep.agency_id, rep.report_year, 'jpaas')}.html"
    if fam == "trs_static":
        return f"{TRS_PATH}/{d.year}{d.month:02d}/t{d.year}{d.month:02d}{d.day:02d}_{article_id}.html"
    if fam == "hanweb_xxgk_annual":
        return ""
    raise ValueError(fam)


def xxgk_path(year: int, org_code: str) -> str:
    return f"/module/xxgk/xxgkAnnualReport.jsp?fbtime={year}&area={org_code}"


def downfile_path(hexname: str, ext: str, showname: str) -> str:
    return f"/module/download/downfile.jsp?classid=0&filename={hexname}.{ext}&showname={quote(showname)}"


def oss_path(webid: int, hexname: str, ext: str) -> str:
    return f"/jcms_files/jcms1/web{webid}/site/attach/0/{hexname}.{ext}"


def _html_page(rep: DemoReport, agency: dict, host: str, layout: str, enc: str, attachments: list) -> bytes:
    hp = HOSTS[host]
    fam = hp.family
    content = render_html.render_body(rep._blocks, layout)
    decl = render_html.ENCODINGS[enc][2]
    col_name = "政府信息公开年度报告"
    for _cid, (cname, _u) in hp.columns.items():
        col_name = cname
        break
    meta = {"SiteName": hp.site_name, "SiteIDCode": hp.site_code, "ColumnName": col_name,
            "ArticleTitle": rep.title, "PubDate": rep._pubtime, "ContentSource": agency.get("short_name", "")}
    att = render_html.attachments_html(attachments, fam)
    if fam == "hanweb_jcms":
        html = render_html.page_jcms(title=rep.title, meta=meta, content=content, decl=decl,
                                     source=agency.get("short_name", ""), publisher=agency["name"],
                                     index_no=f"{agency.get('org_code') or agency.get('division_code')}/"
                                              f"{rep.published_on.year}-{rep.article_id[:6]}",
                                     pub=rep._pubtime, attachments=att)
    elif fam == "hanweb_jpaas":
        html = render_html.page_jpaas(title=rep.title, meta=meta, content=content, decl=decl, pub=rep._pubtime,
                                      source=agency.get("short_name", ""), attachments=att)
    elif fam == "trs_static":
        meta["publishdate"] = rep.published_on.isoformat()
        html = render_html.page_trs(title=rep.title, meta=meta, content=content, decl=decl, pub=rep._pubtime,
                                    source=agency.get("short_name", ""), attachments=att)
    else:
        meta["ColumnName"] = "政府信息公开年报"
        html = render_html.page_xxgk(title=rep.title, meta=meta, content=content, decl=decl, pub=rep._pubtime,
                                     attachments=att)
    body, _codec, _ = render_html.encode_page(html, enc)
    return body


def _office_doc(rep: DemoReport, layout: str, seed: int) -> tuple[str, bytes]:
    from . import render_office

    if layout == "pdf":
        return "pdf", render_office.render_pdf(rep._blocks, title=rep.title, author=rep.agency_as_printed)
    if layout == "pdf_image":
        sig = rep._blocks[-2][1] if "signature" in rep.flags else None   # the signer's line (_blocks)
        return "pdf", render_office.render_scanned_pdf(rep._blocks, int(_h(seed, rep.agency_id, rep.report_year)[:8], 16),
                                                       title=rep.title, author=rep.agency_as_printed, signature=sig)
    if layout == "docx":
        return "docx", render_office.render_docx(rep._blocks, title=rep.title, author=rep.agency_as_printed)
    if layout == "doc":
        return "doc", render_office.render_legacy_doc(int(_h(seed, rep.agency_id)[:8], 16), rep.title)
    raise ValueError(layout)


def _render_documents(rep: DemoReport, agency: dict, column, opts, rng, seed, *, fast=False) -> None:
    page_agency = opts.get("page_agency") or agency      # who the page frame names (ContentSource, 发布机构)
    host = rep.host
    hp = HOSTS[host]
    fam = hp.family
    enc = encoding_for(rep.agency_id, rep.report_year)
    art_path = _article_path(rep, host, column, rep.article_id, seed)
    if fam == "hanweb_xxgk_annual":
        art_path = xxgk_path(rep.report_year, agency["org_code"])
    hexname = _h(seed, rep.agency_id, rep.report_year, "file")
    if rep.layout in HTML_LAYOUTS:
        attachments = []
        extra = None
        if opts.get("attach_pdf") or (not fast and opts.get("_auto_attach")):
            fmt, data = _office_doc(rep, "pdf", seed)
            name = rep.title + ".pdf"
            p = downfile_path(hexname, "pdf", name)
            extra = DemoDocument("pdf", "pdf", name, data, MEDIA_TYPES["pdf"], "binary", MEDIA_TYPES["pdf"],
                                 host=host, path=p, role="attachment")
            attachments.append((p, name))
        body = _html_page(rep, page_agency, host, rep.layout, enc, attachments)
        fname = art_path.rsplit("/", 1)[-1].split("?")[0]
        codec, ctype = render_html.ENCODINGS[enc][0], render_html.ENCODINGS[enc][1]
        rep.documents.append(DemoDocument("html", rep.layout, fname, body, "text/html", codec, ctype,
                                          host=host, path=art_path, role="primary",
                                          expect_status=rep.expect_status))
        if extra:
            rep.documents.append(extra)
        if rep.agency_id in REPOST_AGENCIES and rep.report_year >= 2019 and not fast:
            rhost, rcol = REPOST_HOST
            rid = str(int(_h(seed, rep.agency_id, rep.report_year, "repost")[:8], 16) % 9000000 + 1000000)
            d = rep.published_on + dt.timedelta(days=1)
            rpath = f"/art/{d.year}/{d.month}/{d.day}/art_{rcol}_{rid}.html"
            rbody = _html_page(rep, page_agency, rhost, rep.layout, "utf8", [])
            rep.documents.append(DemoDocument("html", rep.layout, rpath.rsplit("/", 1)[-1], rbody, "text/html",
                                              "utf-8", "text/html; charset=utf-8", host=rhost, path=rpath,
                                              role="repost", expect_status=rep.expect_status))
    else:
        fmt, data = _office_doc(rep, rep.layout, seed)
        name = f"{rep.title}.{fmt}"
        landing = opts.get("landing") or ("oss" if fam == "hanweb_jpaas" else
                                          rng.choice(["downfile", "downfile", "oss", "direct"])
                                          if fam == "hanweb_jcms" else "downfile")
        doc = DemoDocument(fmt, rep.layout, name, data, MEDIA_TYPES[fmt], "binary", MEDIA_TYPES[fmt],
                           host=host, path=downfile_path(hexname, fmt, name), role="primary",
                           expect_status=rep.expect_status)
        webid = hp.webid or 1
        if landing == "oss":
            doc.host, doc.path = "oss", oss_path(webid, hexname, fmt)
            doc.oss_path = doc.path
        elif landing == "downfile_redirect":
            doc.oss_path = oss_path(webid, hexname, fmt)
        elif landing == "pdfurl":
            doc.path = f"/module/download/downfile.jsp?filename={hexname}.{fmt}&classid=0"
        rep.documents.append(doc)
        # "direct": the list links the download itself (no article page)
        rep.landing_path = None if landing == "direct" else art_path
        rep.flags.append("landing_" + landing)
    rep.flags.append("enc_" + enc)


# --------------------------------------------------------------------------- corpus

def _assign_layouts(rng: random.Random, keys: list[tuple[str, int]]) -> dict:
    total = sum(LAYOUT_WEIGHTS.values())
    pool: list[str] = []
    for lay, w in LAYOUT_WEIGHTS.items():
        pool += [lay] * max(3, round(len(keys) * w / total))
    while len(pool) < len(keys):
        pool.append("html_grid")
    rng.shuffle(pool)
    return dict(zip(keys, pool))


def generate_corpus(seed: int = 0, scale: int | None = None) -> Corpus:
    """Build the demo corpus. Same seed → byte-identical documents and truth."""
    agencies = load_agencies()
    if scale is not None:
        return _scale_corpus(seed, int(scale), agencies)
    rng = random.Random(f"corpus:{seed}")
    by_id = {a["id"]: a for a in agencies}
    keys = [(a["id"], y) for a in agencies for y in YEARS if (a["id"], y) not in MISSING]
    regular = [k for k in keys if "layout" not in SPECIAL.get(k, {})]
    layouts = _assign_layouts(rng, regular)
    reports = []
    last: dict[str, DemoReport] = {}          # agency -> its latest report (keys are in year order per agency)
    for aid, year in keys:
        opts = dict(SPECIAL.get((aid, year), {}))
        layout = opts.get("layout") or layouts[(aid, year)]
        host, column = AGENCY_SITES[aid]
        if layout in HTML_LAYOUTS and "attach_pdf" not in opts and rng.random() < 0.1:
            opts["_auto_attach"] = True
        prev = last.get(aid)
        if prev is not None and prev.report_year != year - 1:
            prev = None                        # Y−1 unpublished: nothing to carry over
        rep = _make_report(seed, by_id[aid], year, host, column, layout, opts, prev=prev)
        last[aid] = rep
        reports.append(rep)
    from .open_world import add_open_world      # appended after the catalog's reports and random streams

    corpus = Corpus(seed=seed, reports=reports, missing=list(MISSING), agencies=agencies)
    add_open_world(corpus)
    from .copies import add_copies               # own random stream: the reports above are unchanged

    add_copies(corpus)
    return corpus


BENCH_HOSTS = [("jiaxing_portal", 1229708661), ("nb_jxj", 1229001001), ("cixi_trs", None)]


def _scale_corpus(seed: int, n: int, agencies: list[dict]) -> Corpus:
    gc_was_enabled = gc.isenabled()
    gc.disable()              # many long-lived small objects: full collections would dominate
    try:
        return _scale_corpus_inner(seed, n, agencies)
    finally:
        if gc_was_enabled:
            gc.enable()


def _scale_corpus_inner(seed: int, n: int, agencies: list[dict]) -> Corpus:
    reports = []
    used: dict[str, dict] = {}
    ny = len(YEARS)
    for i in range(n):
        idx, year = divmod(i, ny)
        year += YEARS[0]
        if idx < len(agencies) and agencies[idx]["id"] in AGENCY_SITES and \
                HOSTS[AGENCY_SITES[agencies[idx]["id"]][0]].family != "hanweb_xxgk_annual":
            ag = agencies[idx]
            host, column = AGENCY_SITES[ag["id"]]
        else:
            k = idx + 1
            ag = {"id": f"bench_{k:04d}", "name": f"示范市第{k}经济和信息化局", "short_name": f"第{k}经信局",
                  "kind": "department", "admin_level": "county", "division_code": "330000", "catalogued": False}
            host, column = BENCH_HOSTS[idx % len(BENCH_HOSTS)]
        used[ag["id"]] = ag
        layout = HTML_LAYOUTS[i % len(HTML_LAYOUTS)]
        prev = reports[-1] if year > YEARS[0] else None       # same agency, year − 1
        rep = _make_report(seed, ag, year, host, column, layout, {}, fast=True, prev=prev)
        del rep._blocks           # only needed to render reposts/attachments, which scale mode has none of
        reports.append(rep)
    return Corpus(seed=seed, reports=reports, missing=[], agencies=list(used.values()))


# --------------------------------------------------------------------------- CLI

from .export import truth_json, write_corpus  # noqa: E402,F401  (the CLI's files; kept importable from here)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m pipelines.demo.generator")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=int, default=None)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    import time
    t = time.perf_counter()
    corpus = generate_corpus(a.seed, a.scale)
    t_gen = time.perf_counter() - t
    n = write_corpus(corpus, a.out)
    extra = f" (+ {len(corpus.copies)} text copies)" if corpus.copies else ""
    print(f"{len(corpus.reports)} reports{extra}, {n} documents generated in {t_gen:.2f}s -> {a.out}")


if __name__ == "__main__":
    main()
