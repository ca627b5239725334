"""Registry loading and validation; the shipped registries load."""
from pathlib import Path

import pytest
import yaml

from pipelines.sources import FAMILIES, load_agencies, load_registry
from pipelines.sources.registry import PROJECT_ROOT, resolve_local_path

SOURCES_DIR = PROJECT_ROOT / "pipelines" / "sources"


def write(tmp_path, sources, **top) -> Path:
    p = tmp_path / "reg.yaml"
    p.write_text(yaml.safe_dump({"sources": sources, **top}, allow_unicode=True), encoding="utf-8")
    return p


def good(**kw):
    d = {"id": "a_src", "family": "generic", "entry_url": "http://www.example.gov.cn/list.html"}
    d.update(kw)
    return d


def test_agencies_catalog():
    ags = {a.id: a for a in load_agencies()}
    for aid in ("jx_jxj", "js_jxj", "zs_jxj", "cx_jxj", "ph_jxj"):
        assert aid in ags
    assert ags["jx_jxj"].name == "嘉兴市经济和信息化局" and ags["ph_fgj"].org_code == "741033213"


def test_defaults_and_source_fields(tmp_path):
    reg = load_registry(write(tmp_path, [good(agency="jx_jxj", rate_limit_per_s=0.5, proxy="http://p:1")],
                              defaults={"user_agent": "ua/1", "timeout_s": 7}))
    s = reg.sources[0]
    assert (s.user_agent, s.timeout_s, s.rate_limit_per_s, s.proxy) == ("ua/1", 7.0, 0.5, "http://p:1")
    assert s.max_bytes == 30_000_000 and s.verified is False and s.allow_private_addresses is False
    assert "www.example.gov.cn" in s.allowed_hosts          # the entry host is always allowed
    assert reg.agency("jx_jxj").short_name == "市经信局"


@pytest.mark.parametrize("sources, message", [
    ([good(family="wordpress")], "unknown family 'wordpress'"),
    ([good(entry_url=None)], "missing 'entry_url'"),
    ([good(agency="no_such_agency")], "unknown agency id 'no_such_agency'"),
    ([good(), good()], "duplicate source id 'a_src'"),
    ([good(family="hanweb_xxgk_annual", options={"areas": {"nobody": "123"}})], "unknown agency id 'nobody'"),
    ([good(family="hanweb_xxgk_annual", options={"agencies": ["jx_jxj"]})], "has no org_code"),
    ([good(entry_url="ftp://x/y")], "not an http(s) URL"),
    ([good(id="Bad-Id")], "snake_case"),
])
def test_validation_errors_name_file_and_source(tmp_path, sources, message):
    p = write(tmp_path, sources)
    with pytest.raises(ValueError) as e:
        load_registry(p)
    assert message in str(e.value) and str(p) in str(e.value)
    if sources[0].get("id") == "a_src":
        assert "a_src" in str(e.value)


def test_shipped_zhejiang_registry():
    reg = load_registry(SOURCES_DIR / "zhejiang.yaml")
    ids = {s.id for s in reg.sources}
    assert {"jiaxing_portal_reports", "pinghu_xxgk_annual", "jiashan_xxgk_annual", "ningbo_zfxx_reports",
            "zhoushan_xxgk_reports"} <= ids
    assert all(s.verified is False for s in reg.sources)
    assert all(s.family in FAMILIES for s in reg.sources)
    portal = reg.source("jiaxing_portal_reports")
    assert "col1229708661" in portal.entry_url and portal.rate_limit_per_s == 1.0
    covered = {s.agency for s in reg.sources} | {a for s in reg.sources for a in s.options.get("agencies", [])}
    assert {"jx_jxj", "js_jxj", "zs_jxj", "cx_jxj", "ph_jxj"} <= covered


def test_shipped_local_seeds_registry():
    reg = load_registry(SOURCES_DIR / "local_seeds.yaml")
    s = reg.source("local_seeds")
    assert resolve_local_path(s) == (PROJECT_ROOT.parent / "shared" / "seeds").resolve()
    assert {m["agency"] for m in s.options["files"].values()} == {"jx_jxj", "js_jxj", "zs_jxj", "cx_jxj", "ph_jxj"}


def test_allow_private_addresses_keeps_a_list_of_hosts(tmp_path):
    from pipelines.sources.registry import load_registry

    reg = tmp_path / "r.yaml"
    reg.write_text("sources:\n"
                   "  - {id: a, family: generic, entry_url: 'http://localhost:8000/', allow_private_addresses: [localhost:8000]}\n"
                   "  - {id: b, family: generic, entry_url: 'http://example.invalid/', allow_private_addresses: true}\n"
                   "  - {id: c, family: generic, entry_url: 'http://example.invalid/'}\n", encoding="utf-8")
    got = {s.id: s.allow_private_addresses for s in load_registry(reg).sources}
    assert got == {"a": ("localhost:8000",), "b": True, "c": False}
    reg.write_text("sources:\n  - {id: a, family: generic, entry_url: 'http://x/', allow_private_addresses: 3}\n",
                   encoding="utf-8")
    import pytest
    with pytest.raises(ValueError, match="allow_private_addresses must be"):
        load_registry(reg)


def test_markdown_attachments_are_text_documents():
    from pipelines.crawl.adapters.base import ATTACHMENT_EXTS
    from pipelines.crawl.formats import TEXT_FORMATS, source_format

    assert ".md" in ATTACHMENT_EXTS and "md" in TEXT_FORMATS
    assert source_format("text/markdown", "report.md", "| a | b |\n|---|---|\n".encode()) == "md"
    assert source_format(None, "report.md", "# 标题\n".encode()) == "md"
    assert source_format("text/plain", "report.txt", b"x") == "txt"
