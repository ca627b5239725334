"""parse_document: sniff → read → era → match → checks → metadata."""
from __future__ import annotations

from typing import Final

from .agency_resolve import Resolved
from .agency_resolve import resolve as resolve_agency
from .catalog import APPLICANTS, METRICS, era_codes
from pipelines.encoding import decode_bytes as decode
from .checks import run_checks
from .era import detect_era
from .errors import UnreadableDocument
from .flat import rebuild_rows
from .meta import (agency_from_body, agency_from_signature, agency_from_title, find_published, find_title,
                   find_year)
from .model import Document
from .narrative import narrative_metrics
from .pre2019 import match_pre2019
from .readers.legacy import SHEET_KINDS, TEXT_KINDS, convert_legacy
from .sniff import sniff
from .tables import T2_ROWS, T3_OTHER_SUBROWS, Result, match_tables
from . import tolerant

PARSER_VERSION: Final = "1.1.0"

LEGACY_READABLE: Final = TEXT_KINDS | SHEET_KINDS
_LEGACY_NAMES: Final = {"doc": ".doc", "wps": ".wps", "xls": ".xls", "et": ".et", "ppt": ".ppt", "dps": ".dps"}


def _agency_keys(ag: Resolved | None) -> dict:
    if ag is None:
        return {"agency_division_code": None, "agency_kind": None, "agency_admin_level": None,
                "agency_sector": None, "agency_confidence": None, "agency_evidence": None}
    return {"agency_division_code": ag.division, "agency_kind": ag.kind, "agency_admin_level": ag.admin_level,
            "agency_sector": ag.sector, "agency_confidence": ag.confidence, "agency_evidence": ag.evidence}


def _empty_result(status: str, warnings: list[str], agency=None, year=None, division=None) -> dict:
    ag = resolve_agency(agency=agency, division=division) if agency else None
    if ag is not None:
        warnings = warnings + ag.warnings
    return {"title": None, "agency_name": ag.name if ag is not None else None,
            "agency_as_printed": None, "report_year": int(year) if year else None, "era": None,
            "published_on": None, "metrics": [], "checks": [], "warnings": warnings,
            "parse_status": status, **_agency_keys(ag)}


def _legacy_ext(filename: str | None, media_type: str | None) -> str:
    """doc / wps / et / xls / ppt / dps from the name, else from the media type; an OLE file with
    neither is taken for a .doc (LibreOffice detects the real type from the content anyway)."""
    ext = filename.lower().rsplit(".", 1)[-1] if filename and "." in filename else ""
    if ext in _LEGACY_NAMES:
        return ext
    media = (media_type or "").lower()
    return "xls" if "excel" in media else "et" if "kset" in media else "doc"


def _read(data: bytes, kind: str, media_type: str | None) -> Document:
    if kind == "pdf":
        from .readers.pdf import read_pdf

        return read_pdf(data)
    if kind == "docx":
        from .readers.docx import read_docx

        return read_docx(data)
    text, enc = decode(data, media_type)
    if kind == "html":
        from .readers.html import read_html

        doc = read_html(text, data, enc)
    elif kind == "markdown":
        from .readers.markdown import read_markdown

        doc = read_markdown(text)
    else:
        from .readers.text import read_text

        doc = read_text(text)
    if enc.endswith("+replace"):
        doc.warnings.append(f"undecodable bytes replaced ({enc.split('+')[0]})")
    return doc


# the codes _derive_other reads, built once: per applicant (column, its 其他处理 code, its sub-row codes)
_OTHER_COLUMNS: Final = tuple((col, f"t3_res_other__{col}", tuple(f"t3_{k}__{col}" for k in T3_OTHER_SUBROWS))
                       for col in APPLICANTS)
_OTHER_SUBROW_CODES: Final = tuple(f"t3_{k}__{c}" for k in T3_OTHER_SUBROWS for c in APPLICANTS)


