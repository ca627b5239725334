"""The generator CLI's files: every document and a ``*_truth.json`` per report (and per copy),
plus ``index.json``.  ``python -m pipelines.demo.generator --out DIR`` writes them."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .model import Corpus, DemoReport


def truth_json(rep: DemoReport) -> dict:
    return {
        "agency_id": rep.agency_id, "agency_name": rep.agency_name, "agency_as_printed": rep.agency_as_printed,
        "division_code": rep.division_code, "catalogued": rep.catalogued, "landing_title": rep.landing_title,
        "report_year": rep.report_year, "era": rep.era, "title": rep.title,
        "published_on": rep.published_on.isoformat(), "layout": rep.layout, "host": rep.host,
        "expect_status": rep.expect_status, "expected_failing_checks": rep.expected_failing_checks,
        "expected_cross_year_breaks": rep.expected_cross_year_breaks,
        "flags": rep.flags,
        "documents": [{"format": d.format, "layout": d.layout, "role": d.role, "filename": d.filename,
                       "host": d.host, "path": d.path, "encoding": d.encoding, "content_type": d.content_type,
                       "sha256": hashlib.sha256(d.body).hexdigest(), "n_bytes": len(d.body),
                       "expect_status": d.expect_status, "expect_agency_name": d.expect_agency_name,
                       "expect_division_code": d.expect_division_code, "division_hint": d.division_hint,
                       "expect_hinted_agency_name": d.expect_hinted_agency_name,
                       "expect_hinted_division_code": d.expect_hinted_division_code}
                      for d in rep.documents],
        "metrics": [{"metric_code": k, "value": v[0], "value_raw": v[1], "semantic": v[2]}
                    for k, v in rep.truth.items()],
        "narrative": [{"metric_code": k, "value": v[0], "value_raw": v[1], "semantic": v[2]}
                      for k, v in rep.narrative_truth.items()],
        **({"copy_of": rep.copy_of, "truth_null_ok": sorted(rep.truth_null_ok),
            "truth_must_be_null": sorted(rep.truth_must_be_null), "segmentations": rep.segmentations}
           if rep.copy_of else {}),
    }


def write_corpus(corpus: Corpus, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    index = []
    for rep in corpus.reports:
        d = out / rep.agency_id
        d.mkdir(exist_ok=True)
        for i, doc in enumerate(rep.documents):
            ext = doc.format
            fn = f"{rep.report_year}_{doc.role}{i}_{doc.layout}.{ext}"
            (d / fn).write_bytes(doc.body)
            n += 1
        (d / f"{rep.report_year}_truth.json").write_text(
            json.dumps(truth_json(rep), ensure_ascii=False, indent=1), encoding="utf-8")
        index.append({"agency_id": rep.agency_id, "report_year": rep.report_year, "layout": rep.layout,
                      "era": rep.era, "title": rep.title})
    copies = []
    for rep in corpus.copies:               # copies.py: {year}_{layout}.md|txt and {year}_{layout}_truth.json
        d = out / rep.agency_id
        d.mkdir(exist_ok=True)
        for doc in rep.documents:
            fn = f"{rep.report_year}_{doc.layout}.{doc.format}" if doc.role == "primary" else \
                f"{rep.report_year}_{rep.layout}_{doc.role}.{doc.format}"
            (d / fn).write_bytes(doc.body)
            n += 1
        (d / f"{rep.report_year}_{rep.layout}_truth.json").write_text(
            json.dumps(truth_json(rep), ensure_ascii=False, indent=1), encoding="utf-8")
        copies.append({"agency_id": rep.agency_id, "report_year": rep.report_year, "layout": rep.layout,
                       "copy_of": rep.copy_of, "flags": rep.flags})
    (out / "index.json").write_text(json.dumps({"seed": corpus.seed, "missing": corpus.missing,
                                                "missing_open_world": corpus.missing_open_world, "reports": index,
                                                **({"copies": copies} if copies else {})},
                                               ensure_ascii=False, indent=1), encoding="utf-8")
    return n
