"""The search: breadth-first over UI states, fewest taps first, to every contact channel.

A state is what the user sees (URL + visible content). Level by level, every control of
every state is tapped once (most promising first within a level), so the first level at
which a channel shows up is the true minimum over everything explored. A state is restored
the cheapest way: load its nearest URL-addressable ancestor with the cookies and web
storage it had, then replay only the taps since. No Scrapy imports: tests drive this with
plain Playwright.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from .detect import Detection, PageView, control_kind, detect, is_login_page, relevance
from .lexicon import Lexicon, default_lexicon
from .page import EMPTY_STORAGE, Action, Outcome, PageDriver, Storage, url_key
from .records import CHANNELS

logger = logging.getLogger(__name__)
DIGITS_RE = re.compile(r"\d+")
APP_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


STOP_REASONS = ("all_channels_found", "explored_all", "max_clicks", "max_states", "time_limit")


@dataclass
class Budget:
    """Where the search stops; every stop is recorded (`stop_reason`, one of STOP_REASONS)."""

    max_clicks: int = 8
    max_states: int = 400
    time_limit_s: float = 300.0


@dataclass
class UIState:
    id: int
    key: str
    depth: int
    parent: int | None
    action: Action | None
    url: str
    anchor: int
    storage_in: Storage  # applied before loading `url` (anchors only)
    storage_out: Storage  # what the state left behind, for its links
    channels: dict[str, Detection]
    actions: list[Action]
    login_page: bool = False
    broken: bool = False


@dataclass
class Exploration:
    """What the search saw: the states, where each channel first appeared, and its costs."""

    states: dict[int, UIState] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)  # channel -> state id (shallowest)
    evidence_links: dict[str, set[str]] = field(default_factory=dict)  # tel:, mailto:, app schemes
    states_explored: int = 0
    clicks_performed: int = 0
    page_loads: int = 0
    restore_failures: int = 0
    budget_exhausted: bool = False
    stop_reason: str = ""
    offsite_links: set[str] = field(default_factory=set)
    load_errors: list[str] = field(default_factory=list)  # "URL: reason" of loads that failed
    login_wall: bool = False
    error: str | None = None
    duration_s: float = 0.0

    def path(self, state_id: int) -> list[UIState]:
        """States from the start (exclusive) to `state_id` (inclusive), in tap order."""
        out = []
        s = self.states[state_id]
        while s.parent is not None:
            out.append(s)
            s = self.states[s.parent]
        return list(reversed(out))


def state_key(view: PageView) -> str:
    """Identity of a state: URL + visible text and controls (digits folded: clocks, counters;
    chat transcripts reduced to their latest messages)."""
    h = hashlib.sha1(url_key(view.url).encode())
    for b in view.blocks:
        if not b.get("inline") and b.get("log") != "old":
            h.update(DIGITS_RE.sub("#", b.get("text", "")).encode())
            h.update(b"\x00")
    for c in view.controls:
        h.update(f"{c.get('label')}|{c.get('tag')}|{c.get('blocked')}\x01".encode())
    for f in view.fields:
        h.update(f"{f.get('label')}|{f.get('tag')}\x02".encode())
    return h.hexdigest()


class Search:
    """Breadth-first search over the UI states of one app."""

    def __init__(self, driver: PageDriver, start_url: str, region: str, budget: Budget,
                 lexicon: Lexicon | None = None, log: Callable[[str], None] | None = None,
                 helpers: list[PageDriver] | None = None) -> None:
        self.driver = driver
        self.drivers = [driver, *(helpers or [])]
        self.current: dict[int, int | None] = {}  # driver index -> state the page shows now
        self.memo: set[tuple] = set()
        self.memo_skips = 0
        self.start_url = start_url
        self.region = region
        self.budget = budget
        self.lex = lexicon or default_lexicon()
        self.result = Exploration()
        self.by_key: dict[str, int] = {}
        self.loaded_urls: dict[str, int] = {}
        self.log = log or (lambda msg: logger.debug(msg))
        self._deadline = 0.0

    # ----------------------------------------------------------------- bookkeeping
    def _record(self, view: PageView, parent: UIState | None, action: Action | None, anchor: int | None,
                storage_in: Storage, storage_out: Storage) -> UIState:
        sid = len(self.result.states)
        depth = 0 if parent is None else parent.depth + 1
        channels = detect(view, self.lex, self.region)
        st = UIState(
            id=sid, key=state_key(view), depth=depth, parent=parent.id if parent else None, action=action,
            url=view.url, anchor=sid if anchor is None else anchor, storage_in=storage_in,
            storage_out=storage_out, channels=channels, actions=self._actions(view),
            login_page=is_login_page(view, self.lex),
        )
        self.result.states[sid] = st
        self.by_key[st.key] = sid
        self.result.states_explored += 1
        for name in channels:
            if name not in self.result.first:
                self.result.first[name] = sid
                self.log(f"  {name} at {depth} taps: {channels[name].evidence[:80]!r} ({view.url})")
        if st.login_page and parent is not None and self._support_bound(st, view):
            self.result.login_wall = True
        return st

    def _support_bound(self, st: UIState, view: PageView) -> bool:
        """A sign-in page counts as a wall when the user was heading for support or contact."""
        label = st.action.label if st.action else ""
        href = st.action.href if st.action else ""
        # where the sign-in page would send the user afterwards (?next=/help/contact)
        targets = [v for values in parse_qs(urlsplit(view.url).query).values() for v in values if v.startswith("/")]
        return relevance(label, self.lex, href) >= 6 or any(relevance("", self.lex, t) >= 6 for t in targets)

    def _actions(self, view: PageView) -> list[Action]:
        """Every tap a user could make here, safest interpretation, most promising first."""
        actions: list[Action] = []
        seen_links: set[str] = set()
        strong_paths = [(c["frame"], c["path"]) for c in view.controls if not c.get("weak")]
        for order, c in enumerate(view.controls):
            if c.get("blocked"):
                continue
            kind = control_kind(c, self.lex)
            href = c.get("abs") or ""
            if href and APP_SCHEME_RE.match(href) and not href.lower().startswith(("http:", "https:", "javascript:")):
                self.result.evidence_links.setdefault(href.split(":", 1)[0].lower(), set()).add(href[:300])
                continue
            if kind in ("never", "human_connect", "callback"):
                continue
            if c.get("nested") and c.get("weak"):
                continue
            if c.get("weak") and any(f == c["frame"] and len(p) >= 1 and _contains(c["path"], p)
                                      for f, p in strong_paths):
                continue
            base = dict(frame=c["frame"], frame_url=c.get("frame_url", ""), path=c["path"], label=c.get("label") or "",
                        role=c.get("role") or c.get("tag"), tag=c.get("tag"), css=c.get("css", ""), order=order,
                        ctx=hashlib.sha1((c.get("ctx") or "").encode()).hexdigest()[:16], layer=bool(c.get("layer")),
                        target=c.get("target") or "")
            if c.get("tag") == "select":
                for opt in c.get("options") or []:
                    if opt["disabled"] or opt["selected"]:
                        continue
                    score = relevance(opt["text"], self.lex)
                    actions.append(Action(kind="select", value=opt["value"], option_index=opt["k"],
                                          select_label=c.get("label") or "", score=score,
                                          **{**base, "label": opt["text"], "role": "option"}))
                continue
            is_link = href.lower().startswith(("http:", "https:")) and c.get("tag") == "a"
            same_doc = is_link and _same_document(href, view.url)
            if is_link and not same_doc:
                if c.get("download") or not self.driver.is_allowed(href):
                    if not self.driver.is_allowed(href):
                        self.result.offsite_links.add(href[:500])
                    continue
                k = url_key(href)
                if k in seen_links:
                    continue
                seen_links.add(k)
                score = relevance(c.get("label") or "", self.lex, href)
                actions.append(Action(kind="link", href=href, score=score, **base))
            else:
                score = relevance((c.get("label") or "") + " " + (c.get("title") or ""), self.lex)
                actions.append(Action(kind="click", score=score, **base))
        actions.sort(key=lambda a: (-a.score, a.order))
        return actions

    def _out_of_budget(self) -> str:
        if self.result.states_explored >= self.budget.max_states:
            return "max_states"
        if time.monotonic() > self._deadline:
            return "time_limit"
        return ""

    def _done(self) -> bool:
        return all(ch in self.result.first for ch in CHANNELS)

    # ----------------------------------------------------------------- restore and expand
    async def restore(self, w: int, st: UIState) -> bool:
        """Bring page `w` to `st`: load its anchor with the anchor's storage, replay the taps since."""
        if self.current.get(w) == st.id:
            return True
        driver = self.drivers[w]
        chain: list[Action] = []
        s = st
        while s.id != s.anchor:
            chain.append(s.action)
            s = self.result.states[s.parent]
        anchor = s
        await driver.apply_storage(anchor.storage_in, anchor.url)
        outcome = await driver.load(anchor.url)
        if outcome.kind != "navigated":
            return self._restore_failed(w, st, f"reload failed: {outcome.detail}")
        for action in reversed(chain):
            outcome = await driver.perform(action)
            if outcome.kind == "failed":
                return self._restore_failed(w, st, f"replay of {action.display_label!r} failed")
        view = await driver.view()
        if state_key(view) != st.key:
            return self._restore_failed(w, st, "replayed state differs")
        self.current[w] = st.id
        return True

    def _restore_failed(self, w: int, st: UIState, why: str) -> bool:
        self.result.restore_failures += 1
        st.broken = True
        self.current[w] = None
        self.log(f"  could not restore state {st.id} ({st.url}): {why}")
        return False

    def _claim(self, st: UIState, action: Action) -> bool:
        """False when this action cannot lead anywhere new (a known URL, or the same control
        in the same region already tapped from a state at most as deep)."""
        if action.kind == "link":
            k = url_key(action.href)
            if k in self.loaded_urls:
                return False
            self.loaded_urls[k] = -1
            return True
        # a site-wide widget (chat panel, drawer) does the same on every page
        where = "" if action.layer else url_key(st.url)
        sig = (where, action.frame, action.css, action.label, action.kind, action.value, action.ctx)
        if sig in self.memo:
            self.memo_skips += 1
            return False
        self.memo.add(sig)
        return True

    async def expand(self, w: int, st: UIState, action: Action) -> UIState | None:
        """Take one action from `st` on page `w`; record the state it leads to if it is new."""
        driver = self.drivers[w]
        if action.kind == "link":
            await driver.apply_storage(st.storage_out, action.href)
            outcome = await driver.load(action.href)
            self.current[w] = None
            if outcome.kind != "navigated":
                return None
            return await self._arrive(w, st, action, anchor=None, storage_in=st.storage_out)
        if not await self.restore(w, st):
            return None
        outcome: Outcome = await driver.perform(action)
        if outcome.kind == "failed":
            self.current[w] = None
            return None
        if outcome.kind == "offsite":
            self.result.offsite_links.add(outcome.url[:500])
            self.current[w] = None
            return None
        if outcome.kind in ("robots", "download"):
            self.current[w] = None
            return None
        if outcome.kind == "popup":
            self.current[w] = None
            k = url_key(outcome.url)
            if k in self.loaded_urls:
                return None
            self.loaded_urls[k] = -1
            await driver.apply_storage(st.storage_out, outcome.url)
            loaded = await driver.load(outcome.url)
            if loaded.kind != "navigated":
                return None
            return await self._arrive(w, st, action, anchor=None, storage_in=st.storage_out)
        anchor = None if outcome.kind == "navigated" else st.anchor
        return await self._arrive(w, st, action, anchor=anchor, storage_in=st.storage_out)

    async def _arrive(self, w: int, parent: UIState, action: Action, anchor: int | None,
                      storage_in: Storage) -> UIState | None:
        driver = self.drivers[w]
        view = await driver.view()
        key = state_key(view)
        if key in self.by_key:
            self.current[w] = self.by_key[key]
            return None
        storage_out = await driver.read_storage()
        st = self._record(view, parent, action, anchor, storage_in, storage_out)
        self.current[w] = st.id
        if anchor is None:
            self.loaded_urls[url_key(view.url)] = st.id
        return st

    # ----------------------------------------------------------------- the search
    async def _worker(self, w: int, pending: list, nxt: list[UIState]) -> None:
        """Take the level's actions one by one, preferring those of the state page `w` shows."""
        res = self.result
        while pending and not res.stop_reason:
            cur = self.current.get(w)
            idx = next((i for i, (st, _) in enumerate(pending[:400]) if st.id == cur), 0)
            st, action = pending.pop(idx)
            if st.broken or not self._claim(st, action):
                continue
            why = self._out_of_budget()
            if why:
                res.stop_reason = why
                res.budget_exhausted = True
                return
            child = await self.expand(w, st, action)
            if child is not None:
                nxt.append(child)

    async def run(self) -> Exploration:
        started = time.monotonic()
        self._deadline = started + self.budget.time_limit_s
        res = self.result
        try:
            await self._search()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one app's failure is recorded, never raised into the run
            logger.exception("search failed for %s", self.start_url)
            res.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
        finally:
            res.clicks_performed = sum(d.clicks for d in self.drivers)
            res.page_loads = sum(d.page_loads for d in self.drivers)
            for d in self.drivers:
                res.offsite_links |= d.offsite
                res.load_errors.extend(e for e in d.load_errors if e not in res.load_errors)
                res.load_errors.extend(f"{u[:300]}: disallowed by robots.txt" for u in sorted(d.blocked_by_robots))
            res.duration_s = time.monotonic() - started
        return res

    async def _search(self) -> None:
        res = self.result
        driver = self.driver
        outcome = await driver.load(self.start_url)
        if outcome.kind != "navigated" or (outcome.status or 0) >= 400:
            res.error = start_failure(outcome)
            return
        view = await driver.view()
        storage = await driver.read_storage()
        root = self._record(view, None, None, None, EMPTY_STORAGE, storage)
        self.current[0] = root.id
        self.loaded_urls[url_key(self.start_url)] = root.id
        self.loaded_urls[url_key(view.url)] = root.id
        level = [root]
        while level:
            depth = level[0].depth
            if self._done():
                res.stop_reason = "all_channels_found"
                return
            if depth >= self.budget.max_clicks:
                res.budget_exhausted = any(s.actions for s in level)
                res.stop_reason = "max_clicks" if res.budget_exhausted else "explored_all"
                return
            self.log(f"level {depth}: {len(level)} states, {res.states_explored} explored")
            level.sort(key=lambda s: (-(s.action.score if s.action else 0), s.id))
            pending = [(st, a) for st in level for a in st.actions]
            nxt: list[UIState] = []
            await asyncio.gather(*(self._worker(w, pending, nxt) for w in range(len(self.drivers))))
            if res.stop_reason:
                return
            nxt.sort(key=lambda s: s.id)
            level = nxt
        res.stop_reason = "explored_all"