def _derive_other(res: Result, era: str | None) -> None:
    """y2021: （六）其他处理 has no cells of its own (or blank ones) → the sum of its three sub-rows."""
    if era != "y2021":
        return
    derived = []
    get = res.metrics.get
    # a filled-in table leaves zero cells blank; only an entirely blank one has nothing to sum
    filled = any(get(c, (None,))[0] is not None for c in _OTHER_SUBROW_CODES)
    for col, code, subrows in _OTHER_COLUMNS:
        row = get(code)
        if row is not None and row[2] != "empty":
            continue
        parts: list = [get(c) for c in subrows]
        if any(p is None for p in parts):
            continue
        nums = [p[0] for p in parts if p[0] is not None]
        if not nums and not filled:  # an entirely blank table (a template) stays blank
            res.metrics[code] = (None, "", "empty")
            continue
        total = sum(nums)
        if isinstance(total, float) and total.is_integer():
            total = int(total)
        res.metrics[code] = (total, str(total), "zero" if total == 0 else "numeric")
        derived.append(col)
    if derived:
        res.warnings.append("t3_res_other derived as the sum of its three sub-rows (" + ", ".join(derived) + ")")


_ORDER: Final = {c: i for i, c in enumerate(METRICS)}
_ORDER_OF: Final = _ORDER.__getitem__
_ERA_CODES: Final = {era: frozenset(era_codes(era)) for era in ("y2019", "y2021", "pre2019")}


def _metric_list(metrics: dict) -> list[dict]:
    # catalog order, then codes beyond the catalog by name
    try:
        codes = sorted(metrics, key=_ORDER_OF)
    except KeyError:  # a code beyond the catalog
        codes = [c for c in metrics if c in _ORDER]
        codes.sort(key=_ORDER_OF)
        codes += sorted(c for c in metrics if c not in _ORDER)
    return [{"metric_code": c, "value": (m := metrics[c])[0], "value_raw": m[1], "semantic": m[2]}
            for c in codes]


_T2_ROW_NAMES: Final = tuple(sorted(set(T2_ROWS.values()), key=len, reverse=True))


def _drop_partial_t2_rows(res: Result, since: int) -> None:
    """Rows rebuilt from one-cell-per-block text: a blank cell is still a block, so a table-二 row
    short of cells was cut by the rebuild and its values' columns are a guess (行政许可 + one block
    3960181 is not 上一年项目数量 = 3960181). Leave the whole row out, with a warning."""
    rows: set[str] = set()
    for w in res.warnings[since:]:
        if w.endswith(": cell missing") and w.startswith("t2_"):
            code = w.split(":", 1)[0]
            rows.update(r for r in _T2_ROW_NAMES if code.startswith(f"t2_{r}_") or code == f"t2_{r}")
    for row in rows:
        dropped = [c for c in list(res.metrics) if c.startswith(f"t2_{row}_") or c == f"t2_{row}"]
        for c in dropped:
            del res.metrics[c]
        res.warnings.append(f"t2_{row}: the rebuilt row is short of cells; its values ({len(dropped)}) left out, "
                            "their columns would be a guess")


