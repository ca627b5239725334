"""Agency identity from the evidence (pipelines/parse/agency_resolve.py): every case of the shared
spec's case table, the bugs of issue 11, the catalog, ambiguity, special areas and markup — on small
synthetic documents built here (a text report, an HTML page with meta tags and xxgk labels, a DOCX)."""
from __future__ import annotations

import io
from html import escape

import pytest

from pipelines.parse import parse_document, parse_path
from pipelines.parse.agencies import canonical, expand_short, has_place
from pipelines.parse.agency_names import clean, parse_name

AGENCY_KEYS = ("agency_name", "agency_as_printed", "agency_division_code", "agency_kind", "agency_admin_level",
               "agency_sector", "agency_confidence", "agency_evidence")
BODY = ["一、总体情况", "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息。",
        "二、主动公开政府信息情况", "本年度按要求完成各项任务。"]


def text_doc(title: str, *, body: list[str] | None = None, signature: list[str] | None = None, **kw) -> dict:
    lines = [title, *(body if body is not None else BODY), *(signature or [])]
    return parse_document("\n".join(lines).encode("utf-8"), filename="report.txt", **kw)


def html_doc(title: str, *, body: list[str] | None = None, meta: dict | None = None, labels: dict | None = None,
             signature: list[str] | None = None, **kw) -> dict:
    metas = "".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in (meta or {}).items())
    xxgk = "".join(f"<tr><td>{k}：</td><td>{escape(v)}</td></tr>" for k, v in (labels or {}).items())
    paras = "".join(f"<p>{escape(x)}</p>" for x in [*(body if body is not None else BODY), *(signature or [])])
    page = (f"<html><head><meta charset='utf-8'><title>{escape(title)}</title>{metas}</head><body>"
            f"<table class='xxgk'>{xxgk}</table><div id='zoom'><h1>{escape(title)}</h1>{paras}</div></body></html>")
    return parse_document(page.encode("utf-8"), filename="art.html", **kw)


def docx_doc(lines: list[str], **kw) -> dict:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return parse_document(buf.getvalue(), filename="report.docx", **kw)


def who(out: dict) -> tuple:
    return out["agency_name"], out["agency_division_code"]


def agency_warnings(out: dict) -> list[str]:
    return [w for w in out["warnings"] if w.startswith(("agency", "--agency", "division hint"))]


# --------------------------------------------------------------------------- the spec's case table

def test_province_office():
    out = text_doc("江苏省人民政府办公厅2021年政府信息公开工作年度报告")
    assert who(out) == ("江苏省人民政府办公厅", "320000")
    assert (out["agency_kind"], out["agency_admin_level"], out["agency_sector"]) == ("office", "province",
                                                                                  "general_government")
    assert out["agency_confidence"] == 1.0
    assert out["agency_evidence"] == [{"field": "title", "text": "江苏省人民政府办公厅"}]


def test_municipality_office_is_not_rewritten():
    out = text_doc("上海市人民政府办公厅2020年度政府信息公开工作年度报告")
    assert who(out) == ("上海市人民政府办公厅", "310000")  # issue 11: was 上海市人民人民政府办公室公厅
    assert out["agency_as_printed"] == "上海市人民政府办公厅"
    assert out["agency_admin_level"] == "province"


def test_special_area_committee_short_form():
    out = text_doc("平潭综合实验区管委会2019年政府信息公开工作年度报告")
    assert who(out) == ("平潭综合实验区管理委员会", "350128")
    assert out["agency_kind"] == "special_area"
    assert out["agency_as_printed"] == "平潭综合实验区管委会"


def test_special_area_named_bare_in_the_title_signed_in_full():
    out = text_doc("平潭综合实验区2022年政府信息公开工作年度报告",
                   signature=["平潭综合实验区管理委员会", "2023年1月10日"])
    assert who(out) == ("平潭综合实验区管理委员会", "350128")
    assert out["agency_as_printed"] == "平潭综合实验区"
    assert not agency_warnings(out)


def test_special_area_is_never_its_province():
    # issue 11: 平潭综合实验区's reports became 福建省人民政府 (the portal's site name)
    out = html_doc("平潭综合实验区2022年政府信息公开工作年度报告", meta={"SiteName": "福建省人民政府"})
    assert who(out) == ("平潭综合实验区管理委员会", "350128")


