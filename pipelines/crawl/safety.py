"""Host allow-lists and private-address refusal."""
from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    """scheme://host:port (default ports made explicit) — the unit of politeness and robots."""
    p = urlsplit(url)
    port = p.port or (443 if p.scheme == "https" else 80)
    return f"{p.scheme}://{(p.hostname or '').lower()}:{port}"


def _entry_matches(entry: str, host: str, port: int) -> bool:
    e = entry.lower().strip()
    if not e:
        return False
    if ":" in e and not e.startswith("["):
        eh, _, ep = e.rpartition(":")
        if ep.isdigit():
            return eh == host and int(ep) == port
    if e.startswith("*."):
        return host == e[2:] or host.endswith(e[1:])
    return e == host


def host_allowed(url: str, allowed_hosts: list[str]) -> bool:
    """An entry ``host`` allows any port, ``host:port`` that port only, ``*.suffix`` any subdomain."""
    p = urlsplit(url)
    if p.scheme not in ("http", "https") or not p.hostname:
        return False
    host = p.hostname.lower()
    port = p.port or (443 if p.scheme == "https" else 80)
    return any(_entry_matches(e, host, port) for e in allowed_hosts)


def private_allowance(value) -> bool | tuple[str, ...]:
    """A source's ``allow_private_addresses``: true / false, or the hosts (entries as in
    allowed_hosts: ``host``, ``host:port``, ``*.suffix``) that may resolve to a private address."""
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("true", "yes", "1"):
            return True
        if v in ("false", "no", "0", ""):
            return False
        return (v,)
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(sorted(str(h).lower().strip() for h in value if str(h).strip()))
    return bool(value)


def private_allowed(value, host: str, port: int) -> bool:
    """May ``host`` (connected on ``port``) be a private address under the setting ``value``?"""
    allowance = private_allowance(value)
    if isinstance(allowance, bool):
        return allowance
    host = (host or "").lower().strip("[]")
    return any(_entry_matches(e, host, port) for e in allowance)


@functools.lru_cache(maxsize=4096)     # pure, and asked for every request and every new connection
def is_private_ip(ip: str) -> bool:
    a = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped:
        a = a.ipv4_mapped
    return (a.is_private or a.is_loopback or a.is_link_local or a.is_multicast or a.is_reserved
            or a.is_unspecified or (isinstance(a, ipaddress.IPv4Address) and a in ipaddress.ip_network("100.64.0.0/10")))


async def resolve(host: str, port: int) -> list[str]:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return [host.strip("[]")]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({i[4][0] for i in infos})
