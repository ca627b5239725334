"""How `govreports query` writes its rows: a table for people, CSV / JSON / Parquet for programs.

A table stops at --limit rows (200) and says so on stderr when there were more; the machine formats
write every row unless --limit is given, and say the same when they stop. CSV is RFC 4180 (`csv`
module), UTF-8, with a byte-order mark on request (Excel on Chinese Windows reads UTF-8 without one
as GBK); NULL is an empty field. JSON is one array of objects with the columns' names (dates and
timestamps as ISO 8601, decimals as numbers, NULL as null). Parquet keeps DuckDB's column types and
needs --output (binary data is not written to a terminal)."""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
import uuid
from pathlib import Path
from typing import Any

TABLE_LIMIT = 200


class OutputError(ValueError):
    """A bad --format / --output combination: said in one line by the CLI (exit 2)."""


def default_limit(fmt: str) -> int | None:
    return TABLE_LIMIT if fmt == "table" else None


def fetch(cursor, limit: int | None) -> tuple[list[str], list[tuple], bool]:
    """(column names, rows, truncated): at most `limit` rows (None or 0: all)."""
    names = [d[0] for d in cursor.description]
    if not limit:
        return names, cursor.fetchall(), False
    rows = cursor.fetchmany(limit + 1)
    return names, rows[:limit], len(rows) > limit


def truncation_note(n: int) -> str:
    return f"note: showing the first {n} rows; more matched (--limit N shows N, --limit 0 all of them)"


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (uuid.UUID, dt.timedelta)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def write_csv(names: list[str], rows: list[tuple], out, *, bom: bool = False) -> None:
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])


def write_json(names: list[str], rows: list[tuple], out) -> None:
    json.dump([{n: _json_value(v) for n, v in zip(names, row)} for row in rows], out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_table(names: list[str], rows: list[tuple], out) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*names)
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    # piped or redirected: no terminal width to fit, so no column is squeezed or cut
    console = Console(file=out) if out.isatty() else Console(file=out, width=100_000, no_color=True)
    console.print(table, soft_wrap=not out.isatty())


def write_parquet(arrow_table, path: Path) -> None:
    import pyarrow.parquet as pq

    _check_folder(path)
    try:
        pq.write_table(arrow_table, str(path))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc}") from None


def _check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")


def open_output(output: str | None):
    """The text stream to write to (stdout when no --output), or raises OutputError."""
    if not output or output == "-":
        return sys.stdout
    path = Path(output)
    _check_folder(path)
    try:   # newline="": the csv module writes its own line ends
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