def test_bare_level_takes_the_city_from_a_fuller_mention():
    out = text_doc("市科委2021年政府信息公开工作年度报告",
                   body=["一、总体情况", "2021年，上海市科委认真贯彻落实《条例》，市科委网站主动公开信息。"])
    assert who(out) == ("上海市科学技术委员会", "310000")
    assert out["agency_as_printed"] == "市科委"
    assert {"field": "body", "text": "上海市科委"} in out["agency_evidence"]
    assert out["agency_confidence"] < 1.0


@pytest.mark.parametrize("division", [None, "320800", "320000"])
def test_district_gets_its_prefecture(division):
    out = text_doc("洪泽区人民政府2020年政府信息公开工作年度报告", division=division)
    assert who(out) == ("淮安市洪泽区人民政府", "320813")
    assert (out["agency_kind"], out["agency_admin_level"]) == ("government", "county")
    assert not agency_warnings(out)


def test_county_stands_alone():
    out = text_doc("沭阳县人民政府2021年政府信息公开工作年度报告")
    assert who(out) == ("沭阳县人民政府", "321322")
    assert out["agency_confidence"] == 1.0


@pytest.mark.parametrize("how", ["meta", "labels"])
def test_named_only_in_the_page_meta(how):
    page = {"meta": {"ContentSource": "苏州市生态环境局"}} if how == "meta" else {"labels": {"发布机构": "苏州市生态环境局"}}
    out = html_doc("2022年政府信息公开工作年度报告", **page)
    assert who(out) == ("苏州市生态环境局", "320500")
    assert out["agency_as_printed"] is None  # the document itself prints no agency
    assert out["agency_sector"] == "environment"
    assert out["agency_evidence"][0]["field"] == ("meta_source" if how == "meta" else "meta_publisher")


def test_district_with_its_city():
    out = text_doc("深圳市南山区人民政府2020年政府信息公开工作年度报告")
    assert who(out) == ("深圳市南山区人民政府", "440305")


@pytest.mark.parametrize("division, want", [
    ("110000", ("北京市朝阳区人民政府", "110105")),
    ("220100", ("长春市朝阳区人民政府", "220104")),
])
def test_ambiguous_district_resolved_by_the_division_hint(division, want):
    out = text_doc("朝阳区人民政府2021年政府信息公开工作年度报告", division=division)
    assert who(out) == want
    assert {"field": "division_hint", "text": division} in out["agency_evidence"]


def test_ambiguous_district_without_evidence_stays_open():
    out = text_doc("朝阳区人民政府2021年政府信息公开工作年度报告")
    assert who(out) == (None, None)
    assert out["agency_as_printed"] == "朝阳区人民政府"
    assert out["agency_confidence"] is None
    warned = agency_warnings(out)
    assert len(warned) == 1 and "朝阳区" in warned[0] and "110105" in warned[0] and "220104" in warned[0]


def test_ambiguous_district_resolved_by_a_mention_of_its_city():
    out = text_doc("朝阳区人民政府2021年政府信息公开工作年度报告",
                   body=["一、总体情况", "按照长春市政务公开工作要点，本机关主动公开政府信息。"])
    assert who(out) == ("长春市朝阳区人民政府", "220104")


def test_bare_development_commission_with_a_full_mention():
    out = text_doc("市发改委2019年政府信息公开工作年度报告",
                   body=["一、总体情况", "南京市发展和改革委员会认真贯彻落实《条例》。"])
    assert who(out) == ("南京市发展和改革委员会", "320100")
    assert out["agency_sector"] == "development_reform"


def test_attachment_naming_only_a_bare_bureau_and_its_landing_page():
    attachment = docx_doc(["市工信局2021年政府信息公开工作年度报告", *BODY])
    assert who(attachment) == (None, None)
    assert attachment["agency_as_printed"] == "市工信局"
    assert any(w.startswith("agency unresolved: 市工信局") for w in attachment["warnings"])
    landing = html_doc("徐州市工业和信息化局2021年政府信息公开工作年度报告",
                       body=["现公布本机关2021年度报告，全文详见附件。"])
    assert who(landing) == ("徐州市工业和信息化局", "320300")
    assert landing["agency_sector"] == "industry_it"
    # the source's jurisdiction places the attachment too
    assert who(docx_doc(["市工信局2021年政府信息公开工作年度报告", *BODY], division="320300")) == (
        "徐州市工业和信息化局", "320300")


# --------------------------------------------------------------------------- markup, catalog, hints

