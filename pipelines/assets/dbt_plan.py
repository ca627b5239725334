"""What tonight's dbt build must do: the whole project, the nodes downstream of what changed, or nothing.

A night with nothing new still rewrites the fetch log (the list pages it re-read), and downstream of
it are only views: dbt is not started at all, instead of 158 nodes. A night with new reports builds
`--select source:<source>.<table>+` for the raw tables that changed. Everything is built when the
cheap evidence cannot vouch for a smaller build:
- no successful build of this warehouse is recorded (a new or older warehouse);
- the dbt project's files differ from those of the last build (models, tests, seeds, macros);
- a model or seed of the project is missing from the warehouse;
- the operator asked for it (GOVREPORTS_FULL_BUILD=1, `govreports run --full-build`).
Models that read the date (tag `uses_current_date`) are compared by their rows: when the date moves
a deadline, they and everything downstream are rebuilt. When all that lies downstream of a change is
views (and the raw tables' columns are those of the last build), dbt is not started at all: a view
reads the new rows by itself."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse import changes

DATE_TAG = "uses_current_date"
PROJECT_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md"}
# the folders dbt reads (dbt_project.yml's *-paths) and its top-level configuration; not README.md,
# examples/ or scripts/, whose edits change nothing dbt builds
DBT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
DBT_CONFIG = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")


def project_files(dbt_dir: Path) -> list[Path]:
    """The files whose content decides what dbt builds."""
    files = [dbt_dir / name for name in DBT_CONFIG if (dbt_dir / name).is_file()]
    for folder in DBT_FOLDERS:
        files += [p for p in (dbt_dir / folder).rglob("*") if p.suffix in PROJECT_SUFFIXES and p.is_file()]
    return sorted(files)


def project_fingerprint(dbt_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in project_files(dbt_dir):
        digest.update(str(path.relative_to(dbt_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        from importlib.metadata import version

        digest.update(f"dbt-core {version('dbt-core')} dbt-duckdb {version('dbt-duckdb')}".encode())
    except Exception:  # noqa: BLE001 - an unknown version only makes the fingerprint coarser
        pass
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildPlan:
    select: tuple[str, ...] | None      # None: the whole project; (): nothing to build
    reason: str
    project_fingerprint: str
    raw_versions: dict[str, int] = field(default_factory=dict)

    @property
    def is_full(self) -> bool:
        return self.select is None

    @property
    def is_empty(self) -> bool:
        return self.select == ()

    @property
    def selection(self) -> str:
        """What `dbt build` selected: 'all', the selectors, or '' when dbt did not run."""
        return "all" if self.select is None else " ".join(self.select)


def plan_build(con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any], fingerprint: str, *,
               full: bool = False) -> BuildPlan:
    versions = changes.raw_versions(con)

    def everything(reason: str) -> BuildPlan:
        return BuildPlan(None, reason, fingerprint, versions)

    if full:
        return everything("full build requested")
    last = changes.last_build(con)
    if last is None:
        return everything("no earlier dbt build of this warehouse is recorded: building everything")
    if last.project_fingerprint != fingerprint:
        return everything("the dbt project changed since the last build: building everything")
    missing = missing_relations(con, manifest)
    if missing:
        return everything(f"{len(missing)} relations missing from the warehouse ({', '.join(missing[:3])}): "
                          "building everything")
    sources = raw_sources(manifest)
    changed = changes.changed_since(last, versions)
    moved = [name for name, fp in dated_fingerprints(con, manifest).items() if last.dated_models.get(name) != fp]
    what = ", ".join([f"raw.{t}" for t in changed] + [f"{m} (the date)" for m in moved])
    if not what:
        return BuildPlan((), f"nothing changed since the build of run {last.run_id} ({last.built_at}): "
                             "nothing to build", fingerprint, versions)
    roots = [sources[t][1] for t in changed if t in sources] + [_model_id(manifest, m) for m in moved]
    if last.raw_columns == changes.raw_columns(con) and only_views(manifest, downstream(manifest, roots)):
        # e.g. a night with nothing new: the fetch log grew, and its one view reads it as it is
        return BuildPlan((), f"changed since the last build: {what}; downstream of it are only views, which read "
                             "the new rows as they are: nothing to build", fingerprint, versions)
    select = [f"source:{sources[t][0]}+" for t in changed if t in sources] + [f"{m}+" for m in moved]
    return BuildPlan(tuple(select), f"changed since the last build: {what}; building {' '.join(select)}",
                     fingerprint, versions)


def downstream(manifest: Mapping[str, Any], roots: list[str]) -> set[str]:
    """Every node below the roots (unique ids), from the manifest's child map."""
    children = manifest.get("child_map") or {}
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def only_views(manifest: Mapping[str, Any], nodes: set[str]) -> bool:
    """True when nothing below is built from data: views (their SQL unchanged, as the project
    fingerprint vouches) and exposures only; a test, table, incremental model or seed needs dbt."""
    for uid in nodes:
        if uid.startswith("exposure."):
            continue
        node = manifest["nodes"].get(uid)
        if node is None or node["resource_type"] != "model" or node.get("config", {}).get("materialized") != "view":
            return False
    return True


def _model_id(manifest: Mapping[str, Any], name: str) -> str:
    return next(uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model" and n["name"] == name)


def raw_sources(manifest: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """raw table name -> (dbt source selector name `crawl.fetch_log`, the source's unique id)."""
    return {s["identifier"]: (f"{s['source_name']}.{s['name']}", s["unique_id"]) for s in manifest["sources"].values()
            if s.get("schema") == "raw"}


def _relations(manifest: Mapping[str, Any], *, tag: str | None = None) -> dict[str, str]:
    out = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] not in {"model", "seed", "snapshot"}:
            continue
        if node.get("config", {}).get("materialized") == "ephemeral" or not node.get("config", {}).get("enabled", True):
            continue
        if tag is None or tag in node.get("tags", []):
            out[node["name"]] = f'{node["schema"]}.{node.get("alias") or node["name"]}'
    return out


def missing_relations(con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any]) -> list[str]:
    have = {f"{s}.{t}" for s, t in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
    return sorted(r for r in _relations(manifest).values() if r not in have)


def dated_fingerprints(con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any]) -> dict[str, str]:
    """The rows of the models that read the date, as they read today."""
    return {name: changes.fingerprint(con, relation)
            for name, relation in _relations(manifest, tag=DATE_TAG).items()}
