"""The open world of the demo: agencies in no catalog on a 江苏 portal and a Beijing site, printed as
the SPEC case table says (and with nothing more to go on), with their truth, registry and hosts."""
from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest
import yaml
from lxml import html as lhtml

from pipelines.demo.evidence import UNREADABLE, catalog_expectation
from pipelines.demo.generator import load_agencies
from pipelines.demo.model import DemoDocument
from pipelines.demo.open_world import agency_years, load_open_world
from pipelines.demo.plan import HOSTS, PER_PAGE

# (title, or the landing page's title) -> (canonical name, division) of the case table (/tmp/ow/SPEC.md)
CASES = {
    "江苏省人民政府办公厅2021年政府信息公开工作年度报告": ("江苏省人民政府办公厅", "320000"),
    "上海市人民政府办公厅2020年度政府信息公开工作年度报告": ("上海市人民政府办公厅", "310000"),
    "平潭综合实验区管委会2019年政府信息公开工作年度报告": ("平潭综合实验区管理委员会", "350128"),
    "平潭综合实验区2022年政府信息公开工作年度报告": ("平潭综合实验区管理委员会", "350128"),
    "市科委2021年政府信息公开工作年度报告": ("上海市科学技术委员会", "310000"),
    "洪泽区人民政府2020年政府信息公开工作年度报告": ("淮安市洪泽区人民政府", "320813"),
    "沭阳县人民政府2021年政府信息公开工作年度报告": ("沭阳县人民政府", "321322"),
    "2022年政府信息公开工作年度报告": ("苏州市生态环境局", "320500"),
    "深圳市南山区人民政府2020年政府信息公开工作年度报告": ("深圳市南山区人民政府", "440305"),
    "朝阳区人民政府2021年政府信息公开工作年度报告": ("北京市朝阳区人民政府", "110105"),
    "市发改委2019年政府信息公开工作年度报告": ("南京市发展和改革委员会", "320100"),
    "徐州市工业和信息化局2021年政府信息公开工作年度报告": ("徐州市工业和信息化局", "320300"),
}
OW_LAYOUTS = {"html_grid", "html_word", "html_tab_rows", "pdf", "docx"}


@pytest.fixture(scope="module")
def ow(demo_corpus):
    return [r for r in demo_corpus.reports if not r.catalogued]


def _by(ow, aid):
    reps = [r for r in ow if r.agency_id == aid]
    assert reps, aid
    return reps


def _page(doc) -> tuple[str, str, str]:
    """(whole page, report body inside the content container, page outside it) of an HTML document."""
    text = doc.body.decode(doc.encoding)
    tree = lhtml.fromstring(text)
    box = tree.xpath('//div[@id="zoom"] | //div[@class="TRS_Editor"]')[0]
    body = box.text_content()
    box.getparent().remove(box)
    return text, body, lhtml.tostring(tree, encoding=str)


def _file_text(doc) -> str:
    """Every text of a PDF / DOCX a reader sees: the text layer or paragraphs and the properties."""
    if doc.format == "pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(doc.body)) as pdf:
            return "\n".join([p.extract_text() or "" for p in pdf.pages] + [str(v) for v in pdf.metadata.values()])
    import docx

    d = docx.Document(io.BytesIO(doc.body))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    props = d.core_properties
    return "\n".join([p.text for p in d.paragraphs] + cells + [props.title or "", props.author or ""])


def _all_text(doc) -> str:
    return doc.body.decode(doc.encoding) if doc.format == "html" else _file_text(doc)


# ----------------------------------------------------------------------------- truth

def test_no_open_world_agency_is_catalogued():
    catalog = load_agencies()
    known = {a["id"] for a in catalog}
    names = {n for a in catalog for n in [a["name"], a.get("short_name"), *(a.get("aliases") or []),
                                          *(f["name"] for f in a.get("former_names") or [])] if n}
    for ag in load_open_world():
        assert ag["id"].startswith("ow_") and ag["id"] not in known
        for n in (ag["name"], ag.get("printed"), ag.get("body"), ag.get("source"), ag.get("publisher")):
            if n and not n.startswith(("市", "县", "区", "省", "本")):     # placed names: none is the catalog's
                assert n not in names, (ag["id"], n)
    # a bare form may be a catalog alias too — 市发改委 is also 嘉兴's: the body's 南京市… must win over it
    assert "市发改委" in names and "市工信局" not in names and "市科委" not in names


def test_open_world_reports_follow_the_catalog_ones(demo_corpus, ow):
    flags = [r.catalogued for r in demo_corpus.reports]
    assert flags == sorted(flags, reverse=True)              # appended after: the catalog's streams untouched
    assert 30 <= len(ow) <= 45
    assert {r.agency_id for r in ow} == {a["id"] for a in demo_corpus.open_world_agencies}


