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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from .config import domain_parts
from .detect import PageView
from .politeness import host_gate

if TYPE_CHECKING:
    from .robots import RobotsPolicy

logger = logging.getLogger(__name__)

# read through importlib.resources so it also works from a zipped egg (Scrapyd)
AGENT_JS = resources.files("crawler").joinpath("js/agent.js").read_text(encoding="utf-8")
DOWNLOAD_RE = re.compile(r"\.(apk|ipa|exe|dmg|msi|zip|rar|7z|gz|pdf|docx?|xlsx?|pptx?|mp4|mp3)$", re.I)
# window.open() towards another domain opens nothing: the new window's first request would
# leave before a guard could be attached to it. `allowed`: [host, port or null, is an IP] per
# allowed domain, read as config.url_allowed reads them (a port given allows only that port).
POPUP_GUARD_JS = """(() => {
  const allowed = __ALLOWED__;
  const ok = (u) => {
    try {
      const url = new URL(u, location.href);
      if (url.protocol === 'about:' || url.protocol === 'blob:') return true;
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      let host = url.hostname.toLowerCase().replace(/\\.$/, '');
      if (host.startsWith('[')) host = host.slice(1, -1);  // IPv6, compressed by the URL parser
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      return allowed.some(([d, p, ip]) => (p === null || p === port)
        && (ip ? host === d : host === d || host.endsWith('.' + d)));
    } catch (e) { return false; }
  };
  const refuse = (u) => {
    (window.__reachRefusedPopups = window.__reachRefusedPopups || []).push(String(u).slice(0, 500));
  };
  // A blank popup sent elsewhere afterwards (w = open(''); w.location = url) would make its first
  // request before any guard of ours is attached to it: its location is handed out through a
  // stand-in that checks every URL first. (Location's own methods cannot be proxied.)
  const send = (w, u, how) => {
    if (!ok(String(u))) { refuse(u); try { w.close(); } catch (e) {} return; }
    if (how === 'replace') w.location.replace(u); else w.location.href = u;
  };
  const standIn = (w) => {
    const loc = {
      assign: (u) => send(w, u, 'assign'),
      replace: (u) => send(w, u, 'replace'),
      reload: () => w.location.reload(),
      toString: () => w.location.href,
    };
    for (const k of ['href', 'protocol', 'host', 'hostname', 'port', 'pathname', 'search', 'hash', 'origin']) {
      Object.defineProperty(loc, k, {
        get: () => w.location[k],
        set: (v) => {
          if (k === 'href') return send(w, v, 'assign');
          const next = new URL(w.location.href);
          next[k] = v;
          send(w, next.href, 'assign');
        },
      });
    }
    return new Proxy(w, {
      get(t, k) {
        if (k === 'location') return loc;
        const v = Reflect.get(t, k);
        return typeof v === 'function' ? v.bind(t) : v;
      },
      set(t, k, v) {
        if (k === 'location') send(t, v, 'assign'); else t[k] = v;
        return true;
      },
    });
  };
  const open = window.open;
  window.open = function (u, ...rest) {
    const blank = u === undefined || u === null || String(u) === '' || String(u) === 'about:blank';
    if (!blank && !ok(String(u))) {
      refuse(u);
      return null;
    }
    window.__reachOpens = (window.__reachOpens || 0) + 1;  // the driver waits for this tap's window
    const w = open.call(this, u, ...rest);
    return w && blank ? standIn(w) : w;
  };
})();"""
NAV_TIMEOUT_MS = 20_000
CLICK_TIMEOUT_MS = 2_500
SETTLE_QUIET_MS = 80
SETTLE_MAX_MS = 3_000
#: scrolling reveals lazily rendered content (free for the user), in bounded steps: an
#: endless list cannot hold the crawler
MAX_SCROLL_STEPS = 12
SCROLL_SETTLE_MAX_MS = 1_500
COOKIE_FIELDS = ("name", "value", "domain", "path", "expires", "httpOnly", "secure", "sameSite")
#: answers worth one more try after a pause (as Scrapy's RetryMiddleware): overload, maintenance
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_ERRORS = ("ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_EMPTY_RESPONSE", "ERR_CONNECTION_REFUSED",
                "ERR_NETWORK_CHANGED", "ERR_HTTP2_PROTOCOL_ERROR", "ERR_INCOMPLETE_CHUNKED_ENCODING")