def start_failure(outcome: Outcome) -> str:
    """Why the start page cannot be measured, in words for the `error` column."""
    if outcome.kind == "offsite":
        return f"start page redirects off the allowed domains ({outcome.url[:200]})"
    if outcome.kind == "robots":
        return f"start page not fetched: {outcome.detail}"
    if outcome.kind == "download":
        return "start page is a file download"
    if outcome.kind == "navigated":
        return f"start page answered HTTP {outcome.status}"
    return f"start page did not load: {outcome.detail or outcome.kind}"


def _contains(inner: list, outer: list) -> bool:
    """True when path `outer` is a strict ancestor of path `inner` (same tree segments)."""
    if len(outer) > len(inner):
        return False
    for i, seg in enumerate(outer):
        o = inner[i]
        last = i == len(outer) - 1
        if last:
            if len(seg) >= len(o) and len(outer) == len(inner):
                return False
            if o[: len(seg)] != seg:
                return False
        elif o != seg:
            return False
    return inner != outer


def _same_document(href: str, current: str) -> bool:
    a, b = urlsplit(href), urlsplit(current)
    return (a.scheme, a.netloc, a.path, a.query) == (b.scheme, b.netloc, b.path, b.query) and bool(a.fragment) \
        and not a.fragment.startswith(("/", "!"))
