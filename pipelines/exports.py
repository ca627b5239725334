"""`govreports export`: every mart as a Parquet or CSV file, for tools that do not speak DuckDB."""
from __future__ import annotations

from pathlib import Path

from pipelines.warehouse.db import connect


def export_marts(out_dir: Path, *, fmt: str = "parquet", db: str | Path | None = None) -> list[Path]:
    if fmt not in {"parquet", "csv"}:
        raise ValueError(f"unknown export format {fmt!r} (parquet or csv)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with connect(db, read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        for table in tables:
            path = out_dir / f"{table}.{fmt}"
            options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
            target = str(path).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM marts.\"{table}\") TO '{target}' ({options})")
            written.append(path)
    return written
