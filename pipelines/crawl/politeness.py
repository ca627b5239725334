"""Per-host politeness: one request in flight per host, and at least 1/rate seconds between the end
of one request and the start of the next (so the server never sees two requests closer than that,
whatever the connection set-up time)."""
from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager


class HostGate:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str, rate_per_s: float):
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if rate_per_s and rate_per_s > 0:
                last = self._last_start.get(host)
                if last is not None:
                    wait = last + 1.0 / rate_per_s - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last_start[host] = time.monotonic()