def test_truth_fields(demo_corpus, ow):
    catalog = {a["id"]: a for a in load_agencies()}
    rows = {a["id"]: a for a in load_open_world()}
    for r in demo_corpus.reports:
        assert re.fullmatch(r"\d{6}", r.division_code or ""), r.key
        if r.catalogued:
            assert r.agency_id in catalog and r.division_code == catalog[r.agency_id]["division_code"]
            assert r.agency_name == catalog[r.agency_id]["name"]
            continue
        row = rows[r.agency_id]
        assert (r.agency_name, r.division_code) == (row["name"], row["division_code"])
        assert r.host == row["host"] and r.report_year in agency_years(row)
        assert r.division_code[:2] == {"ow_sh_bgt": "31", "ow_sh_kw": "31", "ow_pt_gwh": "35", "ow_sz_ns": "44",
                                       "ow_bj_cy": "11"}.get(r.agency_id, "32")
        for d in r.documents:
            assert d.division_hint == HOSTS[r.host].division_code
    # the case table, exactly: each row is a report (or its landing page) with that truth
    titles = {(r.landing_title or r.title): (r.agency_name, r.division_code) for r in ow}
    for title, truth in CASES.items():
        assert titles.get(title) == truth, title


def test_missing_agency_years(demo_corpus, ow):
    published = {r.key for r in ow}
    expected = {(a["id"], y) for a in load_open_world() for y in agency_years(a) if (a["id"], y) not in published}
    assert set(demo_corpus.missing_open_world) == expected
    assert 2 <= len(expected) <= 4 and not published & set(demo_corpus.missing_open_world)
    assert not {a for a, _y in demo_corpus.missing} & {a for a, _y in expected}      # Corpus.missing: catalog only
    for aid, year in expected:                                                         # deliberate gaps
        assert year in next(a for a in load_open_world() if a["id"] == aid)["missing"]


def test_eras_layouts_and_chains(ow):
    assert {r.era for r in ow} == {"pre2019", "y2019", "y2021"}
    layouts = Counter(r.layout for r in ow)
    assert set(layouts) == OW_LAYOUTS and min(layouts.values()) >= 2, layouts
    assert all(r.expect_status == "parsed" and r.truth for r in ow)
    assert not any(r.expected_failing_checks or r.expected_cross_year_breaks for r in ow)
    roles = Counter(d.role for r in ow for d in r.documents)
    assert roles["landing"] >= 5 and roles["attachment"] >= 1 and "repost" not in roles


def test_document_expectations(ow):
    for r in ow:
        for d in r.documents:
            if r.agency_id == "ow_xz_gxj":        # the attachment names only 市工信局, its landing page the agency
                want = (r.agency_name, r.division_code) if d.role == "landing" else (None, None)
                assert (d.expect_agency_name, d.expect_division_code) == want
                assert (d.expect_hinted_agency_name, d.expect_hinted_division_code) == want
            elif r.agency_id == "ow_bj_cy":       # 朝阳区: Beijing or Changchun — only the source's division says
                assert (d.expect_agency_name, d.expect_division_code) == (None, None)
                assert (d.expect_hinted_agency_name, d.expect_hinted_division_code) == ("北京市朝阳区人民政府", "110105")
            else:
                assert (d.expect_agency_name, d.expect_division_code) == (r.agency_name, r.division_code)
                assert (d.expect_hinted_agency_name, d.expect_hinted_division_code) == (r.agency_name, r.division_code)


def test_catalog_expectations(demo_corpus):
    n = 0
    for r, d in demo_corpus.documents():
        if not r.catalogued:
            continue
        if d.expect_status in UNREADABLE:
            assert (d.expect_agency_name, d.expect_division_code) == (None, None)
        else:                                      # every catalog document prints a placed name at seed 0
            assert (d.expect_agency_name, d.expect_division_code) == (r.agency_name, r.division_code)
            n += 1
        assert d.division_hint is None
    assert n >= 140
    # a bare 市经信局 with nothing placed in the file stays unresolved; a signature with the full name resolves it
    rep = demo_corpus.report("jx_jxj", 2019)
    agency = next(a for a in load_agencies() if a["id"] == "jx_jxj")
    doc = DemoDocument("pdf", "pdf", "x.pdf", b"", "application/pdf", "binary", role="attachment")
    bare = [("title", rep.title), ("p", "2019年，市经信局坚持依法公开。")]
    assert catalog_expectation(rep, doc, agency, bare) == (None, None)
    signed = bare + [("p", "嘉兴市经济和信息化局"), ("p", "2020年1月9日")]
    assert catalog_expectation(rep, doc, agency, signed) == ("嘉兴市经济和信息化局", "330400")


