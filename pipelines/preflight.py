"""Checks made before a run is launched: the registry loads, the archive and the warehouse can be
written. A failure is one line (`SettingsInvalid`) and no run is created: `govreports run` exits 2,
the nightly schedule skips with the reason, the UI's job description shows it.

Which registry a warehouse is refreshed with: the one given (`--sources`, GOVREPORTS_SOURCES), else
the one the warehouse was last built with (recorded beside it by every run, so that `make dev` after
`make demo` crawls the demo site and never the real portals), else the default registry for a new
warehouse."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.runlog import LAST_RUN, logs_dir, now_iso

REGISTRY_RECORD = "registry.json"   # in the warehouse's logs folder (pipelines/runlog.py)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SettingsInvalid(ValueError):
    """The registry or a path of the settings cannot be used; `str(exc)` is the one line to print."""


@dataclass(frozen=True)
class RegistryChoice:
    path: Path
    why: str            # given / the one this warehouse was last built with / the default


def recorded_registry(warehouse: Path) -> Path | None:
    """The registry the warehouse's last run loaded, or None (a new warehouse, or no record)."""
    for name in (REGISTRY_RECORD, LAST_RUN):   # last_run.json: warehouses built before registry.json
        try:
            data = json.loads((logs_dir(warehouse) / name).read_text(encoding="utf-8"))
            return Path(data["sources_file"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def record_registry(warehouse: Path, sources_file: Path) -> None:
    directory = logs_dir(warehouse)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / (REGISTRY_RECORD + ".tmp")
    tmp.write_text(json.dumps({"sources_file": str(Path(sources_file).resolve()), "recorded_at": now_iso()},
                              ensure_ascii=False), encoding="utf-8")
    tmp.replace(directory / REGISTRY_RECORD)


def choose_registry(explicit: str | None, warehouse: Path, default: Path) -> RegistryChoice:
    if explicit:
        return RegistryChoice(Path(explicit), "given by GOVREPORTS_SOURCES or --sources")
    recorded = recorded_registry(warehouse)
    if recorded is not None:
        # even when that file is gone: a clear error beats crawling the default registry's real sites
        return RegistryChoice(recorded, "the one this warehouse was last built with")
    return RegistryChoice(default, "the default: no run of this warehouse is recorded")


def check_settings(sources_file: Path, archive_dir: Path, warehouse: Path):
    """The loaded Registry, or SettingsInvalid naming what is wrong and where."""
    from pipelines.sources.registry import load_registry

    sources_file = Path(sources_file)
    if not sources_file.is_file():
        raise SettingsInvalid(f"registry {sources_file} does not exist"
                              + (" (it is a folder)" if sources_file.is_dir() else ""))
    try:
        registry = load_registry(sources_file)
    except (ValueError, KeyError, TypeError, OSError) as exc:
        text = " ".join(str(exc).split())
        where = "" if text.startswith(str(sources_file)) else f"{sources_file}: "
        raise SettingsInvalid(f"registry {where}{text}") from None
    if not registry.sources:
        raise SettingsInvalid(f"registry {sources_file} lists no sources")
    _writable_dir(Path(archive_dir), "archive folder")
    if Path(warehouse).is_dir():
        raise SettingsInvalid(f"warehouse {warehouse} is a folder, not a DuckDB file")
    _writable_dir(Path(warehouse).parent, "warehouse folder")
    return registry


def _writable_dir(path: Path, what: str) -> None:
    """`path` is a folder we can write, or one we can create (its nearest existing parent is)."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise SettingsInvalid(f"{what} {path}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise SettingsInvalid(f"{what} {path}: {probe} is not writable")


def registry_hosts(registry) -> list[str]:
    """Every host a registry's sources may fetch from (entry URLs and allowed hosts)."""
    hosts: set[str] = set()
    for s in registry.sources:
        host = urlsplit(s.entry_url or "").hostname
        if host:
            hosts.add(host)
        hosts.update(h.split(":")[0] for h in s.allowed_hosts)
    return sorted(hosts)


def describe_registry(registry) -> str:
    """`14 sources on 127.0.0.1 only` / `51 sources on 38 hosts (www.zj.gov.cn, …)`."""
    hosts = registry_hosts(registry)
    n = len(registry.sources)
    if hosts and all(h in LOOPBACK for h in hosts):
        return f"{n} sources on 127.0.0.1 only"
    shown = ", ".join(hosts[:3]) + (", …" if len(hosts) > 3 else "")
    return f"{n} sources on {len(hosts)} hosts ({shown})"