@pytest.mark.parametrize("title, name, printed", [
    ("# 沭阳县人民政府2021年政府信息公开工作年度报告", "沭阳县人民政府", "沭阳县人民政府"),
    ("#沐阳县人民政府2021年政府信息公开工作年度报告", "沭阳县人民政府", "沐阳县人民政府"),  # the misprint
    ("**江苏省人民政府办公厅**2021年政府信息公开工作年度报告", "江苏省人民政府办公厅", "江苏省人民政府办公厅"),
])
def test_markup_is_no_part_of_a_name(title, name, printed):
    out = text_doc(title)
    assert out["agency_name"] == name
    assert out["agency_as_printed"] == printed


def test_catalog_alias_placed_by_the_body():
    out = text_doc("市经信局2019年政府信息公开年度报告",
                   body=["一、总体情况", "“嘉兴市经信局”微信公众号推送信息128期。"])
    assert who(out) == ("嘉兴市经济和信息化局", "330400")
    assert out["agency_admin_level"] == "prefecture"


def test_catalog_former_name():
    out = text_doc("嘉兴市经济和信息化委员会2017年政府信息公开年度报告")
    assert who(out) == ("嘉兴市经济和信息化局", "330400")
    assert {"field": "catalog", "text": "嘉兴市经济和信息化局"} in out["agency_evidence"]
    assert out["agency_as_printed"] == "嘉兴市经济和信息化委员会"


def test_catalog_bare_alias_without_any_place_stays_open():
    # 市发改委 is an alias of 嘉兴市发展和改革委员会 in the catalog, but nothing here says 嘉兴
    out = text_doc("市发改委2019年政府信息公开工作年度报告")
    assert who(out) == (None, None)


def test_agency_hint_wins_and_a_difference_is_reported():
    out = text_doc("沭阳县人民政府2021年政府信息公开工作年度报告", agency="淮安市洪泽区人民政府")
    assert who(out) == ("淮安市洪泽区人民政府", "320813")
    assert out["agency_evidence"][0] == {"field": "hint", "text": "淮安市洪泽区人民政府"}
    assert "--agency 淮安市洪泽区人民政府 differs from the document's 沭阳县人民政府" in out["warnings"]


def test_bare_agency_hint_takes_its_place_from_the_document():
    body = ["一、总体情况", "“平湖市经信局”微信公众号推送信息。"]
    assert who(text_doc("2021年政府信息公开工作年度报告", body=body, agency="市经信局")) == (
        "平湖市经济和信息化局", "330482")
    out = text_doc("2021年政府信息公开工作年度报告", agency="市经信局")
    assert who(out) == (None, None)  # never 市经济和信息化局
    assert any(w.startswith("agency unresolved: --agency 市经信局") for w in out["warnings"])


def test_division_hint_that_contradicts_the_document_is_a_conflict():
    out = text_doc("沭阳县人民政府2021年政府信息公开工作年度报告", division="320800")
    assert who(out) == ("沭阳县人民政府", "321322")  # what the document prints wins over the context
    assert any(w.startswith("agency evidence conflicts:") for w in out["warnings"])
    assert out["agency_confidence"] <= 0.5


def test_conflicting_signature_is_reported():
    out = text_doc("上海市人民政府办公厅2020年度政府信息公开工作年度报告",
                   signature=["上海市科学技术委员会", "2021年1月20日"])
    assert out["agency_name"] == "上海市人民政府办公厅"
    conflicts = [w for w in out["warnings"] if w.startswith("agency evidence conflicts:")]
    assert conflicts == ["agency evidence conflicts: title 上海市人民政府办公厅 vs signature 上海市科学技术委员会"]
    assert out["agency_confidence"] <= 0.5


def test_a_government_signed_by_its_office_is_no_conflict():
    out = text_doc("沭阳县人民政府2021年政府信息公开工作年度报告", signature=["沭阳县人民政府办公室", "2022年3月1日"])
    assert who(out) == ("沭阳县人民政府", "321322")
    assert not agency_warnings(out)


def test_bare_title_placed_by_the_publisher_field():
    out = html_doc("市科委2021年政府信息公开工作年度报告", labels={"发布机构": "上海市科学技术委员会"})
    assert who(out) == ("上海市科学技术委员会", "310000")
    assert {"field": "meta_publisher", "text": "上海市科学技术委员会"} in out["agency_evidence"]


