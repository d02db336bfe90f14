"""Driving one Playwright page like a user: load, tap, choose, wait until settled, look.

No Scrapy here: `search.py` uses this with a page from scrapy-playwright, tests use it with
a page from plain Playwright. Everything the page tells us comes from js/agent.js.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from .detect import PageView

logger = logging.getLogger(__name__)

# read through importlib.resources so it also works from a zipped egg (Scrapyd)
AGENT_JS = resources.files("crawler").joinpath("js/agent.js").read_text(encoding="utf-8")
DOWNLOAD_RE = re.compile(r"\.(apk|ipa|exe|dmg|msi|zip|rar|7z|gz|pdf|docx?|xlsx?|pptx?|mp4|mp3)$", re.I)
NAV_TIMEOUT_MS = 20_000
CLICK_TIMEOUT_MS = 2_500
SETTLE_QUIET_MS = 80
SETTLE_MAX_MS = 3_000


def url_key(url: str) -> str:
    """A URL without the parts that do not change the page (fragments, except SPA hash routes)."""
    parts = urlsplit(url)
    frag = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, frag))


@dataclass(frozen=True)
class Storage:
    """Cookies and web storage of the app's origin: what makes a reload look the same."""

    origin: str = ""
    cookies: tuple = ()
    local: tuple = ()
    session: tuple = ()

    @property
    def digest(self) -> str:
        blob = json.dumps([self.origin, self.cookies, self.local, self.session], sort_keys=True, default=str)
        return hashlib.sha1(blob.encode()).hexdigest()


EMPTY_STORAGE = Storage()


@dataclass
class Action:
    """One tap (or one <select> choice) on a control, addressable again after a restore."""

    kind: str  # "link" (has an http(s) target), "click", "select"
    frame: int
    frame_url: str
    path: list
    label: str
    role: str
    tag: str
    css: str
    href: str = ""
    value: str | None = None  # option value for "select"
    option_index: int | None = None
    select_label: str = ""
    score: float = 0.0
    order: int = 0
    ctx: str = ""  # text of the control's region (for recognising the same control elsewhere)
    layer: bool = False  # in a site-wide fixed layer or shadow root (a chat widget, a drawer)
    target: str = ""  # a link's target attribute ("_blank" opens a new tab)

    @property
    def display_label(self) -> str:
        return self.label or self.css

    @property
    def control_label(self) -> str:
        """The accessible name of the control itself (for a <select>, not the option's)."""
        return self.select_label if self.kind == "select" else self.label


@dataclass
class Outcome:
    """What a tap did: stayed, navigated, opened a tab, was blocked, or failed."""

    kind: str  # "ok", "navigated", "popup", "offsite", "download", "failed"
    url: str = ""
    detail: str = ""


