"""The metric catalog (a copy of the spec's metrics.csv shipped inside the package)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

CATALOG_PATH = Path(__file__).with_name("metrics.csv")

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)


@dataclass(frozen=True)
class Metric:
    code: str
    eras: tuple[str, ...]
    table: str
    sub_table: str
    row_label: str
    column_label: str
    unit: str


def _load() -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    with CATALOG_PATH.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["metric_code"]] = Metric(
                code=row["metric_code"],
                eras=tuple(e.strip() for e in row["eras"].split(",") if e.strip()),
                table=row["table"],
                sub_table=row["sub_table"],
                row_label=row["row_label"],
                column_label=row["column_label"],
                unit=row["unit"],
            )
    return out


METRICS: dict[str, Metric] = _load()


_UNITS = {c: m.unit for c, m in METRICS.items()}


def unit_of(code: str) -> str:
    """Unit of a metric code; codes beyond the catalog are decided by their name."""
    u = _UNITS.get(code)
    if u is not None:
        return u
    if code.endswith("_cny") or "fee" in code and "amount" in code:
        return "cny"
    if code.endswith("_change"):
        return "count_signed"
    return "count"


_ERA_CODES: dict[str, tuple[str, ...]] = {}


def era_codes(era: str) -> tuple[str, ...]:
    """Catalog codes printed by the tables of one era (in catalog order)."""
    if era not in _ERA_CODES:
        _ERA_CODES[era] = tuple(c for c, m in METRICS.items() if era in m.eras)
    return _ERA_CODES[era]