RETRY_PAUSE_S = 1.0
MAX_RETRY_AFTER_S = 10.0
TEARDOWN_TIMEOUT_S = 3.0
#: how long a refused main-frame navigation may take to commit Chromium's error page
ERROR_PAGE_WAIT_S = 5.0
#: writing web storage into a page: one whose script never yields is left instead
STORAGE_TIMEOUT_S = 5.0
NET_ERROR_RE = re.compile(r"net::(ERR_[A-Z0-9_]+)")


# Query parameters that name a session or a campaign, not a page: a new session id in every
# link would otherwise make every page new forever (the usual crawler-trap normalisation).
SESSION_PARAM_RE = re.compile(
    r"^(?:sid|s_id|sessid|sessionid|session_id|jsessionid|phpsessid|aspsessionid\w*|cfid|cftoken|zenid|oscsid"
    r"|utm_[a-z]+|gclid|fbclid|msclkid|yclid|mc_eid|_ga|_gl|spm|scm)$", re.I)
PATH_SESSION_RE = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#;]*", re.I)


def url_key(url: str) -> str:
    """A URL without the parts that do not change the page: fragments (except SPA hash
    routes), session ids and campaign tags."""
    parts = urlsplit(url)
    frag = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    path = PATH_SESSION_RE.sub("", parts.path) or "/"
    query = parts.query
    if query:
        pairs = [p for p in query.split("&") if not SESSION_PARAM_RE.match(unquote(p.split("=", 1)[0]))]
        query = "&".join(pairs)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, frag))


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
_SAME_SITE = {"lax": "Lax", "strict": "Strict", "none": "None"}