def parse_document(data: bytes, *, filename: str | None = None, media_type: str | None = None,
                   agency: str | None = None, year: int | None = None, division: str | None = None) -> dict:
    if not data or data.isspace():  # (not data.strip(): that copies the whole document)
        return _empty_result("not_a_report", ["empty document"], agency, year, division)
    kind = sniff(data, filename, media_type)
    converted = None
    if kind == "legacy":
        ext = _legacy_ext(filename, media_type)
        if ext in LEGACY_READABLE:
            try:
                converted = convert_legacy(data, ext)
            except UnreadableDocument as exc:          # no converter, or a file it cannot open
                return _empty_result("unsupported_format", [
                    f"unsupported format (.{ext}): {exc}; convert to DOCX, PDF or HTML to parse it"],
                    agency, year, division)
            data, kind, media_type = converted.data, converted.kind, None
    if kind in ("legacy", "xlsx", "ofd", "rtf"):
        ext = (filename or "").lower().rsplit(".", 1)[-1] if filename and "." in filename else kind
        return _empty_result("unsupported_format", [
            f"unsupported format ({_LEGACY_NAMES.get(ext, ext)}): convert to DOCX, PDF or HTML to parse it"],
            agency, year, division)
    if kind in ("zip", "binary") or kind.startswith("image:"):
        raise UnreadableDocument(f"not a document ({kind.split(':')[-1]})")

    doc = _read(data, kind, media_type)
    warnings = ([converted.note] if converted else []) + list(doc.warnings)
    res = Result()
    era = detect_era(doc.rows)
    if era == "pre2019":
        match_pre2019(doc.rows, res)
    elif era in ("y2019", "y2021"):
        match_tables(doc.rows, era, res)
    else:
        match_tables(doc.rows, "y2019", res)
        if res.metrics:
            era = "y2021" if any(f"t3_{k}__total" in res.metrics for k in T3_OTHER_SUBROWS) else "y2019"
        else:
            match_pre2019(doc.rows, res)
            if res.metrics:
                era = "pre2019"
    if not res.metrics and doc.blocks:
        # tables flattened to one block per cell: rebuild the rows from the template's structure
        rows = rebuild_rows(doc.blocks)
        era = detect_era(rows) or era
        if era == "pre2019":
            match_pre2019(rows, res)
        elif era in ("y2019", "y2021"):
            n_warnings = len(res.warnings)
            match_tables(rows, era, res)
            _drop_partial_t2_rows(res, n_warnings)
        if res.metrics:
            res.warnings.append("table cells had no row boundaries; rows rebuilt from the template labels")
    if tolerant.needed(res, era, doc):  # cells left unfilled: read again by the template (issue 12)
        era = tolerant.complete(doc, doc.rows, era, res)
    _derive_other(res, era)
    if era in ("y2019", "y2021") and not _ERA_CODES[era].issubset(res.metrics):
        # rows whose cell digits ran together (flattened text): recovered only where certain
        from .runtogether import recover as recover_runs

        if recover_runs(doc.lines, doc.rows, era, res):
            _derive_other(res, era)
    warnings.extend(res.warnings)

    joiner = "" if doc.fmt == "pdf" else "\n"
    text = joiner.join(doc.lines)
    title = find_title(doc.lines, doc.meta)
    report_year, year_source = find_year(title, text, year)
    if year and report_year and int(year) != report_year:
        warnings.append(f"--year {year} differs from the document's {report_year} ({year_source})")
    # who published it: every piece of evidence combined (agency_resolve.py)
    ag = resolve_agency(title_agency=agency_from_title(title), header=agency_from_body(doc.lines),
                        signature=agency_from_signature(doc.lines), meta=doc.meta, text=text, title=title,
                        agency=agency, division=division)
    warnings.extend(ag.warnings)
    published = find_published(doc.lines, doc.rows, doc.meta)

    table_metrics = res.metrics
    metrics = dict(table_metrics)
    for code, val in narrative_metrics(text).items():
        metrics.setdefault(code, val)

    if era in ("y2019", "y2021", "pre2019") and table_metrics:
        missing = sorted(_ERA_CODES[era].difference(table_metrics))
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            warnings.append(f"{len(missing)} {era} metrics not found in the document: {shown}")

    if doc.status == "image_only" and not table_metrics:
        status = "image_only"
    elif table_metrics:
        status = "parsed"
    elif doc.fmt == "html" and doc.n_images and len(text) < 300:
        status = "image_only"
        warnings.append("the page shows the report as images; OCR would be needed")
    elif _looks_like_report(title, text):
        status = "no_tables"
        warnings.append("no statistics tables recognised")
    else:
        status = "not_a_report"
        warnings.append("no annual-report title or tables found")
    if title and "图片版" in title and not table_metrics:
        status = "image_only"

    return {
        "title": title,
        "agency_name": ag.name,
        "agency_as_printed": ag.as_printed,
        "report_year": report_year,
        "era": era,
        "published_on": published,
        "metrics": _metric_list(metrics),
        "checks": run_checks(table_metrics, era),
        "warnings": warnings,
        "parse_status": status,
        **_agency_keys(ag),
    }


def _looks_like_report(title: str | None, text: str) -> bool:
    hay = (title or "") + text[:3000]
    return ("公开" in hay) and any(w in hay for w in ("年度报告", "年报", "工作报告", "工作汇报", "年度工作"))