@dataclass
class PageDriver:
    """The browser side of the search for one app: one page, its context, its events."""

    page: Page
    is_allowed: Callable[[str], bool]
    can_fetch: Callable[[str], bool] = lambda url: True
    load_interval_s: float = 0.0
    page_loads: int = 0
    clicks: int = 0
    dialogs: list[str] = field(default_factory=list)
    offsite: set[str] = field(default_factory=set)
    blocked_by_robots: set[str] = field(default_factory=set)
    downloads: set[str] = field(default_factory=set)
    _popups: list[Page] = field(default_factory=list)
    _pending_nav: set = field(default_factory=set)
    _storage_now: str = ""
    _last_load: float = 0.0
    _cdp: object = None

    async def setup(self) -> None:
        """Install the agent in every future document and the guards around navigation."""
        page = self.page
        await page.add_init_script(AGENT_JS)
        page.on("dialog", self._on_dialog)
        page.context.on("page", self._on_popup)
        page.on("download", self._on_download)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_done)
        try:  # scrapy-playwright routes every request, which disables the HTTP cache
            await page.unroute("**")
        except PlaywrightError:
            pass
        self._cdp = await page.context.new_cdp_session(page)
        self._cdp.on("Fetch.requestPaused", lambda ev: asyncio.ensure_future(self._on_paused(ev)))
        await self._cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                             "requestStage": "Request"}]})

    async def close_popups(self) -> None:
        for p in self._popups:
            try:
                await p.close()
            except PlaywrightError:
                pass
        self._popups.clear()

    # ----------------------------------------------------------------- events
    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message[:500])
        asyncio.ensure_future(self._dismiss(dialog))

    @staticmethod
    async def _dismiss(dialog) -> None:
        try:
            await dialog.dismiss()
        except PlaywrightError:
            pass

    def _on_popup(self, popup: Page) -> None:
        self._popups.append(popup)

    def _on_download(self, download) -> None:
        self.downloads.add(download.url)
        asyncio.ensure_future(download.cancel())

    def _on_request(self, request) -> None:
        """Track document loads of every frame: a chat iframe opened by a tap counts too."""
        try:
            if request.is_navigation_request():
                self._pending_nav.add(request)
        except PlaywrightError:
            pass

    def _on_request_done(self, obj) -> None:
        request = getattr(obj, "request", obj)
        self._pending_nav.discard(request)

    async def _on_paused(self, ev: dict) -> None:
        """Documents outside the app's domains (or disallowed by robots.txt) are never requested."""
        url = ev["request"]["url"]
        ok = url.startswith(("about:", "data:", "blob:")) or (self.is_allowed(url) and self.can_fetch(url))
        try:
            if ok:
                await self._cdp.send("Fetch.continueRequest", {"requestId": ev["requestId"]})
            else:
                (self.offsite if not self.is_allowed(url) else self.blocked_by_robots).add(url)
                await self._cdp.send("Fetch.failRequest", {"requestId": ev["requestId"], "errorReason": "BlockedByClient"})
        except PlaywrightError:
            pass

    # ----------------------------------------------------------------- storage
    async def read_storage(self) -> Storage:
        page = self.page
        try:
            cookies = await page.context.cookies()
            web = await page.evaluate(
                "() => { try { return [Object.entries(localStorage), Object.entries(sessionStorage)] }"
                " catch (e) { return [[], []] } }"
            )
        except PlaywrightError:
            return Storage(origin=_origin(page.url))
        st = Storage(
            origin=_origin(page.url),
            cookies=tuple(sorted(tuple(sorted((k, str(v)) for k, v in c.items())) for c in cookies)),
            local=tuple(sorted(tuple(x) for x in web[0])),
            session=tuple(sorted(tuple(x) for x in web[1])),
        )
        self._storage_now = st.digest
        return st

    async def apply_storage(self, st: Storage, url: str) -> None:
        """Make cookies and web storage what they were in a recorded state, before loading `url`."""
        if st.digest == self._storage_now:
            return
        page = self.page
        await page.context.clear_cookies()
        if st.cookies:
            await page.context.add_cookies([dict(c) for c in st.cookies])
        if _origin(page.url) != _origin(url):
            if not (st.local or st.session):
                await self._goto_blank_origin_storage(url)
                self._storage_now = st.digest
                return
            try:
                await self._raw_goto(url)
            except PlaywrightError:
                self._storage_now = ""
                return
        for _ in range(2):  # the page may be navigating by itself (timers, redirects)
            try:
                await page.evaluate(
                    "([l, s]) => { try { localStorage.clear(); sessionStorage.clear();"
                    " for (const [k, v] of l) localStorage.setItem(k, v);"
                    " for (const [k, v] of s) sessionStorage.setItem(k, v); } catch (e) {} }",
                    [list(st.local), list(st.session)],
                )
            except PlaywrightError:
                await self._wait_navigation()
                continue
            self._storage_now = st.digest
            return
        self._storage_now = ""  # unknown: the replayed state is verified anyway

    async def _goto_blank_origin_storage(self, url: str) -> None:
        """Storage of another origin is cleared through CDP, without loading a page."""
        try:
            await self._cdp.send("Storage.clearDataForOrigin",
                                 {"origin": _origin(url), "storageTypes": "local_storage,cookies"})
        except PlaywrightError:
            pass

    # ----------------------------------------------------------------- loading and waiting
    async def _raw_goto(self, url: str) -> None:
        wait = self.load_interval_s - (time.monotonic() - self._last_load)
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_load = time.monotonic()
        self.page_loads += 1
        self.dialogs.clear()
        await self.page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)

    async def load(self, url: str) -> Outcome:
        """Open a URL in the page (a fresh document) and wait until it has settled."""
        if DOWNLOAD_RE.search(urlsplit(url).path):
            self.downloads.add(url)
            return Outcome("download", url)
        try:
            await self._raw_goto(url)
        except PlaywrightError as exc:
            msg = str(exc).splitlines()[0]
            if "Download is starting" in msg:
                self.downloads.add(url)
                return Outcome("download", url, msg)
            if "ERR_BLOCKED_BY_CLIENT" in msg:
                return Outcome("offsite", url, msg)
            return Outcome("failed", url, msg[:300])
        await self.settle()
        return Outcome("navigated", self.page.url)

    async def settle(self) -> None:
        """Wait for the DOM, timers, requests, animations and navigations to come to rest,
        in the page and in every frame (frames a tap has just created included)."""
        page = self.page
        for _ in range(5):
            if self._pending_nav:
                await self._wait_navigation()
            frames = [f for f in page.frames if not f.is_detached()]
            try:
                await asyncio.gather(*(self._settle_frame(f) for f in frames))
            except PlaywrightError:
                await self._wait_navigation()
                continue
            now = [f for f in page.frames if not f.is_detached()]
            if not self._pending_nav and len(now) == len(frames) and all(a is b for a, b in zip(now, frames, strict=True)):
                return
        logger.debug("page did not settle: %s", page.url)

    async def _settle_frame(self, frame) -> None:
        try:
            await frame.evaluate(f"() => window.__reach ? window.__reach.waitSettled({SETTLE_QUIET_MS}, {SETTLE_MAX_MS}) : null")
        except PlaywrightError as exc:
            if frame == self.page.main_frame:
                raise
            logger.debug("frame did not settle: %s", exc)

    async def _wait_navigation(self) -> None:
        deadline = time.monotonic() + NAV_TIMEOUT_MS / 1000
        while self._pending_nav and time.monotonic() < deadline:
            await asyncio.sleep(0.03)
        self._pending_nav.clear()
        for frame in [f for f in self.page.frames if not f.is_detached()]:
            try:
                await frame.wait_for_load_state("load", timeout=NAV_TIMEOUT_MS)
            except PlaywrightError:
                pass

    # ----------------------------------------------------------------- looking
    def included_frames(self) -> list:
        """The main frame and the visible child frames of the app's own domains."""
        out = []
        for f in self.page.frames:
            if f.is_detached():
                continue
            if f is self.page.main_frame:
                out.insert(0, f)
            elif f.url.startswith(("about:", "data:")) or self.is_allowed(f.url):
                out.append(f)
        return out

    async def view(self) -> PageView:
        """Snapshot of everything visible, over the main frame and its visible child frames."""
        page = self.page
        blocks: list[dict] = []
        controls: list[dict] = []
        fields: list[dict] = []
        frames = self.included_frames()
        for idx, frame in enumerate(frames):
            if idx > 0 and not await _frame_visible(frame):
                continue
            try:
                snap = await frame.evaluate("() => window.__reach ? window.__reach.snapshot({}) : null")
            except PlaywrightError:
                if idx > 0:
                    continue
                await self._wait_navigation()  # the page navigated by itself: look at where it is now
                try:
                    snap = await frame.evaluate("() => window.__reach ? window.__reach.snapshot({}) : null")
                except PlaywrightError:
                    continue
            if not snap:
                continue
            for b in snap["blocks"]:
                b["frame"] = idx
            for c in snap["controls"]:
                c["frame"] = idx
                c["frame_url"] = frame.url
            blocks.extend(snap["blocks"])
            controls.extend(snap["controls"])
            fields.extend(snap["fields"])
        for msg in self.dialogs:
            blocks.append({"text": msg, "tag": "dialog", "heading": "", "control": False, "href": "", "frame": 0})
        title = ""
        try:
            title = await page.title()
        except PlaywrightError:
            pass
        return PageView(url=page.url, title=title, blocks=blocks, controls=controls, fields=fields,
                        dialogs=list(self.dialogs))

    # ----------------------------------------------------------------- acting
    async def _target(self, action: Action):
        frames = self.included_frames()
        frame = frames[action.frame] if action.frame < len(frames) else None
        if frame is None:
            return None
        try:
            handle = await frame.evaluate_handle("([p, l]) => window.__reach.target(p, l)",
                                                [action.path, action.control_label])
        except PlaywrightError:
            return None
        return handle.as_element()

    async def perform(self, action: Action) -> Outcome:
        """Tap a control (or choose an option) as a user would, then wait until settled."""
        el = await self._target(action)
        if el is None:
            return Outcome("failed", detail="target not found")
        before = self.page.url
        n_popups = len(self._popups)
        self.dialogs.clear()
        self.clicks += 1
        try:
            if action.kind == "select":
                if action.value:
                    await el.select_option(value=action.value, timeout=CLICK_TIMEOUT_MS)
                else:
                    await el.select_option(index=action.option_index or 0, timeout=CLICK_TIMEOUT_MS)
            else:
                await el.click(timeout=CLICK_TIMEOUT_MS)
        except PlaywrightError as exc:
            return Outcome("failed", detail=str(exc).splitlines()[0][:300])
        await self.settle()
        if len(self._popups) == n_popups and action.target and action.target.lower() not in ("_self", "_top", "_parent"):
            deadline = time.monotonic() + 3  # a new tab may be announced after the page settled
            while len(self._popups) == n_popups and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if len(self._popups) > n_popups:
            popup = self._popups[-1]
            deadline = time.monotonic() + 5  # window.open() starts on about:blank, then navigates
            while popup.url in ("", "about:blank") and time.monotonic() < deadline and not popup.is_closed():
                await asyncio.sleep(0.05)
            try:
                await popup.wait_for_load_state("domcontentloaded", timeout=NAV_TIMEOUT_MS)
            except PlaywrightError:
                pass
            url = popup.url
            await self.close_popups()
            if url.startswith("http") and not self.is_allowed(url):
                self.offsite.add(url)
                return Outcome("offsite", url)
            if url.startswith("http"):
                return Outcome("popup", url)
        if self.page.url != before and url_key(self.page.url) != url_key(before):
            return Outcome("navigated", self.page.url)
        return Outcome("ok", self.page.url)

    async def outline(self, action: Action) -> bool:
        el = await self._target(action)
        if el is None:
            return False
        try:
            return bool(await el.evaluate("e => window.__reach.outline(e)"))
        except PlaywrightError:
            return False

    async def screenshot(self, path: Path) -> str | None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self.page.screenshot(path=str(path), timeout=10_000)
        except PlaywrightError as exc:
            logger.warning("screenshot failed: %s", exc)
            return None
        return str(path)


async def _frame_visible(frame) -> bool:
    try:
        el = await frame.frame_element()
        return bool(await el.evaluate(
            "e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})"
            " && e.getBoundingClientRect().width > 2 && e.getBoundingClientRect().height > 2"))
    except PlaywrightError:
        return False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else ""
