"""Compare a parser's output with the demo truth, per document and per layout.

    python -m pipelines.demo.roundtrip [--seed S] [--scale N] [--show 5]

Uses ``pipelines.parse.parse_document`` (imported lazily).  A document *round-trips exactly*
when the parse status is the expected one, every truth metric is found with the same value and
semantic, the era and report year match, and the failing checks are exactly the declared ones.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .model import Corpus, DemoDocument, DemoReport


@dataclass
class DocResult:
    agency_id: str
    report_year: int
    layout: str
    role: str
    status: str
    expected_status: str
    n_truth: int = 0
    n_value_ok: int = 0
    n_raw_ok: int = 0
    missing: list[str] = field(default_factory=list)
    wrong: list[tuple] = field(default_factory=list)     # (code, truth, parsed)
    era_ok: bool = True
    year_ok: bool = True
    checks_ok: bool = True
    narrative_ok: bool = True
    agency_ok: bool = True
    published_ok: bool = True
    error: str | None = None

    @property
    def exact(self) -> bool:
        if self.expected_status != "parsed":       # unreadable by design: only the status counts
            return self.error is None and self.status == self.expected_status
        return (self.error is None and self.status == self.expected_status and not self.missing and not self.wrong
                and self.era_ok and self.year_ok and self.checks_ok)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))


def compare(rep: DemoReport, doc: DemoDocument, parsed: dict) -> DocResult:
    res = DocResult(rep.agency_id, rep.report_year, doc.layout, doc.role, parsed.get("parse_status", "parsed"),
                    doc.expect_status)
    got = {m["metric_code"]: (m["value"], m["value_raw"], m["semantic"]) for m in parsed.get("metrics", [])}
    if doc.expect_status != "parsed":
        return res
    res.agency_ok = parsed.get("agency_name") == rep.agency_name
    res.published_ok = parsed.get("published_on") == rep.published_on.isoformat()
    for code, (value, raw, sem) in rep.truth.items():
        res.n_truth += 1
        p = got.get(code)
        if p is None:
            res.missing.append(code)
            continue
        if _same(value, p[0]) and sem == p[2]:
            res.n_value_ok += 1
        else:
            res.wrong.append((code, (value, raw, sem), p))
        if raw == p[1]:
            res.n_raw_ok += 1
    if rep.truth:
        res.era_ok = parsed.get("era") == rep.era
        res.year_ok = parsed.get("report_year") == rep.report_year
        failing = sorted(c["code"] for c in parsed.get("checks", []) if c["status"] == "fail")
        res.checks_ok = failing == sorted(rep.expected_failing_checks)
    for code, (value, _raw, _sem) in rep.narrative_truth.items():
        p = got.get(code)
        if p is not None and not _same(value, p[0]):
            res.narrative_ok = False
    return res


def run(corpus: Corpus, *, roles=("primary", "attachment", "repost")) -> list[DocResult]:
    from pipelines.parse import parse_document

    out = []
    for rep, doc in corpus.documents():
        if doc.role not in roles:
            continue
        try:
            parsed = parse_document(doc.body, filename=doc.filename, media_type=doc.media_type)
        except Exception as exc:  # UnreadableDocument or a parser bug
            r = DocResult(rep.agency_id, rep.report_year, doc.layout, doc.role, "error", doc.expect_status,
                          error=f"{type(exc).__name__}: {exc}")
            r.n_truth = len(rep.truth)
            out.append(r)
            continue
        out.append(compare(rep, doc, parsed))
    return out


def summarise(results: list[DocResult]) -> dict[str, dict]:
    by: dict[str, dict] = defaultdict(lambda: {"docs": 0, "exact": 0, "cells": 0, "cells_ok": 0, "raw_ok": 0,
                                               "status_ok": 0, "errors": 0, "narrative_ok": 0, "agency_ok": 0, "published_ok": 0})
    for r in results:
        s = by[r.layout]
        s["docs"] += 1
        s["exact"] += r.exact
        s["cells"] += r.n_truth
        s["cells_ok"] += r.n_value_ok
        s["raw_ok"] += r.n_raw_ok
        s["status_ok"] += r.status == r.expected_status
        s["errors"] += r.error is not None
        s["narrative_ok"] += r.narrative_ok
        s["agency_ok"] += r.agency_ok
        s["published_ok"] += r.published_ok
    return dict(by)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m pipelines.demo.roundtrip")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=int, default=None)
    ap.add_argument("--show", type=int, default=3, help="print this many failing documents per layout")
    a = ap.parse_args(argv)
    from .generator import generate_corpus

    corpus = generate_corpus(a.seed, a.scale)
    t = time.perf_counter()
    results = run(corpus)
    dt_ = time.perf_counter() - t
    print(f"{len(results)} documents parsed in {dt_:.1f}s")
    print(f"{'layout':16} {'docs':>5} {'exact':>6} {'status':>7} {'cells ok':>14} {'raw ok':>8} {'errors':>6}"
          f" {'narr':>5} {'agency':>6} {'pub':>4}")
    for lay, s in sorted(summarise(results).items()):
        cells = f"{s['cells_ok']}/{s['cells']}"
        print(f"{lay:16} {s['docs']:5d} {s['exact']:6d} {s['status_ok']:7d} {cells:>14} {s['raw_ok']:8d} {s['errors']:6d}"
              f" {s['narrative_ok']:5d} {s['agency_ok']:6d} {s['published_ok']:4d}")
    shown: dict[str, int] = defaultdict(int)
    for r in results:
        if (r.exact and r.agency_ok and r.narrative_ok) or shown[r.layout] >= a.show:
            continue
        shown[r.layout] += 1
        print(f"- {r.layout} {r.agency_id} {r.report_year} {r.role}: status {r.status} (want {r.expected_status})"
              f"{' ERROR ' + r.error if r.error else ''}; missing {len(r.missing)} {r.missing[:3]};"
              f" wrong {len(r.wrong)} {r.wrong[:2]}; era_ok={r.era_ok} year_ok={r.year_ok} checks_ok={r.checks_ok}"
              f" narrative_ok={r.narrative_ok} agency_ok={r.agency_ok} published_ok={r.published_ok}")


if __name__ == "__main__":
    main()
