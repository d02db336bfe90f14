"""robots.txt of every host the crawl opens, read by the crawling browser (RFC 9309).

The browser fetches it (it resolves every host the crawl can reach, *.localhost included),
once per host, before the first document of that host is requested. What the answer means
follows RFC 9309 section 2.3.1: 2xx are the rules; 4xx mean "no rules"; 5xx, 429 and network
errors mean "unreachable", so complete disallow is assumed. Obeyed by default; the research
override (`settings.obey_robots: false`) is explicit in the config and logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError
from protego import Protego

from .page import guard_documents, load_error_reason
from .politeness import host_gate

logger = logging.getLogger(__name__)
ROBOTS_AGENT = "reachability"
FETCH_TIMEOUT_MS = 20_000
MAX_ROBOTS_CHARS = 500_000  # RFC 9309: parse at least 500 KiB
_DISALLOW = "complete disallow assumed (RFC 9309; settings.obey_robots: false overrides)"


def robots_agent(user_agent_suffix: str | None) -> str:
    """The product token matched against `User-agent:` lines: the configured suffix's first
    product name (`acme-survey/1.0 (+https://...)` -> `acme-survey`), else `reachability`."""
    m = re.match(r"\s*([A-Za-z0-9_-]+)", user_agent_suffix or "")
    return m.group(1) if m else ROBOTS_AGENT


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


@dataclass
class HostRules:
    """What one host's robots.txt says: its rules, allow-all, or disallow-all, and why."""

    verdict: str  # "rules" | "allow" | "disallow"
    reason: str
    parser: Protego | None = None

    def can_fetch(self, url: str, agent: str) -> bool:
        if self.verdict == "rules" and self.parser is not None:
            return self.parser.can_fetch(url, agent)
        return self.verdict == "allow"


def rules_from_response(status: int | None, text: str | None, error: str | None = None,
                        content_type: str = "") -> HostRules:
    """RFC 9309 reading of one robots.txt answer (status None = the request failed)."""
    if status is None:
        return HostRules("disallow", f"robots.txt unreachable ({error or 'no answer'}): {_DISALLOW}")
    if status == 429 or status >= 500:
        return HostRules("disallow", f"robots.txt unreachable (HTTP {status}): {_DISALLOW}")
    if status >= 400:
        return HostRules("allow", f"no robots.txt (HTTP {status})")
    if status >= 300:  # the browser follows redirects; one left over means a loop or a block
        return HostRules("allow", f"robots.txt not followed (HTTP {status})")
    if content_type and "html" in content_type.lower():
        return HostRules("allow", "robots.txt is an HTML page (no rules)")
    body = (text or "")[:MAX_ROBOTS_CHARS]
    if not body.strip():
        return HostRules("allow", "empty robots.txt")
    return HostRules("rules", "robots.txt rules", Protego.parse(body))


def rules_from_error(msg: str, refused_hop: str | None = None) -> HostRules:
    """RFC 9309 reading of a robots.txt request the browser gave up on (`msg`: its error).
    A redirect off the app's domains (refused by the guard) is not followed: no rules."""
    if refused_hop or "ERR_BLOCKED_BY_CLIENT" in msg:
        where = f" ({refused_hop[:200]}; not followed)" if refused_hop else " (not followed)"
        return HostRules("allow", f"robots.txt redirects off the allowed domains{where}")
    if "Download is starting" in msg:
        return HostRules("allow", "robots.txt served as a download (no rules)")
    return rules_from_response(None, None, load_error_reason(msg))


class RobotsPolicy:
    """`await policy.allowed(url)`: may the crawl request this document? Shared by every page
    of one app; each host's robots.txt is fetched once, by a page of the app's own context."""

    def __init__(self, context: BrowserContext | None, obey: bool = True,
                 is_allowed: Callable[[str], bool] = lambda url: True, agent: str = ROBOTS_AGENT,
                 polite_delay_s: float | None = None) -> None:
        self.context = context
        self.obey = obey
        self.is_allowed = is_allowed
        self.agent = agent
        self.hosts: dict[str, HostRules] = {}
        self.refused: dict[str, str] = {}  # url -> why robots.txt refused it
        self._locks: dict[str, asyncio.Lock] = {}
        self._page: Page | None = None
        self.polite_delay_s = polite_delay_s  # None: no per-host gate (loopback sites)

    def seed(self, url: str, rules: HostRules) -> None:
        """Rules already fetched (the spider's first request is the start host's robots.txt)."""
        self.hosts[_host_key(url)] = rules

    async def allowed(self, url: str) -> bool:
        if not self.obey or not url.lower().startswith(("http:", "https:")):
            return True
        if urlsplit(url).path == "/robots.txt":
            return True
        rules = await self.rules_for(url)
        ok = rules.can_fetch(url, self.agent)
        if not ok:
            self.refused.setdefault(url, rules.reason if rules.verdict == "disallow" else "disallowed by robots.txt")
        return ok

    def refusal(self, url: str) -> str | None:
        return self.refused.get(url)

    async def rules_for(self, url: str) -> HostRules:
        key = _host_key(url)
        if key in self.hosts:
            return self.hosts[key]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self.hosts:
                self.hosts[key] = await self._fetch(robots_url(url))
                logger.info("%s: %s", robots_url(url), self.hosts[key].reason)
        return self.hosts[key]

    async def _fetch(self, url: str) -> HostRules:
        if self.context is None:
            return HostRules("allow", "no browser to fetch robots.txt")
        try:
            if self._page is None or self._page.is_closed():
                self._page = await self.context.new_page()
                await guard_documents(self._page, self._guard)
            if self.polite_delay_s is None:
                response = await self._page.goto(url, wait_until="domcontentloaded", timeout=FETCH_TIMEOUT_MS)
            else:
                async with host_gate().slot(url, self.polite_delay_s):
                    response = await self._page.goto(url, wait_until="domcontentloaded", timeout=FETCH_TIMEOUT_MS)
            if response is None:
                return rules_from_response(None, None, "no response")
            return await rules_from_page(self._page, response.status, response.headers.get("content-type", ""))
        except PlaywrightError as exc:
            # a refused redirect leaves an error page loading in this page: the next host's
            # robots.txt gets a fresh page, not a navigation cut short by that one
            await self.close()
            return rules_from_error(str(exc))

    async def _guard(self, url: str) -> bool:
        """The robots.txt page follows redirects only on the app's own domains."""
        return self.is_allowed(url)

    async def close(self) -> None:
        if self._page is not None:
            try:
                await asyncio.wait_for(self._page.close(), 10)
            except (PlaywrightError, TimeoutError):
                pass
            self._page = None


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


async def rules_from_page(page: Page, status: int | None, content_type: str = "") -> HostRules:
    """Rules from a page that has just loaded a robots.txt (the spider's first request)."""
    try:
        text = await page.evaluate("() => document.body ? document.body.innerText : ''")
    except PlaywrightError:
        text = ""
    return rules_from_response(status, text, content_type=content_type)
