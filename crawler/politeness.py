"""Politeness across every app of one crawl process: one document load at a time per host,
at least `download_delay_s` apart.

Scrapy's per-domain slot only spaces the first request of each app (its robots.txt); the
search then loads pages from inside the callback, possibly for several apps on the same host
at once. Every page load of every app goes through the gate of its host here, and the first
request is spaced from them too (`crawler.browser.guard_page`).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit


class HostGate:
    """Per-host lock and the time the host's last document load started."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self.waited_s = 0.0  # total time loads were held back (for the run's figures)

    @asynccontextmanager
    async def slot(self, url: str, delay_s: float, space: bool = True) -> AsyncIterator[None]:
        """Hold the host of `url` (for a page load, or a tap that may load one); with `space`,
        first wait out the delay since the host's last document request."""
        host = _host(url)
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if space:
                await self.space(url, delay_s)
            yield

    async def space(self, url: str, delay_s: float) -> None:
        """Wait until the host's last document request is `delay_s` old, and count this one."""
        host = _host(url)
        while True:  # a request that finished meanwhile (touch) moves the time on: wait again
            wait = self._last.get(host, float("-inf")) + delay_s - time.monotonic()
            if wait <= 0:
                break
            self.waited_s += wait
            await asyncio.sleep(wait)
        self._last[host] = time.monotonic()

    def touch(self, url: str) -> None:
        """A document request of the host has just finished: the delay counts from now, so a
        slow answer never lets the next request follow it closer than the delay."""
        self._last[_host(url)] = time.monotonic()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


_GATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def host_gate() -> HostGate:
    """The gate of the running event loop (asyncio locks belong to one loop)."""
    loop = asyncio.get_running_loop()
    gate = _GATES.get(loop)
    if gate is None:
        gate = _GATES[loop] = HostGate()
    return gate
