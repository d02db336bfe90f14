"""robots.txt, fetched by the browser that crawls (it resolves every host the crawl can reach).

Obeyed by default; a research override is explicit in the config and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from protego import Protego

logger = logging.getLogger(__name__)
ROBOTS_AGENT = "reachability"


async def robots_checker(page: Page, obey: bool, agent: str = ROBOTS_AGENT) -> Callable[[str], bool]:
    """A `can_fetch(url)` for the page's origin; allows everything when robots.txt is absent."""
    if not obey:
        logger.warning("robots.txt is NOT obeyed for %s (settings.obey_robots: false)", page.url)
        return lambda url: True
    parts = urlsplit(page.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    try:
        text = await page.evaluate(
            "async (u) => { try { const r = await fetch(u, {credentials: 'omit'});"
            " return r.ok && (r.headers.get('content-type') || '').includes('text/plain') ? await r.text() : ''; }"
            " catch (e) { return ''; } }",
            origin + "/robots.txt",
        )
    except PlaywrightError:
        text = ""
    if not text.strip():
        return lambda url: True
    parser = Protego.parse(text)

    def can_fetch(url: str) -> bool:
        if urlsplit(url).netloc != parts.netloc:
            return True  # other hosts of the app are judged by their own rules when loaded
        return parser.can_fetch(url, agent)

    return can_fetch