def restorable_cookie(pairs) -> dict | None:
    """A recorded cookie in the types `BrowserContext.add_cookies` demands, or None when it has
    expired since. A state copied through JSON or text (a queue, a log) brings back numbers and
    booleans as strings ("cookies[0].expires: expected float, got string"): they are read back
    here, never passed on as they came."""
    c = {k: v for k, v in dict(pairs).items() if k in COOKIE_FIELDS}
    if "name" not in c or "value" not in c:
        return None
    c["name"], c["value"] = str(c["name"]), str(c["value"])
    try:
        expires = float(c.get("expires", -1))
    except (TypeError, ValueError):
        expires = -1.0
    if expires > 0 and expires <= time.time():
        return None
    c["expires"] = expires if expires > 0 else -1
    for key in ("httpOnly", "secure"):
        value = c.get(key, False)
        c[key] = value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes")
    same = _SAME_SITE.get(str(c.get("sameSite", "Lax")).strip().lower(), "Lax")
    c["sameSite"] = "Lax" if same == "None" and not c["secure"] else same  # None needs Secure
    if not c.get("domain"):
        return None
    c.setdefault("path", "/")
    return c


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(value):
    """Page strings with lone UTF-16 surrogates (which Python cannot encode) get U+FFFD instead; recursive."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [well_formed(v) for v in value]
    if isinstance(value, dict):
        return {k: well_formed(v) for k, v in value.items()}
    return value


@dataclass
class Action:
    """One tap (or one <select> choice) on a control, addressable again after a restore."""

    kind: str  # "link" (has an http(s) target), "click", "select", "hover" (free: opens a menu)
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
    reset_index: int | None = None  # for "select": the option chosen before (to undo the choice)
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

    kind: str  # "ok", "navigated", "popup", "offsite", "robots", "download", "language", "failed"
    url: str = ""
    detail: str = ""
    status: int | None = None  # HTTP status of a loaded document


@dataclass
class PageDriver:
    """The browser side of the search for one app: one page, its context, its events."""

    page: Page
    is_allowed: Callable[[str], bool]
    #: the app's domains, for the in-page window.open() guard (a popup's first request is not
    #: seen by this page's CDP guard)
    allowed_domains: list[str] | None = None
    robots: RobotsPolicy | None = None
    #: None: no politeness gate (loopback sites); else the delay between loads of one host
    polite_delay_s: float | None = None
    page_loads: int = 0
    clicks: int = 0
    dialogs: list[str] = field(default_factory=list)
    offsite: set[str] = field(default_factory=set)
    blocked_by_robots: set[str] = field(default_factory=set)
    downloads: set[str] = field(default_factory=set)
    load_errors: list[str] = field(default_factory=list)  # "URL: reason" of loads that failed
    taps: list[dict] = field(default_factory=list)  # audit of every tap: kind, label, page URL
    _popups: list[Page] = field(default_factory=list)
    _pending_nav: set = field(default_factory=set)
    #: when a main-frame navigation was refused by the guard: Chromium commits its error page
    #: (chrome-error://) a moment later, and a load started before that commit is interrupted by it
    _error_page_due: float = 0.0
    _storage_now: str = ""
    _cdp: object = None
    _spaced_url: str = ""
    last_blocked: tuple[str, str] = ("", "")  # (URL, "offsite" | "robots" | "download" | "language") last refused
    #: documents the search does not want (a copy of the page in another language): refused
    #: before they are requested, like robots.txt refusals
    skip_document: Callable[[str], bool] | None = None

    async def setup(self) -> None:
        """Install the agent in every future document and the guards around navigation."""
        page = self.page
        await page.add_init_script(AGENT_JS)
        if self.allowed_domains is not None:
            await page.add_init_script(POPUP_GUARD_JS.replace("__ALLOWED__", json.dumps(popup_guard_domains(self.allowed_domains))))
        page.on("dialog", self._on_dialog)
        page.context.on("page", self._on_popup)
        page.on("download", self._on_download)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_done)
        page.on("framenavigated", self._on_frame_navigated)
        try:  # scrapy-playwright routes every request, which disables the HTTP cache
            await page.unroute("**")
        except PlaywrightError:
            pass
        self._cdp = await guard_documents(page, self._may_load)

    async def teardown(self) -> None:
        """Stop guarding: no request may stay paused in the guard when the page closes."""
        cdp, self._cdp = self._cdp, None
        if cdp is None:
            return
        try:  # bounded: with a navigation still hanging on the network, CDP may not answer
            await asyncio.wait_for(cdp.send("Fetch.disable"), TEARDOWN_TIMEOUT_S)
            await asyncio.wait_for(cdp.detach(), TEARDOWN_TIMEOUT_S)
        except (PlaywrightError, TimeoutError):
            pass

    async def close_popups(self) -> None:
        for p in self._popups:
            try:
                await p.close()
            except PlaywrightError:
                pass
        self._popups.clear()

    # ----------------------------------------------------------------- events
    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(well_formed(dialog.message[:500]))
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
        if request in self._pending_nav:
            if self.polite_delay_s is not None:
                host_gate().touch(request.url)
            if _refused_main_frame(request, self.page):
                self._error_page_due = time.monotonic()
        self._pending_nav.discard(request)

    def _on_frame_navigated(self, frame) -> None:
        if frame is self.page.main_frame and frame.url.startswith("chrome-error:"):
            self._error_page_due = 0.0

    async def _await_error_page(self) -> None:
        """After a refused navigation, wait until Chromium's error page has committed and loaded:
        otherwise it lands in the middle of the next load ("interrupted by another navigation")."""
        if not self._error_page_due:
            return
        deadline = self._error_page_due + ERROR_PAGE_WAIT_S
        while self._error_page_due and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        committed = not self._error_page_due
        self._error_page_due = 0.0
        if committed:
            try:
                await self.page.main_frame.wait_for_load_state("load", timeout=NAV_TIMEOUT_MS)
            except PlaywrightError:
                pass

    async def _may_load(self, url: str) -> bool:
        """Documents outside the app's domains (or disallowed by robots.txt) are never requested,
        nor files known by their extension (a tap that would download an APK or a PDF)."""
        if DOWNLOAD_RE.search(urlsplit(url).path):
            self.downloads.add(url)
            self.last_blocked = (url, "download")
            return False
        if not self.is_allowed(url):
            self.offsite.add(url)
            self.last_blocked = (url, "offsite")
            return False
        if self.skip_document is not None and self.skip_document(url):
            self.last_blocked = (url, "language")
            return False
        if self.robots is not None and not await self.robots.allowed(url):
            self.blocked_by_robots.add(url)
            self.last_blocked = (url, "robots")
            return False
        if self.polite_delay_s is not None:
            if url == self._spaced_url:  # the load itself was spaced by its slot
                self._spaced_url = ""
            else:  # a tap's navigation, a redirect hop, a frame: spaced like any request
                await host_gate().space(url, self.polite_delay_s)
        return True

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
            # values keep their types (expires is a number, httpOnly a bool): they go back as they came
            cookies=tuple(sorted((tuple(sorted((k, v) for k, v in c.items() if k in COOKIE_FIELDS))
                                  for c in cookies), key=repr)),
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
        if _origin(page.url) != _origin(url):
            if not (st.local or st.session):
                # before the cookies go back: clearing the origin's data afterwards dropped them
                await self._goto_blank_origin_storage(url)
                await self._add_cookies(st.cookies)
                self._storage_now = st.digest
                return
            await self._add_cookies(st.cookies)
            try:
                await self._raw_goto(url)
            except PlaywrightError:
                self._storage_now = ""
                return
        else:
            await self._add_cookies(st.cookies)
        for _ in range(2):  # the page may be navigating by itself (timers, redirects)
            try:
                await asyncio.wait_for(page.evaluate(
                    "([l, s]) => { try { localStorage.clear(); sessionStorage.clear();"
                    " for (const [k, v] of l) localStorage.setItem(k, v);"
                    " for (const [k, v] of s) sessionStorage.setItem(k, v); } catch (e) {} }",
                    [list(st.local), list(st.session)],
                ), STORAGE_TIMEOUT_S)
            except PlaywrightError:
                await self._wait_navigation()
                continue
            except TimeoutError:
                await self._unfreeze()
                continue
            self._storage_now = st.digest
            return
        self._storage_now = ""  # unknown: the replayed state is verified anyway

    async def _unfreeze(self) -> None:
        """A document whose script never yields (`while (true) alert()`) answers no evaluate and
        lets no navigation commit, so the page would be lost to the crawl: its script is stopped."""
        if self._cdp is None:
            return
        try:
            await asyncio.wait_for(self._cdp.send("Runtime.terminateExecution"), TEARDOWN_TIMEOUT_S)
        except (PlaywrightError, TimeoutError):
            pass

    async def _goto_blank_origin_storage(self, url: str) -> None:
        """Storage of another origin is cleared through CDP, without loading a page."""
        try:
            # cookies are the context's (cleared and put back by apply_storage), not cleared here
            await self._cdp.send("Storage.clearDataForOrigin", {"origin": _origin(url), "storageTypes": "local_storage"})
        except PlaywrightError:
            pass

    async def _add_cookies(self, stored: tuple) -> None:
        """Put a state's cookies back exactly. One the browser refuses (expired meanwhile, a
        rule changed) is skipped and logged: it must not stop the restore of the others."""
        cookies = [c for c in (restorable_cookie(pairs) for pairs in stored) if c is not None]
        if not cookies:
            return
        try:
            await self.page.context.add_cookies(cookies)
            return
        except PlaywrightError as exc:
            logger.debug("cookies refused together (%s): adding them one by one", str(exc).splitlines()[0])
        for cookie in cookies:
            try:
                await self.page.context.add_cookies([cookie])
            except PlaywrightError as exc:
                logger.info("cookie %s not restored: %s", cookie.get("name"), str(exc).splitlines()[0][:200])

    # ----------------------------------------------------------------- loading and waiting
    async def _raw_goto(self, url: str):
        await self._await_error_page()
        self.page_loads += 1
        self.dialogs.clear()
        self._storage_now = ""  # Set-Cookie and page scripts write storage on every load
        try:  # the pointer stays where it was: a menu under it would open on the new page
            await self.page.mouse.move(0, 0)
        except PlaywrightError:
            pass
        if self.polite_delay_s is None:
            return await self.page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)
        async with host_gate().slot(url, self.polite_delay_s):  # one load per host at a time, spaced
            self._spaced_url = url
            try:
                return await self.page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)
            finally:
                self._spaced_url = ""

    async def load(self, url: str) -> Outcome:
        """Open a URL in the page (a fresh document) and wait until it has settled.

        A server error or a dropped connection is tried once more after a pause; what still
        fails is "failed" (with the reason, also kept in `load_errors`), never a state."""
        if DOWNLOAD_RE.search(urlsplit(url).path):
            self.downloads.add(url)
            return Outcome("download", url)
        for attempt in (1, 2):
            self.last_blocked = ("", "")
            try:
                response = await self._raw_goto(url)
            except PlaywrightError as exc:
                msg = str(exc).splitlines()[0]
                if "Download is starting" in msg:
                    self.downloads.add(url)
                    return Outcome("download", url, msg)
                if "ERR_BLOCKED_BY_CLIENT" in msg:
                    await self._await_error_page()  # the page is ready for the next load
                    return self._blocked_outcome(url)
                if attempt == 1 and 'another navigation to "chrome-error:' in msg:
                    await self._wait_navigation()  # an error page of an earlier refusal: try again
                    continue
                reason = load_error_reason(msg)
                if reason.startswith("timeout"):  # the document may be stuck in its own script
                    await self._unfreeze()
                if attempt == 1 and any(code in msg for code in RETRY_ERRORS):
                    await asyncio.sleep(RETRY_PAUSE_S)
                    continue
                return self._failed(url, reason)
            status = response.status if response is not None else None
            if status in RETRY_STATUSES and attempt == 1:
                await asyncio.sleep(_retry_after(response))
                continue
            if status is not None and status >= 500:
                return self._failed(url, f"HTTP {status}", status)
            await self.settle()
            return Outcome("navigated", self.page.url, status=status)
        return self._failed(url, "no answer")  # not reached: the second attempt always returns

    async def _window_opens(self) -> int:
        """window.open() calls of the current document so far (counted by the popup guard)."""
        try:
            return int(await self.page.evaluate("() => window.__reachOpens || 0"))
        except (PlaywrightError, TypeError, ValueError):
            return 0

    def _blocked_outcome(self, url: str) -> Outcome:
        """The guard refused the document `url` led to (`last_blocked`): which rule, and why."""
        blocked, why = self.last_blocked
        blocked = blocked or url
        if why == "download":
            return Outcome("download", blocked, "a file download")
        if why == "language":
            return Outcome("language", blocked, "a copy in another language")
        if why == "robots":
            reason = self.robots.refusal(blocked) if self.robots else None
            return Outcome("robots", blocked, reason or "disallowed by robots.txt")
        return Outcome("offsite", blocked, f"leaves the allowed domains: {blocked}")

    def _failed(self, url: str, reason: str, status: int | None = None) -> Outcome:
        if len(self.load_errors) < 50:
            self.load_errors.append(f"{url[:300]}: {reason}")
        return Outcome("failed", url, reason, status=status)

    async def settle(self) -> None:
        """Wait for the DOM, timers, requests, animations and navigations to come to rest,
        in the page and in every frame (frames a tap has just created included)."""
        page = self.page
        for _ in range(5):
            await self._await_error_page()
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

    async def reveal_by_scrolling(self) -> int:
        """Scroll down in steps where content waits to be scrolled into view (IntersectionObserver
        targets not seen yet, scroll listeners), then back to the top; returns the steps taken."""
        frame = self.page.main_frame
        try:
            if not await frame.evaluate("() => window.__reach ? window.__reach.needsScroll() : false"):
                return 0
            # a page behind another tab of its context (robots.txt, a closed popup) is not rendered:
            # no frames, so no IntersectionObserver reports
            await self.page.bring_to_front()
            steps = 0
            for i in range(MAX_SCROLL_STEPS):
                r = await frame.evaluate("(i) => window.__reach.scrollStep(i)", i)
                steps += 1
                await frame.evaluate(f"() => window.__reach.waitSettled({SETTLE_QUIET_MS}, {SCROLL_SETTLE_MAX_MS})")
                if r["bottom"] or not r["moved"]:
                    break
            deadline = time.monotonic() + 0.5  # observers report on their own schedule
            while time.monotonic() < deadline and await frame.evaluate("() => window.__reach.lazyLeft()"):
                await asyncio.sleep(0.03)
            await frame.evaluate(f"() => window.__reach.waitSettled({SETTLE_QUIET_MS}, {SCROLL_SETTLE_MAX_MS})")
            await frame.evaluate("() => window.__reach.scrollHome()")
            await frame.evaluate(f"() => window.__reach.waitSettled({SETTLE_QUIET_MS}, {SCROLL_SETTLE_MAX_MS})")
            return steps
        except PlaywrightError:
            return 0

    async def hover_targets(self) -> list[dict]:
        """Menus a desktop user opens by hovering (main frame)."""
        try:
            return well_formed(await self.page.main_frame.evaluate(
                "() => window.__reach ? window.__reach.hoverTargets() : []")) or []
        except PlaywrightError:
            return []

    async def view(self) -> PageView:
        """Snapshot of everything visible, over the main frame and its visible child frames
        (lazily rendered content scrolled into view first)."""
        page = self.page
        await self.reveal_by_scrolling()
        blocks: list[dict] = []
        controls: list[dict] = []
        fields: list[dict] = []
        lang, alternates = "", {}
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
            snap = well_formed(snap)
            for b in snap["blocks"]:
                b["frame"] = idx
            for c in snap["controls"]:
                c["frame"] = idx
                c["frame_url"] = frame.url
            if idx == 0:
                lang = snap.get("lang") or ""
                alternates = {u: h for u, h in snap.get("alternates") or [] if u}
            blocks.extend(snap["blocks"])
            controls.extend(snap["controls"])
            fields.extend(snap["fields"])
        for msg in self.dialogs:
            blocks.append({"text": msg, "tag": "dialog", "heading": "", "control": False, "href": "", "frame": 0})
        title = ""
        try:
            title = well_formed(await page.title())
        except PlaywrightError:
            pass
        return PageView(url=page.url, title=title, blocks=blocks, controls=controls, fields=fields,
                        dialogs=list(self.dialogs), lang=lang, alternates=alternates)

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
        """Tap a control (or choose an option) as a user would, then wait until settled.

        For remote sites the tap holds its host (a tap may load a page; the load is spaced
        by the guard), so no two apps load from one host at once."""
        if self.polite_delay_s is None:
            return await self._perform(action)
        async with host_gate().slot(self.page.url, self.polite_delay_s, space=False):
            return await self._perform(action)

    async def _perform(self, action: Action) -> Outcome:
        el = await self._target(action)
        if el is None:
            return Outcome("failed", detail="target not found")
        before = self.page.url
        await self.close_popups()  # a window an earlier tap opened late is not this tap's
        opens = await self._window_opens()
        self.dialogs.clear()
        if action.kind != "hover":
            self.clicks += 1
        if len(self.taps) < 20_000:
            self.taps.append({"kind": action.kind, "label": action.display_label[:200], "url": before[:300]})
        self.last_blocked = ("", "")
        self._storage_now = ""  # a tap may write cookies or storage: read or apply it again
        try:
            if action.kind == "hover":
                await el.hover(timeout=CLICK_TIMEOUT_MS)
            elif action.kind == "select":
                if action.value:
                    await el.select_option(value=action.value, timeout=CLICK_TIMEOUT_MS)
                else:
                    await el.select_option(index=action.option_index or 0, timeout=CLICK_TIMEOUT_MS)
            else:
                await el.click(timeout=CLICK_TIMEOUT_MS)
        except PlaywrightError as exc:
            return Outcome("failed", detail=str(exc).splitlines()[0][:300])
        await self.settle()
        new_tab = bool(action.target) and action.target.lower() not in ("_self", "_top", "_parent")
        if not self._popups and (new_tab or await self._window_opens() > opens):
            deadline = time.monotonic() + 3  # a new tab may be announced after the page settled
            while not self._popups and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if self._popups:
            popup = self._popups[0]  # the first window this tap opened
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
        if self.page.url.startswith("chrome-error:"):  # the tap's navigation was refused or failed
            if self.last_blocked[1]:
                return self._blocked_outcome(before)
            return self._failed(before, "the page this tap opens did not load")
        if self.page.url != before and url_key(self.page.url) != url_key(before):
            return Outcome("navigated", self.page.url)
        return Outcome("ok", self.page.url)

    async def park_pointer(self) -> None:
        """Move the pointer off the page's controls (a hover menu closes), then wait until settled."""
        try:
            await self.page.mouse.move(0, 0)
        except PlaywrightError:
            return
        await self.settle()

    async def redirect_target(self, url: str) -> str | None:
        """Where a same-site link redirects, asked without rendering it (no script runs, so no
        chat starts): the Location of a 3xx answer, or None. Used to tell a "Chat with an agent"
        link that only leads to a sign-in page. Obeys the domains, robots.txt and politeness."""
        if not self.is_allowed(url) or (self.robots is not None and not await self.robots.allowed(url)):
            return None
        ask, headers = url, {}
        parts = urlsplit(url)
        if (parts.hostname or "").endswith(".localhost"):  # RFC 6761 loopback names, as Chromium resolves them
            ask = urlunsplit((parts.scheme, f"127.0.0.1:{parts.port}" if parts.port else "127.0.0.1",
                              parts.path, parts.query, ""))
            headers = {"Host": parts.netloc}
        try:
            if self.polite_delay_s is None:
                response = await self.page.context.request.get(ask, headers=headers, max_redirects=0,
                                                                timeout=NAV_TIMEOUT_MS)
            else:
                async with host_gate().slot(url, self.polite_delay_s):
                    response = await self.page.context.request.get(ask, headers=headers, max_redirects=0,
                                                                    timeout=NAV_TIMEOUT_MS)
        except PlaywrightError:
            return None
        try:
            if 300 <= response.status < 400:
                location = response.headers.get("location")
                return urljoin(url, location) if location else None
            return None
        finally:
            await response.dispose()

    async def leave(self) -> None:
        """Drop the current document (a chat queue the crawler must not stay in)."""
        try:
            await self.page.goto("about:blank", timeout=NAV_TIMEOUT_MS)
        except PlaywrightError:
            pass
        self._storage_now = ""

    async def outline(self, action: Action) -> bool:
        el = await self._target(action)
        if el is None:
            return False
        try:
            return bool(await el.evaluate("e => window.__reach.outline(e)"))
        except PlaywrightError:
            return False

    async def show_evidence(self, texts: list[str]) -> bool:
        """Outline where each evidence text is printed (main frame, then visible child frames)
        and bring it into view; True when all of it is inside the viewport now, so a viewport
        screenshot shows it (else the whole page is taken)."""
        texts = [t for t in texts if t]
        if not texts:
            return True
        left = list(texts)
        views: list[bool] = []  # per frame that holds evidence: all of it inside the viewport
        for idx, frame in enumerate(self.included_frames()):
            if not left:
                break
            if idx > 0:
                if not await _frame_visible(frame):
                    continue
                try:  # an evidence inside a frame is only in view with its frame
                    el = await frame.frame_element()
                    await el.evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
                except PlaywrightError:
                    continue
            try:
                here = [t for t in left if await frame.evaluate(
                    "(t) => window.__reach ? !!window.__reach.findEvidence(t) : false", t)]
                if not here:
                    continue
                shown = await frame.evaluate("(ts) => window.__reach.showEvidence(ts)", here)
            except PlaywrightError:
                continue
            views.append(bool(shown.get("inView")))
            left = [t for t in left if t not in here]
        # evidence in two frames: bringing the second into view may have moved the first away
        return not left and len(views) == 1 and views[0]

    async def screenshot(self, path: Path, full_page: bool = False) -> str | None:
        """A PNG of what the user sees now, taken once scrolling has come to rest (a smooth
        scroll still under way would move the outlined control out of the picture)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self.page.main_frame.evaluate("() => window.__reach ? window.__reach.scrollIdle(1500) : true")
        except PlaywrightError:
            pass
        try:
            await self.page.screenshot(path=str(path), timeout=10_000, full_page=full_page)
        except PlaywrightError as exc:
            logger.warning("screenshot failed: %s", exc)
            return None
        return str(path)


def popup_guard_domains(domains: list[str]) -> list[list]:
    """Allowed domains as the in-page popup guard reads them: [host, port or None, is an IP]."""
    out = []
    for d in domains:
        try:
            out.append(list(domain_parts(d)))
        except ValueError:
            logger.warning("allowed domain %r not understood: the popup guard leaves it out", d)
    return out


def _refused_main_frame(request, page: Page) -> bool:
    """A navigation of the page's main frame that the document guard refused."""
    try:
        return request.failure == "net::ERR_BLOCKED_BY_CLIENT" and request.frame is page.main_frame
    except PlaywrightError:
        return False


