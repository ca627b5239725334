"""`govreports export`: every mart as a Parquet or CSV file, for tools that do not speak DuckDB, with
a data dictionary beside them (`DATA_DICTIONARY.md` for people, `data_dictionary.json` for
programs): each mart's description, file, row count and columns with their types and meanings,
read from the warehouse's own comments (the dbt descriptions, persisted by dbt)."""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from pipelines.warehouse.db import connect

BOM = "\ufeff".encode("utf-8")
DICTIONARY_MD, DICTIONARY_JSON = "DATA_DICTIONARY.md", "data_dictionary.json"


def _writable_dir(out_dir: Path) -> None:
    """ValueError (one line for the CLI) when the folder cannot be made or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot write the export to {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):
        raise ValueError(f"cannot write the export to {out_dir}: permission denied")


def _prepend_bom(path: Path) -> None:
    """Excel on Chinese Windows reads a UTF-8 CSV without a byte-order mark as GBK."""
    tmp = path.with_name(path.name + ".bom-tmp")
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        dst.write(BOM)
        shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, path)


def dictionary(con, files: dict[str, Path]) -> list[dict]:
    """Each exported mart: name, file, rows, description and columns (name, type, description)."""
    comments = dict(con.execute("""SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'
                                   UNION ALL
                                   SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'marts'""").fetchall())
    out = []
    for table, path in files.items():
        columns = con.execute("""SELECT column_name, data_type, comment FROM duckdb_columns()
                                 WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index""",
                              [table]).fetchall()
        (rows,), = con.execute(f'SELECT count(*) FROM marts."{table}"').fetchall()
        out.append({"name": table, "file": path.name, "rows": rows, "description": comments.get(table) or "",
                    "columns": [{"name": n, "type": t, "description": c or ""} for n, t, c in columns]})
    return out


def _markdown(tables: list[dict], exported_at: str) -> str:
    lines = ["# Data dictionary", "", f"Exported {exported_at} from the govreports warehouse (schema `marts`).",
             "Each file is one mart; the columns are listed in file order.", ""]
    for t in tables:
        lines += [f"## {t['name']}", "", f"`{t['file']}` — {t['rows']:,} rows. {t['description']}".rstrip(), "",
                  "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c['name']}` | {c['type']} | {' '.join(c['description'].split()).replace('|', '/')} |"
                  for c in t["columns"]]
        lines.append("")
    return "\n".join(lines)


def export_marts(out_dir: Path, *, fmt: str = "parquet", db: str | Path | None = None,
                 bom: bool = False) -> list[Path]:
    if fmt not in {"parquet", "csv"}:
        raise ValueError(f"unknown export format {fmt!r} (parquet or csv)")
    if bom and fmt != "csv":
        raise ValueError("--bom applies to CSV files only")
    _writable_dir(out_dir)
    files: dict[str, Path] = {}
    with connect(db, read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        for table in tables:
            path = out_dir / f"{table}.{fmt}"
            options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
            target = str(path).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM marts.\"{table}\") TO '{target}' ({options})")
            if bom:
                _prepend_bom(path)
            files[table] = path
        exported_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        tables_doc = dictionary(con, files)
    (out_dir / DICTIONARY_JSON).write_text(
        json.dumps({"exported_at": exported_at, "format": fmt, "tables": tables_doc}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    (out_dir / DICTIONARY_MD).write_text(_markdown(tables_doc, exported_at), encoding="utf-8")
    return [*files.values(), out_dir / DICTIONARY_MD, out_dir / DICTIONARY_JSON]
