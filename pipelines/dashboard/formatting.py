"""Number and table formatting shared by the pages: empty cells show "—" (never None / NaN),
whole numbers without ".0", thousands separators, headers and codes through the labels file."""
from __future__ import annotations

import math

import pandas as pd

from pipelines.dashboard import labels as L

EMPTY = "—"


def is_empty(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):   # lists / arrays
        return False


def fmt_num(v, decimals: int = 2) -> str:
    """1234 -> '1,234'; 1234.5 -> '1,234.50'; None / NaN -> '—'."""
    if is_empty(v):
        return EMPTY
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isinf(f):
        return EMPTY
    if f == round(f):
        return f"{int(round(f)):,}"
    return f"{f:,.{decimals}f}"


def fmt_int(v) -> str:
    return EMPTY if is_empty(v) else f"{int(round(float(v))):,}"


def fmt_signed(v) -> str:
    if is_empty(v):
        return EMPTY
    s = fmt_num(v)
    return s if s.startswith("-") or float(v) == 0 else f"+{s}"


def fmt_pct(v) -> str:
    return EMPTY if is_empty(v) else f"{float(v) * 100:+.1f}%"


def fmt_text(v) -> str:
    if is_empty(v):
        return EMPTY
    if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
        items = [str(x) for x in (v.tolist() if hasattr(v, "tolist") else v) if not is_empty(x)]
        return "、".join(items) if items else EMPTY
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return "✓" if v else "✗"
    return str(v)


def display(df: pd.DataFrame, lang: str, *, codes: dict[str, str] | None = None,
            keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy for st.dataframe / st.table: every cell a string ("—" when empty), numbers formatted,
    the columns named in `codes` ({column: label kind}) translated, headers from the labels file.
    Columns in `keep` are left as they are (e.g. URLs for a LinkColumn)."""
    out = pd.DataFrame(index=df.index)
    codes = codes or {}
    for col in df.columns:
        s = df[col]
        if col in keep:   # e.g. URLs for a LinkColumn: a missing one is an empty cell, not "None"
            out[col] = ["" if is_empty(v) else v for v in s]
            continue
        if col in codes:
            kind = codes[col]
            if kind == "check":
                out[col] = [EMPTY if is_empty(v) else L.check_label(v, lang) for v in s]
            else:
                out[col] = [EMPTY if is_empty(v) else L.label(kind, v, lang) for v in s]
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[col] = [fmt_text(v) for v in s]
        elif pd.api.types.is_numeric_dtype(s.dtype) and col not in ("report_year", "year"):
            out[col] = [fmt_num(v) for v in s]
        else:
            out[col] = [fmt_text(v) for v in s]
    out.columns = [header(c, lang) for c in df.columns]
    return out


def header(col, lang: str) -> str:
    return L.label("column", col, lang) if L.has("column", str(col)) else str(col)
