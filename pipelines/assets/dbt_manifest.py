"""The dbt manifest Dagster's dbt assets are defined from, one per warehouse.

dbt's partial parsing keys on the rendered profile, whose path is the warehouse's, so each warehouse
gets its own target folder (`dbt_project/target/<file>-<hash>/`: manifest, partial parse state and
the builds' folders). Two processes on two warehouses (a test beside `make dev`, a bench) then never
re-parse each other's state away, and a no-change build of either re-parses nothing. `dbt parse`
runs under a file lock into a scratch folder whose files are moved into place, so a process that
loads the definitions meanwhile reads the old manifest or the new one, never half of one."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.warehouse.db import PROJECT_ROOT, warehouse_path

from .dbt_plan import project_files

DBT_DIR = PROJECT_ROOT / "dbt_project"
TARGET_ROOT = DBT_DIR / "target"
STAMP = ".parsed_for_warehouse"
PARSED_FILES = ("manifest.json", "partial_parse.msgpack")


def target_dir(warehouse: Path | None = None) -> Path:
    path = (warehouse or warehouse_path()).resolve()
    return TARGET_ROOT / f"{path.stem}-{hashlib.sha256(str(path).encode()).hexdigest()[:10]}"


def ensure_manifest(warehouse: Path | None = None) -> Path:
    """`dbt parse` (offline, ~5 s) when this warehouse's manifest is missing or older than the
    project's files; the parse renders the profile exactly as the build will (the same absolute
    GOVREPORTS_DUCKDB)."""
    warehouse = (warehouse or warehouse_path()).resolve()
    target = target_dir(warehouse)
    manifest = target / "manifest.json"
    if _fresh(manifest):
        return manifest
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target / ".parse.lock"):
        if not _fresh(manifest):          # another process may have parsed while we waited
            _parse_into(target, warehouse)
    _forget_gone_warehouses(keep=target)
    return manifest


def _fresh(manifest: Path) -> bool:
    if not manifest.exists():
        return False
    newest = max((p.stat().st_mtime for p in project_files(DBT_DIR)), default=0)
    return manifest.stat().st_mtime >= newest


def _parse_into(target: Path, warehouse: Path) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=".parse-", dir=target))
    try:
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                        "--target-path", str(scratch)], check=True, cwd=DBT_DIR,
                       env={**os.environ, "GOVREPORTS_DUCKDB": str(warehouse), "DBT_TARGET_PATH": str(scratch)})
        for name in PARSED_FILES:          # the manifest last: its mtime says the pair is complete
            if name != "manifest.json":
                os.replace(scratch / name, target / name)
        (target / STAMP).write_text(str(warehouse), encoding="utf-8")
        os.replace(scratch / "manifest.json", target / "manifest.json")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _forget_gone_warehouses(keep: Path, min_age_s: float = 86400) -> None:
    """Target folders of warehouses that no longer exist (a test's, a bench's), untouched for a day
    (a new warehouse's file appears only after its first parse), are removed."""
    now = time.time()
    for folder in TARGET_ROOT.iterdir():
        stamp = folder / STAMP
        if folder == keep or not folder.is_dir() or not stamp.exists() or now - stamp.stat().st_mtime < min_age_s:
            continue
        if not Path(stamp.read_text(encoding="utf-8").strip()).exists():
            shutil.rmtree(folder, ignore_errors=True)