async def _frame_visible(frame) -> bool:
    try:
        el = await frame.frame_element()
        return bool(await el.evaluate(
            "e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})"
            " && e.getBoundingClientRect().width > 2 && e.getBoundingClientRect().height > 2"))
    except PlaywrightError:
        return False


async def guard_documents(page: Page, may_load: Callable[[str], Awaitable[bool]]) -> CDPSession:
    """Ask `may_load(url)` before the page requests any document (frames, popups' first page
    and every redirect hop included: Playwright's own routing does not see redirects, CDP
    Fetch does). Refused requests fail with net::ERR_BLOCKED_BY_CLIENT, unsent."""
    cdp = await page.context.new_cdp_session(page)

    async def paused(ev: dict) -> None:
        url = ev["request"]["url"]
        try:
            ok = url.startswith(("about:", "data:", "blob:")) or await may_load(url)
        except Exception:  # noqa: BLE001 - when in doubt, do not send
            logger.exception("document guard failed for %s", url)
            ok = False
        try:
            if ok:
                await cdp.send("Fetch.continueRequest", {"requestId": ev["requestId"]})
            else:
                await cdp.send("Fetch.failRequest", {"requestId": ev["requestId"], "errorReason": "BlockedByClient"})
        except PlaywrightError:
            pass

    cdp.on("Fetch.requestPaused", lambda ev: asyncio.ensure_future(paused(ev)))
    await cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                  "requestStage": "Request"}]})
    return cdp


def load_error_reason(msg: str) -> str:
    """A short, stable reason for a failed load (ERR_CONNECTION_RESET, timeout (20s), ...)."""
    m = NET_ERROR_RE.search(msg)
    if m:
        return m.group(1)
    if "Timeout" in msg and "exceeded" in msg:
        ms = re.search(r"Timeout (\d+)ms", msg)
        return f"timeout ({int(ms.group(1)) // 1000 if ms else NAV_TIMEOUT_MS // 1000}s)"
    return msg.splitlines()[0][:200] if msg else "no answer"


def _retry_after(response) -> float:
    """Seconds to wait before trying again: the server's Retry-After (capped), else a short pause."""
    try:
        value = float((response.headers or {}).get("retry-after", ""))
    except (TypeError, ValueError, PlaywrightError):
        return RETRY_PAUSE_S
    return max(RETRY_PAUSE_S, min(value, MAX_RETRY_AFTER_S))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else ""
