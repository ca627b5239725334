"""Data classes of the demo corpus."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# the document layouts (DemoDocument.layout)
HTML_LAYOUTS = ("html_grid", "html_word", "html_flat_cells", "html_tab_rows")
ALL_LAYOUTS = (*HTML_LAYOUTS, "pdf", "docx", "doc", "pdf_image")
# third-party renderings of published reports (Corpus.copies, copies.py): a PDF-to-Markdown
# conversion, OCR text, flattened page text with run-together digits
COPY_LAYOUTS = ("md_pipe", "ocr_text", "flat_runtogether")

MEDIA_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "md": "text/markdown",
    "txt": "text/plain",
}


@dataclass
class DemoDocument:
    format: str                    # html | pdf | docx | doc | md | txt
    layout: str                    # one of ALL_LAYOUTS, COPY_LAYOUTS or landing
    filename: str                  # file name (attachments: the Content-Disposition name)
    body: bytes                    # exactly the bytes served
    media_type: str                # bare media type, e.g. text/html
    encoding: str                  # utf-8 | gbk | utf-8-sig | binary
    content_type: str = ""         # the Content-Type header served (may declare gb2312 or nothing)
    host: str = ""                 # simulated host name (see sites.HOSTS)
    path: str = ""                 # root-relative URL path (with query for xxgk / downfile)
    role: str = "primary"          # primary | attachment | repost | landing (open-world article shells)
    expect_status: str = "parsed"  # parsed | no_tables | image_only | unsupported_format
    oss_path: str | None = None    # also (or only) served on the OSS host at this path
    urls: list[str] = field(default_factory=list)   # absolute URLs, set by the site builder
    # what parse_document(body) alone, without hints, must say about the agency: the canonical name
    # and GB/T 2260 code, or None where the document itself names no agency it can be resolved from
    # (a bare 市工信局 attachment, an ambiguous 朝阳区, an unreadable file)
    expect_agency_name: str | None = None
    expect_division_code: str | None = None
    # open-world documents: the division_code of the registry source that serves them, and what
    # parse_document(body, division=division_hint) must say (None elsewhere)
    division_hint: str | None = None
    expect_hinted_agency_name: str | None = None
    expect_hinted_division_code: str | None = None


@dataclass
class DemoReport:
    agency_id: str                 # stable truth key: the catalog id, or ow_* for open-world agencies (not a warehouse id)
    agency_name: str               # true canonical full name
    agency_as_printed: str         # how the report prints its agency ("" when the title names none)
    report_year: int
    era: str                       # pre2019 | y2019 | y2021 (of the printed tables)
    title: str
    published_on: dt.date
    truth: dict[str, tuple]        # metric_code -> (value, value_raw, semantic)
    narrative_truth: dict[str, tuple] = field(default_factory=dict)
    documents: list[DemoDocument] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    expected_failing_checks: list[str] = field(default_factory=list)
    # V5–V7 codes (v5_carried_over__<applicant>, v6_in_force__<item>, v7_items_prev_year__<item>) that
    # fail between the previous year's report of the same agency and this one (recorded on the later year)
    expected_cross_year_breaks: list[str] = field(default_factory=list)
    expect_status: str = "parsed"
    layout: str = ""               # layout of the primary document
    host: str = ""                 # host of the primary document
    family: str = ""               # site family of the primary host
    flags: list[str] = field(default_factory=list)   # printed variants (fullwidth, blank_zeros …)
    landing_path: str | None = None   # article page that links a non-HTML primary document
    article_id: str = ""
    division_code: str | None = None  # GB/T 2260 code of the agency's division (truth)
    catalogued: bool = True           # the agency is in pipelines/sources/agencies.yaml
    landing_title: str | None = None  # title of the landing page (and list entry) when it differs from title
    # copies (Corpus.copies): the layout of the published document this one renders, and what a
    # parser may leave null: codes whose cells may stay null with a warning naming them (or their
    # row), and among those the codes where any value would be a guess (a value there is WRONG)
    copy_of: str | None = None
    truth_null_ok: set[str] = field(default_factory=set)
    truth_must_be_null: set[str] = field(default_factory=set)
    # flat_runtogether: every run-together row, its cuts and how many satisfy the identities
    segmentations: list[dict] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int]:
        return (self.agency_id, self.report_year)

    @property
    def primary(self) -> DemoDocument:
        return next(d for d in self.documents if d.role == "primary")


@dataclass
class Corpus:
    seed: int
    reports: list[DemoReport]
    missing: list[tuple[str, int]]             # agency-years with no published report
    agencies: list[dict]                       # catalog entries used (agencies.yaml rows)
    years: tuple[int, int] = (2016, 2024)
    # open-world agencies (pipelines/demo/open_world.yaml rows, in no catalog) and their agency-years
    # that the source is expected to carry (its registry `years`) but that were never published
    open_world_agencies: list[dict] = field(default_factory=list)
    missing_open_world: list[tuple[str, int]] = field(default_factory=list)
    # renderings of reports above by third parties (a text archive): same agency-year, own truth
    # allowances and flags; not in ``reports`` (one report per agency-year) but in ``documents()``
    copies: list[DemoReport] = field(default_factory=list)

    def report(self, agency_id: str, year: int) -> DemoReport | None:
        for r in self.reports:
            if r.agency_id == agency_id and r.report_year == year:
                return r
        return None

    def documents(self):
        """(report, document) of every report, then of every copy."""
        for r in (*self.reports, *self.copies):
            for d in r.documents:
                yield r, d
