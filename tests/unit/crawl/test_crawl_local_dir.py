"""local_dir over ../shared/seeds: five documents with agency and year, no network, idempotent."""
import json

import pytest

from pipelines.archive import Archive
from pipelines.crawl import crawl
from pipelines.sources import load_registry
from pipelines.sources.registry import PROJECT_ROOT

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not (SEEDS / "expected").is_dir(), reason="../shared/seeds is absent")
def test_local_seeds(tmp_path):
    reg = load_registry(PROJECT_ROOT / "pipelines" / "sources" / "local_seeds.yaml")
    ar = Archive(tmp_path / "ar")
    rep = crawl(reg, ar)
    assert rep.requests == 0 and rep.documents_new == 5 and rep.errors == {}
    docs = {d["filename"]: d for d in ar.documents()}
    names = {a.name: a.id for a in reg.agencies.values()}
    for exp in sorted((SEEDS / "expected").glob("*.json")):
        e = json.loads(exp.read_text(encoding="utf-8"))
        d = docs[e["file"]]
        assert d["agency_id"] == names[e["agency"]] and d["year_hint"] == e["report_year"]
        assert d["url"].startswith("file://") and d["source_format"] == "txt"
        assert ar.get_blob(d["content_sha256"]) == (SEEDS / e["file"]).read_bytes()
    again = crawl(reg, ar)
    assert again.documents_new == 0 and again.documents_unchanged == 5 and len(ar.documents()) == 5


def test_local_dir_inference_and_missing_folder(tmp_path, write_registry):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.html").write_text("<html><head><title>嘉兴市经济和信息化局2022年度政府信息公开工作年度报告</title></head></html>",
                                   encoding="utf-8")
    reg = load_registry(write_registry([
        {"id": "loc", "family": "local_dir", "options": {"path": str(folder)}},
        {"id": "gone", "family": "local_dir", "options": {"path": str(tmp_path / "nope")}}]))
    ar = Archive(tmp_path / "ar")
    rep = crawl(reg, ar)
    d = ar.documents()[0]
    assert (d["agency_id"], d["year_hint"], d["source_format"]) == ("jx_jxj", 2022, "html")
    assert rep.sources["gone"].status == "unreachable" and rep.sources["loc"].status == "ok"
