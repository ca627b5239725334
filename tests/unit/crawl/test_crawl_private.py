"""allow_private_addresses per host, and the address check at connect time (DNS rebinding)."""
import pytest

from pipelines.archive import Archive
from pipelines.crawl import client as client_mod, crawl
from pipelines.crawl.safety import private_allowance, private_allowed
from pipelines.sources import load_registry
from crawl_testserver import html

TITLE = "某某局2020年政府信息公开工作年度报告"


def _site(make_site):
    s = make_site()
    s.route("/l.html", html(f"<a href='/a/1.html'>{TITLE}</a>"))
    s.route("/a/1.html", html(f"<div id='zoom'>{TITLE}</div>"))
    return s


def _crawl(write_registry, tmp_path, entry, allowance):
    reg = load_registry(write_registry([{"id": "p", "family": "generic", "entry_url": entry,
                                         "respect_robots": False}]))
    reg.sources[0].allow_private_addresses = allowance   # bool or a list of hosts
    ar = Archive(tmp_path / "ar")
    rep = crawl(reg, ar)
    return rep, ar


@pytest.mark.parametrize("allowance, fetched", [(False, False), (["localhost"], True), (["*.example.org"], False),
                                                (["localhost:1"], False), (True, True)])
def test_localhost_needs_its_own_allowance(make_site, write_registry, tmp_path, allowance, fetched):
    s = _site(make_site)
    entry = f"http://localhost:{s.port}/l.html"         # ["localhost:1"]: the right host, another port
    rep, ar = _crawl(write_registry, tmp_path, entry, allowance)
    if fetched:
        assert [r.path for r in s.log] == ["/l.html", "/a/1.html"] and rep.documents_new == 1
    else:
        assert s.log == [] and [f["reason"] for f in ar.fetches()] == ["not_allowed"]


def test_listed_host_does_not_open_other_private_hosts(make_site, write_registry, tmp_path):
    s = _site(make_site)
    rep, ar = _crawl(write_registry, tmp_path, s.url("/l.html"), ["localhost"])   # entry is 127.0.0.1
    assert s.log == [] and rep.sources["p"].reason == "not_allowed"


def test_dns_rebinding_is_refused_at_connect(make_site, write_registry, tmp_path, monkeypatch):
    """The crawler's own lookup sees a public address (the first, rebinding answer); the connect
    that follows reaches 127.0.0.1: refused before a byte is sent."""
    s = _site(make_site)

    async def public(host, port):
        return ["93.184.216.34"]
    monkeypatch.setattr(client_mod, "resolve", public)
    rep, ar = _crawl(write_registry, tmp_path, f"http://localhost:{s.port}/l.html", False)
    assert s.log == []
    assert [(f["stage"], f["outcome"], f["reason"]) for f in ar.fetches()] == [("list", "error", "not_allowed")]
    assert rep.requests == 1                              # one attempt, not retried as a network error
    # the same rebinding answer for a host the source allows: fetched
    rep, ar = _crawl(write_registry, tmp_path / "b", f"http://localhost:{s.port}/l.html", ["localhost"])
    assert rep.documents_new == 1


def test_allowance_values():
    assert private_allowance(["LocalHost", " "]) == ("localhost",)
    assert private_allowance("intranet.local") == ("intranet.local",)
    assert private_allowance(True) is True and private_allowance(None) is False
    assert private_allowed(["*.corp.example"], "docs.corp.example", 80)
    assert not private_allowed(["*.corp.example"], "corp.example.evil", 80)
    assert private_allowed(["10.0.0.5:8080"], "10.0.0.5", 8080) and not private_allowed(["10.0.0.5:8080"], "10.0.0.5", 80)
