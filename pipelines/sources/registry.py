"""Source registry: the agency catalog and the YAML lists of crawl sources.

``load_agencies(path=None)`` reads ``agencies.yaml``; ``load_registry(path)`` reads a registry
(see docs/architecture.md "The registry") and validates it. Every validation error is a
``ValueError`` whose message names the file and the offending source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FAMILIES = ("hanweb_jcms", "hanweb_xxgk_annual", "hanweb_jpaas", "trs_static", "generic", "local_dir")

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent.parent
DEFAULT_AGENCIES = PACKAGE_DIR / "agencies.yaml"

DEFAULTS: dict[str, Any] = {
    "user_agent": "govreports/0.1 (+https://github.com/govreports/govreports; research crawler)",
    "rate_limit_per_s": 1.0,      # per host; 0 = unlimited
    "timeout_s": 20.0,            # read timeout
    "connect_timeout_s": 10.0,
    "max_bytes": 30_000_000,      # per response, raw and decompressed
    "max_redirects": 5,
    "max_retries": 2,             # extra attempts after the first
    "retry_backoff_s": 1.0,       # base of the exponential backoff
    "retry_after_cap_s": 30.0,    # never wait longer than this for Retry-After
    "max_concurrency": 8,         # global cap on requests in flight
    "max_pages": 200,             # list pages per source
}

_ID_RE = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    former_names: tuple[dict, ...] = ()
    sector: str | None = None
    kind: str | None = None
    admin_level: str | None = None
    division_code: str | None = None
    org_code: str | None = None
    org_code_verified: bool | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Source:
    id: str
    family: str
    entry_url: str | None
    agency: str | None = None
    allowed_hosts: list[str] = field(default_factory=list)
    # true / false, or the hosts (`host`, `host:port`, `*.suffix`) that may resolve to a private address
    allow_private_addresses: bool | tuple[str, ...] = False
    verified: bool = False
    rate_limit_per_s: float = 1.0
    proxy: str | None = None
    options: dict = field(default_factory=dict)
    user_agent: str = DEFAULTS["user_agent"]
    timeout_s: float = 20.0
    connect_timeout_s: float = 10.0
    max_bytes: int = 30_000_000
    max_redirects: int = 5
    max_retries: int = 2
    retry_backoff_s: float = 1.0
    retry_after_cap_s: float = 30.0
    max_pages: int = 200
    refetch: bool = False          # re-download archived articles/attachments (conditionally)
    respect_robots: bool = True
    tls: dict = field(default_factory=dict)   # {host: {verify: bool, legacy: bool}}
    registry_dir: Path | None = None
    # GB/T 2260 code of the jurisdiction the site serves (a portal of 淮安市: "320800"): context for
    # names printed without their place (洪泽区人民政府, 市科委). Defaults to the source agency's division.
    division_code: str | None = None
    # report years the source is expected to carry (coverage of agencies found on it); None = open
    years: tuple[int, int] | None = None

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default) if self.options else default


@dataclass
class Registry:
    path: Path | None
    defaults: dict
    sources: list[Source]
    agencies: dict[str, Agency]

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def agency(self, agency_id: str | None) -> Agency | None:
        return self.agencies.get(agency_id) if agency_id else None

    @property
    def max_concurrency(self) -> int:
        return int(self.defaults.get("max_concurrency", DEFAULTS["max_concurrency"]))


def load_agencies(path: str | Path | None = None) -> list[Agency]:
    path = Path(path) if path else DEFAULT_AGENCIES
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("agencies") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list under 'agencies'")
    known = {"id", "name", "short_name", "aliases", "former_names", "sector", "kind", "admin_level",
             "division_code", "org_code", "org_code_verified"}
    out: list[Agency] = []
    seen: set[str] = set()
    for i, a in enumerate(items):
        if not isinstance(a, dict) or not a.get("id") or not a.get("name"):
            raise ValueError(f"{path}: agency #{i} needs 'id' and 'name'")
        if a["id"] in seen:
            raise ValueError(f"{path}: duplicate agency id {a['id']!r}")
        seen.add(a["id"])
        out.append(Agency(
            id=str(a["id"]), name=str(a["name"]), short_name=a.get("short_name"),
            aliases=tuple(a.get("aliases") or ()), former_names=tuple(a.get("former_names") or ()),
            sector=a.get("sector"), kind=a.get("kind"), admin_level=a.get("admin_level"),
            division_code=None if a.get("division_code") is None else str(a["division_code"]),
            org_code=None if a.get("org_code") is None else str(a["org_code"]),
            org_code_verified=a.get("org_code_verified"),
            extra={k: v for k, v in a.items() if k not in known},
        ))
    return out


def _agency_refs(src: dict) -> list[str]:
    """Every agency id a source mentions (source agency and family options)."""
    refs = []
    if src.get("agency"):
        refs.append(src["agency"])
    opts = src.get("options") or {}
    if isinstance(opts.get("areas"), dict):
        refs += list(opts["areas"].keys())
    if isinstance(opts.get("agencies"), list):
        refs += list(opts["agencies"])
    if isinstance(opts.get("files"), dict):
        for meta in opts["files"].values():
            if isinstance(meta, dict) and meta.get("agency"):
                refs.append(meta["agency"])
    return [str(r) for r in refs]


def load_registry(path: str | Path) -> Registry:
    path = Path(path).resolve()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'sources'")
    agencies_file = data.get("agencies_file")
    if agencies_file:
        ap = Path(agencies_file)
        if not ap.is_absolute():
            cand = [path.parent / ap, PROJECT_ROOT / ap]
            ap = next((c for c in cand if c.exists()), cand[0])
        agencies = load_agencies(ap)
    else:
        agencies = load_agencies()
    amap = {a.id: a for a in agencies}
    defaults = dict(DEFAULTS)
    defaults.update(data.get("defaults") or {})
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list):
        raise ValueError(f"{path}: 'sources' must be a list")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, s in enumerate(raw_sources):
        if not isinstance(s, dict):
            raise ValueError(f"{path}: source #{i} is not a mapping")
        sid = s.get("id")
        where = f"{path}: source {sid!r}" if sid else f"{path}: source #{i}"
        if not sid:
            raise ValueError(f"{where}: missing 'id'")
        sid = str(sid)
        if not _ID_RE.match(sid):
            raise ValueError(f"{where}: id must be snake_case [a-z0-9_]")
        if sid in seen:
            raise ValueError(f"{where}: duplicate source id {sid!r}")
        seen.add(sid)
        fam = s.get("family")
        if fam not in FAMILIES:
            raise ValueError(f"{where}: unknown family {fam!r} (expected one of {', '.join(FAMILIES)})")
        opts = s.get("options") or {}
        if not isinstance(opts, dict):
            raise ValueError(f"{where}: 'options' must be a mapping")
        entry = s.get("entry_url")
        if not entry and not (fam == "local_dir" and opts.get("path")):
            raise ValueError(f"{where}: missing 'entry_url'")
        if entry and fam != "local_dir" and not re.match(r"^https?://[^/]+", str(entry)):
            raise ValueError(f"{where}: entry_url {entry!r} is not an http(s) URL")
        for ref in _agency_refs(s):
            if ref not in amap:
                raise ValueError(f"{where}: unknown agency id {ref!r} (not in the agency catalog)")
        if fam == "hanweb_xxgk_annual":
            for aid in opts.get("agencies") or []:
                if not amap[aid].org_code:
                    raise ValueError(f"{where}: agency {aid!r} has no org_code; give options.areas")
        allowed = s.get("allowed_hosts")
        if allowed is None:
            allowed = []
        if not isinstance(allowed, list):
            raise ValueError(f"{where}: 'allowed_hosts' must be a list")
        allowed = [str(h).lower() for h in allowed]
        if entry and fam != "local_dir":
            from urllib.parse import urlsplit
            netloc = urlsplit(str(entry)).netloc.lower()
            host = urlsplit(str(entry)).hostname or ""
            if netloc not in allowed and host not in allowed:
                allowed.insert(0, netloc)
        tls = s.get("tls") or {}
        if not isinstance(tls, dict):
            raise ValueError(f"{where}: 'tls' must be a mapping host -> profile")

        division = s.get("division_code")
        if division is not None and not re.fullmatch(r"\d{6}", str(division)):
            raise ValueError(f"{where}: division_code {division!r} is not a six-digit GB/T 2260 code")
        if division is None and s.get("agency"):
            division = amap[s["agency"]].division_code
        years = s.get("years")
        if years is not None:
            if not (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years)
                    and years[0] <= years[1]):
                raise ValueError(f"{where}: years must be [first, last], e.g. [2019, 2024]")
            years = (int(years[0]), int(years[1]))

        def pick(key, _s=s):
            v = _s.get(key)
            return defaults.get(key) if v is None else v

        sources.append(Source(
            id=sid, family=fam, entry_url=str(entry) if entry else None, agency=s.get("agency"),
            allowed_hosts=allowed, allow_private_addresses=_private_allowance(s.get("allow_private_addresses"), where),
            verified=bool(s.get("verified", False)),
            rate_limit_per_s=float(pick("rate_limit_per_s")), proxy=s.get("proxy"), options=opts,
            user_agent=str(pick("user_agent")), timeout_s=float(pick("timeout_s")),
            connect_timeout_s=float(pick("connect_timeout_s")), max_bytes=int(pick("max_bytes")),
            max_redirects=int(pick("max_redirects")), max_retries=int(pick("max_retries")),
            retry_backoff_s=float(pick("retry_backoff_s")), retry_after_cap_s=float(pick("retry_after_cap_s")),
            max_pages=int(pick("max_pages")), refetch=bool(s.get("refetch", False)),
            respect_robots=bool(s.get("respect_robots", True)), tls=tls, registry_dir=path.parent,
            division_code=None if division is None else str(division), years=years,
        ))
    return Registry(path=path, defaults=defaults, sources=sources, agencies=amap)


def _private_allowance(value: Any, where: str) -> bool | tuple[str, ...]:
    """`allow_private_addresses`: a boolean, or a list of host entries (never a list read as true)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(h, str) and h.strip() for h in value):
        return tuple(sorted(h.strip().lower() for h in value))
    raise ValueError(f"{where}: allow_private_addresses must be true, false or a list of hosts")


def resolve_local_path(source: Source) -> Path:
    """options.path (or a file:// entry_url) of a local_dir source: absolute, else relative to the
    project root, else relative to the registry file's folder."""
    raw = source.option("path")
    if not raw and source.entry_url and source.entry_url.startswith("file://"):
        from urllib.parse import unquote, urlsplit
        raw = unquote(urlsplit(source.entry_url).path)
    p = Path(str(raw))
    if p.is_absolute():
        return p
    cands = [PROJECT_ROOT / p]
    if source.registry_dir:
        cands.append(source.registry_dir / p)
    for c in cands:
        if c.exists():
            return c.resolve()
    return cands[0].resolve()
