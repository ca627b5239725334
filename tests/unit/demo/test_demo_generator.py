"""The synthetic corpus: coverage, determinism, truth consistency, document formats."""
from __future__ import annotations

import csv
import io
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from pipelines.demo.generator import MISSING, generate_corpus, load_agencies, write_corpus
from pipelines.demo.model import ALL_LAYOUTS, HTML_LAYOUTS
from pipelines.demo.tables import failing_checks

METRICS_CSV = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "metrics.csv"


def _era_codes() -> dict[str, set[str]]:
    if not METRICS_CSV.exists():
        pytest.skip("shared/spec/metrics.csv is absent")
    out: dict[str, set[str]] = {"pre2019": set(), "y2019": set(), "y2021": set()}
    with open(METRICS_CSV, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for era in row["eras"].split(","):
                out[era.strip()].add(row["metric_code"])
    return out


def test_same_seed_same_bytes(demo_corpus):
    again = generate_corpus(0)
    assert [r.key for r in again.reports] == [r.key for r in demo_corpus.reports]
    for a, b in zip(demo_corpus.reports, again.reports):
        assert a.truth == b.truth and a.narrative_truth == b.narrative_truth and a.title == b.title
        assert [d.body for d in a.documents] == [d.body for d in b.documents], a.key
    a, b = generate_corpus(0, scale=20), generate_corpus(1, scale=20)
    assert any(x.truth != y.truth for x, y in zip(a.reports, b.reports))
    assert [x.primary.body for x in a.reports] == [x.primary.body for x in generate_corpus(0, scale=20).reports]


def test_coverage(demo_corpus):
    c = demo_corpus
    assert len(c.reports) >= 100
    catalog = {a["id"] for a in load_agencies()}
    assert len(catalog) >= 15
    catalogued = [r for r in c.reports if r.catalogued]     # open-world agencies: test_demo_open_world.py
    assert {r.agency_id for r in catalogued} == catalog
    assert {r.report_year for r in c.reports} == set(range(2016, 2025))
    assert set(c.missing) == set(MISSING) and len(c.missing) >= 5
    keys = {r.key for r in catalogued}
    assert not keys & set(c.missing)
    assert len({r.key for r in c.reports}) == len(c.reports)  # one report per agency-year
    assert len(keys) + len(c.missing) == len(catalog) * 9
    assert {r.era for r in c.reports} == {"pre2019", "y2019", "y2021"}
    layouts = Counter(r.layout for r in c.reports)
    for lay in ALL_LAYOUTS:
        assert layouts[lay] >= 2, (lay, layouts)
    for lay in (*HTML_LAYOUTS, "pdf", "docx"):
        assert layouts[lay] >= 5, (lay, layouts)
    # era from the printed tables, not from the year: one late, non-compliant 2021 report
    odd = [r for r in c.reports if r.report_year >= 2021 and r.era == "y2019"]
    assert odd and odd[0].published_on.month >= 4
    for r in c.reports:
        assert r.published_on.year == r.report_year + 1
        if r.report_year <= 2018:
            assert r.published_on.month <= 3
    statuses = Counter(r.expect_status for r in c.reports)
    assert statuses["unsupported_format"] >= 1 and statuses["image_only"] >= 1 and statuses["no_tables"] >= 1


def test_variants_present(demo_corpus):
    reps = demo_corpus.reports
    flags = Counter(f for r in reps for f in r.flags)
    for f in ("fullwidth", "blank_zeros", "na_slash", "cumulative_column", "amount_wan", "amount_yuan",
              "enc_gb2312_header", "enc_gbk_meta", "enc_utf8_bom", "landing_oss", "landing_downfile",
              "landing_pdfurl", "landing_downfile_redirect", "landing_direct"):
        assert flags[f] >= 1, f
    titles = [r.title for r in reps]
    assert any(t.startswith("市经信局2019年") for t in titles)
    assert any(re.fullmatch(r"\d{4}年政府信息公开工作年度报告", t) for t in titles)
    assert any("（图片版）" in t for t in titles)
    roles = Counter(d.role for r in reps for d in r.documents)
    assert roles["repost"] >= 2 and roles["attachment"] >= 2
    # former names (机构改革): 2018 reports carry the old name
    assert demo_corpus.report("jx_jxj", 2017).agency_as_printed == "嘉兴市经济和信息化委员会"


def test_truth_codes_follow_catalog(demo_corpus):
    codes = _era_codes()
    for r in demo_corpus.reports:
        if r.expect_status != "parsed":
            assert r.truth == {} or r.layout in ("pdf_image", "doc")
            continue
        assert set(r.truth) == codes[r.era], (r.key, set(r.truth) ^ codes[r.era])


def test_truth_semantics(demo_corpus):
    n_empty = n_na = 0
    for r in demo_corpus.reports:
        for code, (value, raw, sem) in r.truth.items():
            assert sem in ("numeric", "zero", "empty", "na"), (code, sem)
            if sem == "empty":
                assert value is None and raw == ""
                n_empty += 1
            elif sem == "na":
                assert value is None and raw == "/"
                n_na += 1
            elif sem == "zero":
                assert value == 0.0
            else:
                assert isinstance(value, float) and value != 0.0
                if not code.endswith("_change"):
                    assert value > 0
            if code in ("t2_procurement_amount",) and sem == "numeric":
                assert raw.endswith("元")
                num = float(raw.replace("万元", "").replace("元", "").translate(
                    str.maketrans("０１２３４５６７８９．", "0123456789.")))
                assert abs(value - num * (10000 if raw.endswith("万元") else 1)) < 1e-6
    assert n_empty > 0 and n_na > 0


def test_identities_hold_except_declared(demo_corpus):
    failing = []
    for r in demo_corpus.reports:
        got = failing_checks(r.truth, r.era)
        assert got == r.expected_failing_checks, r.key
        if got:
            failing.append(r.key)
    assert 1 <= len(failing) <= 2
    for r in demo_corpus.reports:
        if r.era == "y2021" and r.truth:
            for col in ("natural_person", "total"):
                parts = sum(r.truth[f"t3_res_other_{k}__{col}"][0] or 0
                            for k in ("overdue_correction", "fee_unpaid", "other"))
                assert r.truth[f"t3_res_other__{col}"][0] == parts


def _html_text(doc) -> str:
    return doc.body.decode(doc.encoding)


def test_html_documents_print_truth(demo_corpus):
    from lxml import html as lhtml

    for r in demo_corpus.reports:
        for d in r.documents:
            if d.format != "html" or d.role == "landing":   # article shells: test_demo_open_world.py
                continue
            text = _html_text(d)
            assert f"<meta name=\"ArticleTitle\" content=\"{r.title}\">" in text
            n = int(r.narrative_truth["n_proactive_items_total"][0])
            assert f"主动公开政府信息{n}条" in text
            fee = r.narrative_truth["n_info_fee_collected_cny"]
            assert (f"收取信息处理费{int(fee[0])}元" in text) if fee[0] else ("未收取信息处理费" in text)
            for h in ("一、", "二、主动公开政府信息情况", "五、", "六、其他需要报告的事项"):
                assert h in text
            if d.layout == "html_grid" and r.truth:
                tree = lhtml.fromstring(d.body.decode(d.encoding))
                cells = [td.text_content().replace("\xa0", "").strip() for td in tree.iter("td")]
                raws = [t[1] for c, t in r.truth.items()
                        if not (r.era == "y2021" and c.startswith("t3_res_other__"))]
                # every printed value appears, in order, among the table cells
                it = iter(cells)
                assert all(any(x == raw for x in it) for raw in raws), r.key


def test_grid_spans_follow_template(demo_corpus):
    r = next(r for r in demo_corpus.reports if r.layout == "html_grid" and r.era == "y2021" and r.truth)
    text = _html_text(r.primary)
    assert 'rowspan="22"' in text and 'rowspan="8"' in text and 'colspan="10"' in text
    assert "本年制发<br />件数" in text
    r = next(r for r in demo_corpus.reports if r.layout == "html_grid" and r.era == "y2019" and r.truth)
    assert 'rowspan="20"' in _html_text(r.primary)


def test_layout_markup(demo_corpus):
    by = {}
    for r in demo_corpus.reports:
        if r.truth:
            by.setdefault(r.layout, r)
    assert "class=MsoNormal" in _html_text(by["html_word"].primary)
    assert "<o:p>" in _html_text(by["html_word"].primary)
    flat = _html_text(by["html_flat_cells"].primary)
    assert _n_report_tables(flat) == 0 and ("<p>&nbsp;</p>" in flat or "<p>0</p>" in flat)
    tabs = _html_text(by["html_tab_rows"].primary)
    assert _n_report_tables(tabs) == 0 and re.search(r"<p>[^<\t]+\t[^<]*\t", tabs)
    assert _n_report_tables(_html_text(by["html_grid"].primary)) >= 1


def _n_report_tables(text: str) -> int:
    """<table> elements other than the jcms xxgk metadata table."""
    return text.count("<table") - text.count('<table class="xxgk_top"')


def test_pdf_text_layer(demo_corpus):
    import pdfplumber

    seen = Counter()
    for r in demo_corpus.reports:
        for d in r.documents:
            if d.format != "pdf" or seen[(d.layout, r.era)] >= 2:
                continue
            seen[(d.layout, r.era)] += 1
            assert d.body.startswith(b"%PDF")
            with pdfplumber.open(io.BytesIO(d.body)) as pdf:
                text = "\n".join(p.extract_text() or "" for p in pdf.pages)
                n_images = sum(len(p.images) for p in pdf.pages)
            if d.layout == "pdf_image":
                assert text.strip() == "" and n_images >= 1
                assert r.expect_status == "image_only"
            elif r.era == "pre2019":
                assert "统计指标" in text and "主动公开政府信息" in text
            else:
                assert "二、主动公开政府信息情况" in text and "（一）予以公开" in text and "信息内容" in text
    assert seen[("pdf_image", "y2019")] + seen[("pdf_image", "pre2019")] >= 1
    assert sum(v for (lay, _), v in seen.items() if lay == "pdf") >= 3


def test_docx_and_doc(demo_corpus):
    import docx

    n = 0
    for r in demo_corpus.reports:
        d = r.primary
        if d.layout == "docx":
            document = docx.Document(io.BytesIO(d.body))
            assert len(document.tables) == (1 if r.era == "pre2019" else 3)
            assert r.title in document.paragraphs[0].text
            n += 1
        elif d.layout == "doc":
            assert d.body.startswith(bytes.fromhex("D0CF11E0A1B11AE1")) and d.filename.endswith(".doc")
            assert r.expect_status == "unsupported_format"
    assert n >= 3


def test_encodings(demo_corpus):
    kinds = Counter()
    for r in demo_corpus.reports:
        d = r.primary
        if d.format != "html":
            continue
        if d.content_type.endswith("charset=gb2312"):
            text = d.body.decode("gbk")
            assert "镕" in text or "喆" in text
            with pytest.raises(UnicodeDecodeError):
                d.body.decode("gb2312")
            kinds["gb2312"] += 1
        elif d.encoding == "gbk":
            assert d.content_type == "text/html" and '<meta charset="gbk">' in d.body.decode("gbk")
            kinds["gbk_meta"] += 1
        elif d.encoding == "utf-8-sig":
            assert d.body.startswith(b"\xef\xbb\xbf") and b"charset" not in d.body[:400]
            kinds["bom"] += 1
    assert kinds["gb2312"] and kinds["gbk_meta"] and kinds["bom"]


def test_pre2019_cumulative_column_is_not_the_value(demo_corpus):
    from lxml import html as lhtml

    r = next(r for r in demo_corpus.reports
             if "cumulative_column" in r.flags and r.layout == "html_grid" and r.truth)
    tree = lhtml.fromstring(_html_text(r.primary))
    assert "历年累计" in tree.text_content()
    for tr in tree.iter("tr"):
        tds = [td.text_content().strip() for td in tr.iter("td")]
        if tds and tds[0].startswith("（一）主动公开政府信息数"):
            assert tds[2] == r.truth["pre_proactive_items"][1]
            assert tds[3] != tds[2]
            break
    else:
        raise AssertionError("row not found")


def test_scale_mode_is_fast_and_sized(tmp_path):
    generate_corpus(0, scale=20)                             # warm-up (imports)
    t = time.perf_counter()
    c = generate_corpus(0, scale=1000)
    rate = 1000 / (time.perf_counter() - t)
    assert len(c.reports) == 1000
    assert {r.layout for r in c.reports} == set(HTML_LAYOUTS)
    assert any(r.agency_id.startswith("bench_") for r in c.reports)
    assert len({r.key for r in c.reports}) == 1000
    assert rate >= 250, f"{rate:.0f} reports/s"               # ~1000/s on the dev machine
    n = write_corpus(generate_corpus(0, scale=12), tmp_path)
    assert n == 12 and (tmp_path / "index.json").exists()


def test_roundtrip_compare_logic(demo_corpus):
    from pipelines.demo.roundtrip import compare, summarise

    rep = next(r for r in demo_corpus.reports if r.expected_failing_checks)
    parsed = {"parse_status": "parsed", "era": rep.era, "report_year": rep.report_year,
              "agency_name": rep.agency_name, "published_on": rep.published_on.isoformat(),
              "metrics": [{"metric_code": k, "value": v[0], "value_raw": v[1], "semantic": v[2]}
                          for k, v in rep.truth.items()],
              "checks": [{"code": c, "status": "fail", "detail": ""} for c in rep.expected_failing_checks]}
    ok = compare(rep, rep.primary, parsed)
    assert ok.exact and ok.n_value_ok == len(rep.truth)
    parsed["metrics"] = parsed["metrics"][1:]
    bad = compare(rep, rep.primary, parsed)
    assert not bad.exact and len(bad.missing) == 1
    assert summarise([ok, bad])[rep.primary.layout]["exact"] == 1
