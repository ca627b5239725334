"""The address check at connect time: the peer address of every new TCP connection is checked
after the connect and before a byte is sent, so a name that resolves to a public address when the
crawler checks it and to a private one when httpx connects (DNS rebinding) reaches nothing."""
from __future__ import annotations

import typing

import httpcore
import httpx

from .safety import is_private_ip


class PrivateAddressRefused(httpcore.ConnectError):
    """A connection reached a private address the source does not allow for that host."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Wraps httpcore's default backend; ``allow(host, port)`` says whether ``host`` may be a
    private address (safety.private_allowed with the source's setting)."""

    def __init__(self, allow: typing.Callable[[str, int], bool]):
        self._inner = httpcore.AnyIOBackend()
        self._allow = allow

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = await self._inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                               socket_options=socket_options)
        peer = stream.get_extra_info("server_addr")
        ip = peer[0] if isinstance(peer, tuple) and peer else None
        if ip is None or (is_private_ip(str(ip)) and not self._allow(host, port)):
            await stream.aclose()
            raise PrivateAddressRefused(f"not_allowed: {host} connected to private address {ip}")
        return stream

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise PrivateAddressRefused("not_allowed: unix sockets are never used by the crawler")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(allow, **kwargs) -> httpx.AsyncHTTPTransport:
    """An httpx transport (no proxy) whose new connections go through GuardedBackend."""
    t = httpx.AsyncHTTPTransport(**kwargs)
    pool = t._pool
    if not hasattr(pool, "_network_backend"):   # fail closed if httpcore changes its internals
        raise RuntimeError("httpcore connection pool without _network_backend: cannot guard connects")
    pool._network_backend = GuardedBackend(allow)
    return t
