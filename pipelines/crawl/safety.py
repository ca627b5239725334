"""Host allow-lists and private-address refusal."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    """scheme://host:port (default ports made explicit) — the unit of politeness and robots."""
    p = urlsplit(url)
    port = p.port or (443 if p.scheme == "https" else 80)
    return f"{p.scheme}://{(p.hostname or '').lower()}:{port}"


def host_allowed(url: str, allowed_hosts: list[str]) -> bool:
    """An entry ``host`` allows any port, ``host:port`` that port only, ``*.suffix`` any subdomain."""
    p = urlsplit(url)
    if p.scheme not in ("http", "https") or not p.hostname:
        return False
    host = p.hostname.lower()
    port = p.port or (443 if p.scheme == "https" else 80)
    for entry in allowed_hosts:
        e = entry.lower().strip()
        if not e:
            continue
        if ":" in e and not e.startswith("["):
            eh, _, ep = e.rpartition(":")
            if ep.isdigit():
                if eh == host and int(ep) == port:
                    return True
                continue
        if e.startswith("*."):
            if host == e[2:] or host.endswith(e[1:]):
                return True
        elif e == host:
            return True
    return False


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