# ----------------------------------------------------------------------------- the evidence on the pages

def test_meta_only_agency_is_only_in_the_page_meta(ow):
    for r in _by(ow, "ow_sz_sthjj"):
        assert r.title == f"{r.report_year}年政府信息公开工作年度报告" and r.agency_as_printed == ""
        assert all(d.format == "html" for d in r.documents)
        text, body, outside = _page(r.primary)
        assert "本机关" in body
        for part in ("苏州", "生态环境", "环境局"):
            assert part not in body, (r.key, part)
        assert '<meta name="ContentSource" content="苏州市生态环境局">' in text
        assert "<td>发布机构：</td><td>苏州市生态环境局</td>" in text
        # the meta tag, the 发布机构 cell and the 信息来源 line: nowhere else (not the title, not the body)
        assert text.count("苏州市生态环境局") == outside.count("苏州市生态环境局") == 3
        assert "苏州" not in lhtml.fromstring(text).findtext(".//title")


def test_short_forms_with_a_fuller_mention_in_the_body(ow):
    for aid, short, fuller, full, place in (("ow_sh_kw", "市科委", "上海市科委", "上海市科学技术委员会", "上海"),
                                            ("ow_nj_fgw", "市发改委", "南京市发展和改革委员会", None, "南京")):
        for r in _by(ow, aid):
            assert r.title.startswith(short) and r.agency_as_printed == short
            text, body, outside = _page(r.primary)
            assert fuller in body
            assert f'<meta name="ContentSource" content="{short}">' in text and f"<td>{short}</td>" in text
            assert place not in outside                       # the place only where the body mentions it
            assert body.count(place) == body.count(fuller)
            if full:
                assert full not in text


def test_attachment_names_only_the_bare_short_form(ow):
    reps = _by(ow, "ow_xz_gxj")
    assert {r.primary.format for r in reps} == {"pdf", "docx"}
    for r in reps:
        assert r.title.startswith("市工信局") and r.agency_as_printed == "市工信局"
        assert r.landing_title == f"徐州市工业和信息化局{r.report_year}年政府信息公开工作年度报告"
        text = _file_text(r.primary)
        assert "市工信局" in text
        for part in ("徐州", "工业和信息化局", "江苏"):
            assert part not in text and part not in r.primary.filename, (r.key, part)
        landing = next(d for d in r.documents if d.role == "landing")
        assert landing.expect_status == "no_tables" and landing.path == r.landing_path
        page = landing.body.decode("utf-8")
        assert f"<title>{r.landing_title}</title>" in page and "<td>发布机构：</td><td>徐州市工业和信息化局</td>" in page
        assert page.count("<table") == page.count('<table class="xxgk_top"') == 1       # a shell: no report tables
        assert f'href="{r.primary.path.replace("&", "&amp;")}"' in page and len(page) < 4000


def test_places_that_are_printed_nowhere(ow):
    """洪泽区 without 淮安, 朝阳区 without 北京, 平潭 without 福建, the other provinces without 江苏."""
    for aid, absent in (("ow_ha_hz", ("淮安",)), ("ow_bj_cy", ("北京", "长春")), ("ow_pt_gwh", ("福建",)),
                        ("ow_sq_sy", ("宿迁",)), ("ow_sh_bgt", ("江苏",)), ("ow_sz_ns", ("江苏", "广东"))):
        for r in _by(ow, aid):
            for d in r.documents:
                if d.format == "html":
                    _text, body, _outside = _page(d)
                else:
                    body = _file_text(d)
                for place in absent:
                    assert place not in body, (r.key, d.role, place)
    for r in _by(ow, "ow_bj_cy"):                            # nor in the page frame of 首都之窗
        for d in r.documents:
            text = _all_text(d)
            assert "北京" not in text and r.title in text and "朝阳区人民政府" in text


def test_special_area_titles_and_signature(ow):
    reps = {r.report_year: r for r in _by(ow, "ow_pt_gwh")}
    assert reps[2019].agency_as_printed == "平潭综合实验区管委会"
    r = reps[2022]
    assert r.agency_as_printed == "平潭综合实验区" and "signature" in r.flags
    _text, body, _outside = _page(r.primary)
    assert "平潭综合实验区管理委员会" in body                  # the signature
    assert "平潭综合实验区管理委员会" not in r.title


def test_full_names_are_printed_as_they_are(ow):
    for aid in ("ow_js_bgt", "ow_sh_bgt", "ow_sz_ns", "ow_sq_sy"):
        for r in _by(ow, aid):
            assert r.title.startswith(r.agency_name) and r.agency_as_printed == r.agency_name
            for d in r.documents:
                assert r.agency_name in _all_text(d)


