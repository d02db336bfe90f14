"""Which Chromium to launch and how each device is emulated.

Debian's /usr/bin/chromium is used when present (browsers cannot be downloaded on every
machine); otherwise Playwright's own build (`playwright install chromium`).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import weakref
from collections.abc import Callable
from urllib.parse import urlsplit

from .config import url_allowed

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage", "--no-first-run", "--disable-quic",
]


@functools.lru_cache(maxsize=1)
def chromium_path() -> str | None:
    """REACHABILITY_CHROMIUM, else a system Chromium, else None (Playwright's bundled browser)."""
    env = os.environ.get("REACHABILITY_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@functools.lru_cache(maxsize=1)
def chromium_version() -> str:
    path = chromium_path()
    if not path:
        return ""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    m = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return m.group(1) if m else ""


def launch_options(headless: bool = True) -> dict:
    opts: dict = {"headless": headless, "args": list(CHROMIUM_ARGS)}
    path = chromium_path()
    if path:
        opts["executable_path"] = path
    return opts


def context_options(device: str, ua_suffix: str | None = None, locale: str | None = None) -> dict:
    """Browser-context options for a device profile (mobile: a Pixel 7 sized touch phone).

    The user agent is the browser's own, in its Android form for the mobile profile (so
    sites serve their mobile web), plus the survey's identifying suffix if configured.
    """
    version = chromium_version() or "120.0.0.0"
    major = version.split(".")[0]
    if device == "desktop":
        opts = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1,
                "is_mobile": False, "has_touch": False}
        ua = None
        if ua_suffix:
            ua = (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  f"Chrome/{major}.0.0.0 Safari/537.36")
    else:
        opts = {"viewport": {"width": 412, "height": 839}, "screen": {"width": 412, "height": 915},
                "device_scale_factor": 1.5, "is_mobile": True, "has_touch": True}
        ua = (f"Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
              f"Chrome/{major}.0.0.0 Mobile Safari/537.36")
    if ua:
        opts["user_agent"] = f"{ua} {ua_suffix}".strip() if ua_suffix else ua
    if locale:
        opts["locale"] = locale
    opts["accept_downloads"] = False
    opts["service_workers"] = "block"
    return opts


def is_local_host(host: str | None) -> bool:
    """Loopback hosts (the demo, test fixtures, benchmarks): no politeness delays needed."""
    host = (host or "").lower()
    return host == "localhost" or host.endswith(".localhost") or host.startswith("127.") or host == "::1"


def polite_delay(start_url: str, settings) -> float | None:
    """Seconds between two document loads of one host for this app; None: no gate (loopback
    fixtures, unless `polite_local_hosts`)."""
    if is_local_host(urlsplit(start_url).hostname) and not settings.polite_local_hosts:
        return None
    return settings.download_delay_s


# ----------------------------------------------------------------------------- first-request guard
# scrapy-playwright makes the first request of each app (its robots.txt) before the search's own
# guard exists; this keeps that request, and every redirect it follows, on the app's domains.
_GUARDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class NavigationGuard:
    """Allowed domains of one browser context, and the documents refused so far."""

    def __init__(self, is_allowed: Callable[[str], bool]) -> None:
        self.is_allowed = is_allowed
        self.refused: list[str] = []
        self.cdp = None

    async def may_load(self, url: str) -> bool:
        if self.is_allowed(url):
            return True
        self.refused.append(url)
        return False


async def guard_page(page, request) -> None:
    """scrapy-playwright `playwright_page_init_callback`: guard the page before its first
    request (allowed domains come from the request's JSON-plain meta)."""
    from .page import guard_documents

    # scrapy-playwright's own route goes: two interceptors on one page (its Playwright route
    # and this CDP guard) can leave a refused redirect hop pending, and page.close() then hangs
    await page.unroute("**")
    domains = list(request.meta.get("allowed_domains") or [])
    guard = NavigationGuard(lambda url: url_allowed(url, domains))
    guard.cdp = await guard_documents(page, guard.may_load)
    _GUARDS[page.context] = guard
    delay = request.meta.get("polite_delay_s")
    if delay is not None:  # this robots.txt is a document request of the host like any page load
        from playwright.async_api import Error as PlaywrightError

        from .politeness import host_gate

        async with host_gate().slot(request.url, float(delay)):
            pass  # waits for a load under way and the delay; the request then counts as the host's last

        def finished(req) -> None:  # and counts again when it has been answered (it is sent later)
            try:
                if req.is_navigation_request():
                    host_gate().touch(req.url)
                    page.remove_listener("requestfinished", finished)
                    page.remove_listener("requestfailed", finished)
            except PlaywrightError:
                pass

        page.on("requestfinished", finished)
        page.on("requestfailed", finished)


def context_guard(context) -> NavigationGuard | None:
    return _GUARDS.get(context)


async def release_guard(page) -> None:
    """The search installs its own guard (robots.txt too): the first request's one goes."""
    guard = _GUARDS.get(page.context)
    if guard is not None and guard.cdp is not None:
        try:
            await guard.cdp.detach()
        except Exception:  # noqa: BLE001 - a closed page has no session left
            pass
        guard.cdp = None
