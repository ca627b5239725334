"""Compare a parser's output with the demo truth, per document and per layout.

    python -m pipelines.demo.roundtrip [--seed S] [--scale N] [--show 5]

Uses ``pipelines.parse.parse_document`` (imported lazily).  A document *round-trips exactly*
when the parse status is the expected one, every truth metric is found with the same value and
semantic, the era and report year match, and the failing checks are exactly the declared ones.

Cells are counted one by one: **exact** (value and semantic as the truth says), **wrong** (a
non-null value that differs, or any value where the truth says it must stay null:
``DemoReport.truth_must_be_null``), **null** (missing, or null where a value was due).  A null is
*allowed* only for a code of ``DemoReport.truth_null_ok`` and only when a warning of the parse
output names the code or its row (``row_of``: ``t3_res_granted``, ``t4_review``, ``t2_license`` …);
every other null counts against exactness.  No layout may ever have a wrong cell.

The agency is compared separately, on every readable document (not image-only / legacy files):
``agency_name`` / ``agency_division_code`` against ``DemoDocument.expect_agency_name`` /
``expect_division_code``.  A *wrong* name (non-null, different) is counted apart from a *missing*
one (null where a name was expected): a wrong agency is worse than none.  ``--hinted`` parses the
open-world documents with ``division=`` their source's division code and compares with
``expect_hinted_*``.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .evidence import UNREADABLE
from .model import Corpus, DemoDocument, DemoReport
from .tables import T4_BLOCKS

_T2_ITEMS = ("regulation", "normative_doc", "license", "other_service", "penalty", "coercion", "fee", "procurement")


def row_of(code: str) -> str:
    """The row a warning may name instead of the cell: t3_res_granted__total → t3_res_granted,
    t4_review_total → t4_review, t2_license_decisions → t2_license."""
    if "__" in code:
        return code.split("__")[0]
    for blk in T4_BLOCKS:
        if code.startswith(f"t4_{blk}_"):
            return f"t4_{blk}"
    for item in _T2_ITEMS:
        if code.startswith(f"t2_{item}_"):
            return f"t2_{item}"
    return code


def names_cell(code: str, warnings: list[str]) -> bool:
    row = row_of(code)
    return any(code in w or row in w for w in warnings)


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
    missing: list[str] = field(default_factory=list)     # null where a value was due, not allowed
    wrong: list[tuple] = field(default_factory=list)     # (code, truth, parsed)
    allowed_null: list[str] = field(default_factory=list)   # null, in truth_null_ok, named by a warning
    raw_diff: list[tuple] = field(default_factory=list)  # (code, truth raw, parsed raw) of exact values
    era_ok: bool = True
    year_ok: bool = True
    checks_ok: bool = True
    narrative_ok: bool = True
    published_ok: bool = True
    error: str | None = None
    agency_checked: bool = False          # a readable document: its agency is compared
    expect_agency: str | None = None
    got_agency: str | None = None
    expect_division: str | None = None
    got_division: str | None = None

    @property
    def agency_wrong(self) -> bool:       # a name, and not the right one
        return self.agency_checked and self.got_agency is not None and self.got_agency != self.expect_agency

    @property
    def agency_missing(self) -> bool:     # no name where the document names its agency
        return self.agency_checked and self.got_agency is None and self.expect_agency is not None

    @property
    def division_wrong(self) -> bool:
        return self.agency_checked and self.got_division is not None and self.got_division != self.expect_division

    @property
    def division_missing(self) -> bool:
        return self.agency_checked and self.got_division is None and self.expect_division is not None

    @property
    def agency_ok(self) -> bool:
        return not self.agency_checked or (self.got_agency == self.expect_agency
                                           and self.got_division == self.expect_division)

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


def compare(rep: DemoReport, doc: DemoDocument, parsed: dict, *, hinted: bool = False) -> DocResult:
    """``hinted``: ``parsed`` came from parse_document(..., division=doc.division_hint)."""
    res = DocResult(rep.agency_id, rep.report_year, doc.layout, doc.role, parsed.get("parse_status", "parsed"),
                    doc.expect_status)
    got = {m["metric_code"]: (m["value"], m["value_raw"], m["semantic"]) for m in parsed.get("metrics", [])}
    warnings = [str(w) for w in parsed.get("warnings", [])]
    if doc.expect_status not in UNREADABLE:
        res.agency_checked = True
        res.expect_agency, res.expect_division = ((doc.expect_hinted_agency_name, doc.expect_hinted_division_code)
                                                  if hinted else (doc.expect_agency_name, doc.expect_division_code))
        res.got_agency, res.got_division = parsed.get("agency_name"), parsed.get("agency_division_code")
    if doc.expect_status != "parsed":
        return res
    res.published_ok = parsed.get("published_on") == rep.published_on.isoformat()
    null_ok, must = rep.truth_null_ok, rep.truth_must_be_null
    for code, (value, raw, sem) in rep.truth.items():
        res.n_truth += 1
        p = got.get(code)
        pv = None if p is None else p[0]
        if code in must and pv is not None:          # a value where any value is a guess
            res.wrong.append((code, (value, raw, sem), p))
            continue
        if p is None or (pv is None and (value is not None or code in must)):
            if code in null_ok and names_cell(code, warnings):
                res.allowed_null.append(code)
            else:
                res.missing.append(code)
            continue
        if _same(value, pv) and sem == p[2]:
            res.n_value_ok += 1
            if raw == p[1]:
                res.n_raw_ok += 1
            else:
                res.raw_diff.append((code, raw, p[1]))
        else:
            res.wrong.append((code, (value, raw, sem), p))
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


def run(corpus: Corpus, *, roles=("primary", "attachment", "repost", "landing"), hinted: bool = False) -> list[DocResult]:
    """Every document of ``roles``; ``hinted``: only the documents with a division_hint, parsed with it."""
    from pipelines.parse import parse_document

    out = []
    for rep, doc in corpus.documents():
        if doc.role not in roles or (hinted and doc.division_hint is None):
            continue
        kwargs = {"division": doc.division_hint} if hinted else {}
        try:
            parsed = parse_document(doc.body, filename=doc.filename, media_type=doc.media_type, **kwargs)
        except Exception as exc:  # UnreadableDocument, a parser bug, no division= yet
            r = DocResult(rep.agency_id, rep.report_year, doc.layout, doc.role, "error", doc.expect_status,
                          error=f"{type(exc).__name__}: {exc}")
            r.n_truth = len(rep.truth)
            out.append(r)
            continue
        out.append(compare(rep, doc, parsed, hinted=hinted))
    return out


def agency_summary(results: list[DocResult]) -> dict[str, int]:
    """Over the readable documents: how many got the exact agency (name and division), how many a
    wrong name / division (non-null, different) and how many none where one was expected."""
    checked = [r for r in results if r.agency_checked]
    return {"docs": len(checked), "exact": sum(r.agency_ok for r in checked),
            "wrong": sum(r.agency_wrong for r in checked), "missing": sum(r.agency_missing for r in checked),
            "division_wrong": sum(r.division_wrong for r in checked),
            "division_missing": sum(r.division_missing for r in checked)}


def summarise(results: list[DocResult]) -> dict[str, dict]:
    by: dict[str, dict] = defaultdict(lambda: {"docs": 0, "exact": 0, "cells": 0, "cells_ok": 0, "raw_ok": 0,
                                               "cells_wrong": 0, "cells_null": 0, "cells_null_allowed": 0,
                                               "status_ok": 0, "errors": 0, "narrative_ok": 0, "agency_ok": 0, "published_ok": 0,
                                               "agency_wrong": 0, "agency_missing": 0})
    for r in results:
        s = by[r.layout]
        s["docs"] += 1
        s["exact"] += r.exact
        s["cells"] += r.n_truth
        s["cells_ok"] += r.n_value_ok
        s["raw_ok"] += r.n_raw_ok
        s["cells_wrong"] += len(r.wrong)
        s["cells_null"] += len(r.missing) + (r.n_truth if r.error else 0)
        s["cells_null_allowed"] += len(r.allowed_null)
        s["status_ok"] += r.status == r.expected_status
        s["errors"] += r.error is not None
        s["narrative_ok"] += r.narrative_ok
        s["agency_ok"] += r.agency_ok
        s["agency_wrong"] += r.agency_wrong
        s["agency_missing"] += r.agency_missing
        s["published_ok"] += r.published_ok
    return dict(by)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m pipelines.demo.roundtrip")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=int, default=None)
    ap.add_argument("--show", type=int, default=3, help="print this many failing documents per layout")
    ap.add_argument("--hinted", action="store_true",
                    help="open-world documents only, parsed with division= their source's division code")
    a = ap.parse_args(argv)
    from .generator import generate_corpus

    corpus = generate_corpus(a.seed, a.scale)
    t = time.perf_counter()
    results = run(corpus, hinted=a.hinted)
    dt_ = time.perf_counter() - t
    print(f"{len(results)} documents parsed in {dt_:.1f}s")
    print(f"{'layout':16} {'docs':>5} {'exact':>6} {'status':>7} {'cells ok':>14} {'WRONG':>6} {'null':>6}"
          f" {'null ok':>7} {'raw ok':>8} {'errors':>6} {'narr':>5} {'agency':>6} {'wrong':>5} {'none':>4} {'pub':>4}")
    for lay, s in sorted(summarise(results).items()):
        cells = f"{s['cells_ok']}/{s['cells']}"
        print(f"{lay:16} {s['docs']:5d} {s['exact']:6d} {s['status_ok']:7d} {cells:>14} {s['cells_wrong']:6d}"
              f" {s['cells_null']:6d} {s['cells_null_allowed']:7d} {s['raw_ok']:8d} {s['errors']:6d}"
              f" {s['narrative_ok']:5d} {s['agency_ok']:6d} {s['agency_wrong']:5d} {s['agency_missing']:4d}"
              f" {s['published_ok']:4d}")
    ag = agency_summary(results)
    print(f"agency: {ag['exact']}/{ag['docs']} exact, {ag['wrong']} wrong names, {ag['missing']} missing;"
          f" division {ag['division_wrong']} wrong, {ag['division_missing']} missing")
    shown: dict[str, int] = defaultdict(int)
    for r in results:
        if (r.exact and r.agency_ok and r.narrative_ok) or shown[r.layout] >= a.show:
            continue
        shown[r.layout] += 1
        print(f"- {r.layout} {r.agency_id} {r.report_year} {r.role}: status {r.status} (want {r.expected_status})"
              f"{' ERROR ' + r.error if r.error else ''}; missing {len(r.missing)} {r.missing[:3]};"
              f" wrong {len(r.wrong)} {r.wrong[:2]}; era_ok={r.era_ok} year_ok={r.year_ok} checks_ok={r.checks_ok}"
              f" narrative_ok={r.narrative_ok} published_ok={r.published_ok}"
              f" agency {r.got_agency!r}/{r.got_division!r} (want {r.expect_agency!r}/{r.expect_division!r})")


if __name__ == "__main__":
    main()