def test_output_keys_everywhere(tmp_path):
    for out in (text_doc("沭阳县人民政府2021年政府信息公开工作年度报告"), parse_document(b""),
                parse_document(b"", agency="沭阳县人民政府"),
                parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, filename="a.doc",
                               agency="市经信局")):
        assert set(AGENCY_KEYS) <= set(out)
    empty = parse_document(b"")
    assert all(empty[k] is None for k in AGENCY_KEYS)
    hinted = parse_document(b"", agency="洪泽区人民政府", division="320800")
    assert who(hinted) == ("淮安市洪泽区人民政府", "320813")
    path = tmp_path / "r.txt"
    path.write_text("朝阳区人民政府2021年政府信息公开工作年度报告\n" + "\n".join(BODY), encoding="utf-8")
    assert who(parse_path(path, division="110000")) == ("北京市朝阳区人民政府", "110105")


def test_unknown_division_hint_is_ignored_with_a_warning():
    out = text_doc("沭阳县人民政府2021年政府信息公开工作年度报告", division="999999")
    assert who(out) == ("沭阳县人民政府", "321322")
    assert "division hint 999999 is not a GB/T 2260 code; ignored" in out["warnings"]


# --------------------------------------------------------------------------- names taken apart

@pytest.mark.parametrize("printed, full", [
    ("上海市人民政府办公厅", "上海市人民政府办公厅"),  # nothing rewritten inside a name
    ("江苏省人民政府办公厅", "江苏省人民政府办公厅"),
    ("江苏省政府办公厅", "江苏省人民政府办公厅"),
    ("平湖市经信局", "平湖市经济和信息化局"),
    ("某县发改局", "某县发展和改革局"),
    ("某市政府", "某市人民政府"),
    ("淮安市政府办", "淮安市人民政府办公室"),
    ("市科委", "市科学技术委员会"),
    ("市场监督管理局", "市场监督管理局"),  # 市场… is a word, not a bare 市
    ("嘉兴市经信局党支部", "嘉兴市经信局党支部"),  # no department part: left alone
    ("平潭综合实验区管委会", "平潭综合实验区管理委员会"),
])
def test_short_forms_are_expanded_only_as_whole_parts(printed, full):
    assert expand_short(printed) == full


@pytest.mark.parametrize("printed, name, division, kind", [
    ("苏州工业园区管委会", "苏州工业园区管理委员会", "320500", "special_area"),
    ("两江新区", "重庆两江新区管理委员会", "500000", "special_area"),
    ("南京市江北新区管委会", "南京江北新区管理委员会", "320100", "special_area"),
    ("某某经济开发区管委会", "某某经济开发区管理委员会", None, "special_area"),  # not in the file: as printed
    ("嘉兴经济技术开发区管委会", "嘉兴经济技术开发区管理委员会", "330400", "special_area"),
    ("浦东新区人民政府", "上海市浦东新区人民政府", "310115", "government"),  # a division, not a special area
    ("江苏省淮安市洪泽区人民政府", "淮安市洪泽区人民政府", "320813", "government"),
    ("沭阳县胡集镇人民政府", "沭阳县胡集镇人民政府", "321322", "government"),  # a town: kept, in its county
    ("国务院办公厅", "国务院办公厅", None, "office"),
    ("县政府", None, None, None),  # a bare level and nothing else
])
def test_names_resolved_alone(printed, name, division, kind):
    out = text_doc(f"{printed}2021年政府信息公开工作年度报告")
    assert (out["agency_name"], out["agency_division_code"], out["agency_kind"]) == (name, division, kind)


def test_a_town_has_no_admin_level_of_the_table():
    out = text_doc("沭阳县胡集镇人民政府2021年政府信息公开工作年度报告")
    assert out["agency_admin_level"] is None


def test_parts_of_a_name():
    p = parse_name("淮安市洪泽区人民政府")
    assert (p.places, p.codes, p.dept_full, p.kind) == (("淮安市", "洪泽区"), ("320813",), "人民政府", "government")
    p = parse_name("市科委")
    assert (p.bare, p.places, p.dept_full) == ("市", (), "科学技术委员会")
    assert parse_name("朝阳区人民政府").codes == ("110105", "220104")
    assert parse_name("本机关") is None
    assert clean("# 沭阳县人民政府 ") == "沭阳县人民政府"
    assert has_place("洪泽区人民政府") and has_place("平潭综合实验区") and not has_place("市经信局")


def test_canonical_api():
    assert canonical("市经信局", "……“嘉兴市经信局”微信公众号……") == "嘉兴市经济和信息化局"
    assert canonical("市经信局", "正文没有地名") is None
    assert canonical("洪泽区人民政府") == "淮安市洪泽区人民政府"
    assert canonical("市科委", "上海市科学技术委员会") == "上海市科学技术委员会"