# ----------------------------------------------------------------------------- registry and hosts

def test_registry_entries_for_the_open_world_hosts(demo_server):
    from pipelines.sources.registry import load_registry

    raw = {s["id"]: s for s in yaml.safe_load(demo_server.registry_path.read_text(encoding="utf-8"))["sources"]}
    loaded = {s.id: s for s in load_registry(demo_server.registry_path).sources}
    assert set(raw) == set(loaded)
    for sid, family, division, years in (("jiangsu_portal_reports", "hanweb_jcms", "320000", [2019, 2022]),
                                         ("beijing_portal_reports", "trs_static", "110000", [2017, 2021])):
        s = raw[sid]
        assert s["family"] == family and s["agency"] is None and "agencies" not in s["options"]
        assert s["division_code"] == division and s["years"] == years
        assert loaded[sid].division_code == division and loaded[sid].years == tuple(years)
        assert loaded[sid].agency is None
        assert httpx.get(s["entry_url"]).status_code == 200
    for sid, s in raw.items():              # the catalog's sources say no division of their own
        if sid not in ("jiangsu_portal_reports", "beijing_portal_reports"):
            assert "division_code" not in s and "years" not in s


def test_jiangsu_column_pages(demo_server, ow):
    base = demo_server.base_urls["jiangsu_portal"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
    col = next(iter(HOSTS["jiangsu_portal"].columns))
    page = httpx.get(f"{base}/col/col{col}/index.html").text
    assert "<title>政府信息公开年度报告</title>" in page
    total = int(re.search(r'"totalRecord": (\d+)', page).group(1))
    assert total > 2 * PER_PAGE                               # three list pages
    titles = []
    for p in range(1, 4):
        r = httpx.get(f"{base}/module/jpage/dataproxy.jsp?page={p}&appid=1&webid=3201&path=/&columnid={col}"
                      "&unitid=7800101&permissiontype=0")
        titles += re.findall(r'title="([^"]+)"', r.text)
    assert len(titles) == total
    listed = {r.landing_title or r.title for r in ow if r.host == "jiangsu_portal"}
    assert listed <= set(titles)
    assert "徐州市工业和信息化局2021年政府信息公开工作年度报告" in titles


def test_open_world_urls_serve_their_documents(demo_server, ow):
    index = demo_server.truth_index()
    with httpx.Client(timeout=10, follow_redirects=True) as c:
        for r in ow:
            for d in r.documents:
                assert d.urls and all(re.match(r"http://127\.0\.0\.1:\d+/", u) for u in d.urls)
                for u in d.urls:
                    got = c.get(u)
                    assert got.status_code == 200 and got.content == d.body, u
                    e = index[u]
                    assert (e.agency_id, e.report_year, e.role, e.expect_status) == (r.agency_id, r.report_year, d.role,
                                                                                      d.expect_status)
                    assert (e.agency_name, e.division_code, e.catalogued) == (r.agency_name, r.division_code, False)
            if r.landing_path:
                assert r.urls[0] == demo_server.base_urls[r.host] + r.landing_path
    # TRS: the landing page links the file next to it (./P0….docx)
    rep = next(r for r in ow if r.host == "beijing_portal" and r.landing_path)
    landing = next(d for d in rep.documents if d.role == "landing").body.decode("utf-8")
    name = rep.primary.path.rsplit("/", 1)[-1]
    assert re.fullmatch(r"P0\d{17}\.(pdf|docx)", name) and f'href="./{name}"' in landing
    lst = httpx.get(demo_server.base_urls["beijing_portal"] + "/zwgk/ndbg/index.html").text
    assert "createPageHTML(" in lst and rep.landing_path.rsplit("/", 2)[-2] in lst


def test_open_world_catalog_data_is_consistent():
    rows = load_open_world()
    path = Path(__file__).resolve().parents[3] / "pipelines" / "demo" / "open_world.yaml"
    assert rows == yaml.safe_load(path.read_text(encoding="utf-8"))["agencies"]
    for a in rows:
        assert a["kind"] in ("government", "office", "department", "special_area")
        assert a["admin_level"] in ("province", "prefecture", "county")
        assert set(a["layouts"]) <= OW_LAYOUTS and HOSTS[a["host"]].division_code
        assert re.fullmatch(r"\d{6}", a["division_code"])
        level = "province" if a["division_code"][2:] == "0000" else (
            "prefecture" if a["division_code"][4:] == "00" else "county")
        assert a["admin_level"] == level, a["id"]
