"""The search: a route first, then the proof that no shorter one exists.

A state is what the user sees (URL + visible content). The search has two phases:

1. **Probe** (best-first): follow the most promising controls (relevance from the lexicon),
   deeper first among equals, until a human channel shows up or the probe's share of the
   budget is spent. This gives an early route, an upper bound, where a person would look.
2. **Proof** (breadth-first): level by level, every control of every state is tapped once
   (most promising first within a level). When level d has been expanded completely, every
   state reachable in d+1 taps has been seen, so a channel first seen at depth d+1 is a proven
   minimum. States the probe already recorded are adopted (re-parented to the shorter path,
   with no reload) when the proof reaches them.

`Exploration.levels_complete` says how deep the proof got; a channel at depth <= levels_complete
+ 1 is a proven minimum. The search ends when every channel type is found and proven, when the
answer is complete (human minimum proven and `extra_levels` more levels searched for the other
channels), or at a budget. A state is restored the cheapest way: load its nearest
URL-addressable ancestor with the cookies and web storage it had, then replay only the taps
since. No Scrapy imports: tests drive this with plain Playwright.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import hashlib
import heapq
import itertools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from .alternates import LanguageFilter
from .detect import Detection, PageView, control_kind, detect, is_login_page, leads_to_login, relevance
from .lexicon import Lexicon, default_lexicon
from .page import EMPTY_STORAGE, Action, Outcome, PageDriver, Storage, url_key
from .records import CHANNELS, HUMAN_CHANNELS
from .routes import Route, RouteStep

logger = logging.getLogger(__name__)
DIGITS_RE = re.compile(r"\d+")
APP_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


STOP_REASONS = ("all_channels_found", "answer_complete", "explored_all", "max_clicks", "max_states", "time_limit",
                "restore_failed")
#: the probe only follows controls with some relevance (a label or link that reads like help)
PROBE_MIN_SCORE = 0.5


@dataclass
class Budget:
    """Where the search stops; every stop is recorded (`stop_reason`, one of STOP_REASONS)."""

    max_clicks: int = 8
    max_states: int = 400
    time_limit_s: float = 300.0
    #: share of the states and of the time the best-first probe may spend before the proof
    probe_share: float = 0.25
    #: once the human minimum h is proven, levels up to h + extra_levels are searched for the
    #: other channels, then the search ends ("answer_complete"). 4: the deepest any channel
    #: lay past the human minimum in our corpora.
    extra_levels: int = 4


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
    #: the order of the taps that led here (score and position at each step): among paths of
    #: the same length the smallest is kept, whatever order parallel pages finished in
    rank: tuple = ()
    queue: str = ""  # queue / waiting-for-an-agent text a tap brought up here: the crawler left at once
    queue_texts: frozenset = frozenset()  # queue-like texts visible (static ones are not a queue)
    #: recorded by the probe and not yet reached by the proof: `depth` is an upper bound
    probe: bool = False


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
    cheap_restores: int = 0  # states brought back without a page load (a menu closed, a choice undone)
    dropped_actions: int = 0  # actions of states that could not be restored (never taken)
    queues: list[str] = field(default_factory=list)  # "label -> queue text" of taps that reached a queue
    taps: list[dict] = field(default_factory=list)  # every tap made (audit: kind, label, url)
    budget_exhausted: bool = False
    stop_reason: str = ""
    #: the deepest level d such that every state reachable in <= d taps was seen (-1: not even
    #: the start page); a channel first seen at depth <= levels_complete + 1 is a proven minimum
    levels_complete: int = -1
    probe_states: int = 0  # states the best-first probe recorded
    seconds_to_first_route: float | None = None  # search start -> first human channel seen
    #: the previous run's shortest human route, replayed first: "confirmed" (same taps show the
    #: same channel), "changed" (they no longer do), None (no earlier route)
    previous_route: str | None = None
    offsite_links: set[str] = field(default_factory=set)
    other_language_links: set[str] = field(default_factory=set)  # copies in other languages, not followed
    load_errors: list[str] = field(default_factory=list)  # "URL: reason" of loads that failed
    login_wall: bool = False
    error: str | None = None
    duration_s: float = 0.0

    def proven(self, channel: str) -> bool:
        """True when the depth of `channel`'s first state is a proven minimum."""
        sid = self.first.get(channel)
        return sid is not None and self.states[sid].depth <= self.levels_complete + 1

    def human_depth(self) -> int | None:
        depths = [self.states[self.first[ch]].depth for ch in HUMAN_CHANNELS if ch in self.first]
        return min(depths) if depths else None

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
                 helpers: list[PageDriver] | None = None, hover: bool = False,
                 routes: list[Route] | None = None, language: str | None = None,
                 other_languages: bool = False) -> None:
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
        self.hover = hover  # desktop: menus that open on hover are opened (free, like scrolling)
        self.refused: set[str] = set()  # labels of controls after which a queue appeared
        self.login_links: dict[str, bool] = {}  # entry-point link -> redirects to a sign-in page
        self._probing = False  # the best-first probe is running (its states' depths are upper bounds)
        self.probe_memo: set[tuple] = set()
        #: (state id, id(action)) -> the state the probe reached by that tap: the proof adopts it
        #: without tapping again
        self.probe_edges: dict[tuple[int, int], int] = {}
        self._started = 0.0
        self.routes = routes or []  # the previous run's shortest human routes, replayed first
        #: copies of pages in other languages are not followed (unless other_languages)
        self.languages = LanguageFilter(None if other_languages else language)
        self.other_languages = other_languages

    # ----------------------------------------------------------------- bookkeeping
    def _record(self, view: PageView, parent: UIState | None, action: Action | None, anchor: int | None,
                storage_in: Storage, storage_out: Storage, hovers: list[dict] | None = None) -> UIState:
        sid = len(self.result.states)
        depth = 0 if parent is None else parent.depth + (0 if action and action.kind == "hover" else 1)
        channels = detect(view, self.lex, self.region, arrived_by=action.label if action else "")
        queue_texts = queue_blocks(view, self.lex)
        # a tap on this page (no navigation) that shows a new queue / waiting-for-an-agent text
        # started a contact: record it, never take that control again, explore nothing there
        # (a queue announced next to the control that would connect is information, not a joined queue)
        new_queue = sorted(queue_texts - parent.queue_texts) if (
            parent is not None and action is not None and action.kind in ("click", "select") and anchor is not None
            and not any(control_kind(c, self.lex) in ("human_connect", "callback")
                        for c in view.controls if not c.get("blocked"))) else []
        st = UIState(
            id=sid, key=state_key(view), depth=depth, parent=parent.id if parent else None, action=action,
            url=view.url, anchor=sid if anchor is None else anchor, storage_in=storage_in,
            storage_out=storage_out, channels={} if new_queue else channels,
            # hovering another menu from an open one is hovering it from the page itself
            actions=[] if new_queue else (
                ([] if action is not None and action.kind == "hover" else self._hover_actions(hovers or []))
                + self._actions(view)),
            login_page=is_login_page(view, self.lex), rank=rank_of(parent, action),
            queue=new_queue[0] if new_queue else "", queue_texts=queue_texts,
        )
        if new_queue and parent is not None and action is not None:
            label = action.display_label
            self.result.queues.append(f"{label[:120]} -> {new_queue[0][:200]}")
            self.refused.add(action.label)
            self.log(f"  queue after {label!r}: {new_queue[0][:120]!r}: left at once")
            if "live_chat" not in parent.channels:  # the control that started it is the entry point
                parent.channels["live_chat"] = Detection("live_chat", label[:200], None, None)
                prev = self.result.first.get("live_chat")
                if prev is None or self.result.states[prev].depth > parent.depth:
                    self.result.first["live_chat"] = parent.id
        for name in ("live_chat", "callback"):
            det = st.channels.get(name)
            if det is not None and det.href and self.login_links.get(url_key(det.href)):
                del st.channels[name]  # its link only leads to a sign-in page: a login wall
                self.result.login_wall = True
        st.probe = self._probing
        self.result.states[sid] = st
        self.by_key[st.key] = sid
        self.result.states_explored += 1
        self.result.probe_states += st.probe
        for name in st.channels:
            prev = self.result.first.get(name)
            if prev is None or self.result.states[prev].depth > st.depth:
                self.result.first[name] = sid
                self.log(f"  {name} at {st.depth} taps{' (probe)' if st.probe else ''}: "
                         f"{st.channels[name].evidence[:80]!r} ({view.url})")
        if self.result.seconds_to_first_route is None and any(ch in st.channels for ch in HUMAN_CHANNELS):
            self.result.seconds_to_first_route = round(time.monotonic() - self._started, 3)
        if st.login_page and parent is not None and self._support_bound(st, view):
            self.result.login_wall = True
        if any(leads_to_login(c, self.lex) and control_kind(c, self.lex) in ("human_connect", "callback")
               for c in view.controls if not c.get("blocked")):
            self.result.login_wall = True  # "Chat with an agent" -> /login?next=/chat: the human is behind a sign-in
        return st

    def _support_bound(self, st: UIState, view: PageView) -> bool:
        """A sign-in page counts as a wall when the user was heading for support or contact."""
        label = st.action.label if st.action else ""
        href = st.action.href if st.action else ""
        # where the sign-in page would send the user afterwards (?next=/help/contact)
        targets = [v for values in parse_qs(urlsplit(view.url).query).values() for v in values if v.startswith("/")]
        return relevance(label, self.lex, href) >= 6 or any(relevance("", self.lex, t) >= 6 for t in targets)

    def _hover_actions(self, hovers: list[dict]) -> list[Action]:
        """Hovering a menu trigger is free (desktop): what it opens is tapped at the same depth."""
        if not self.hover:
            return []
        out = []
        for order, h in enumerate(hovers):
            out.append(Action(kind="hover", frame=0, frame_url="", path=h["path"], label=h.get("label") or "",
                              role="hover", tag="", css=h.get("css", ""), score=relevance(h.get("label") or "", self.lex) + 20,
                              order=-1000 + order, ctx=hashlib.sha1((h.get("ctx") or "").encode()).hexdigest()[:16]))
        return out

    def _actions(self, view: PageView) -> list[Action]:
        """Every tap a user could make here, safest interpretation, most promising first."""
        actions: list[Action] = []
        seen_links: set[str] = set()
        self.languages.declare(view.alternates, [c.get("hreflang") or "" for c in view.controls])
        strong_paths = [(c["frame"], c["path"]) for c in view.controls if not c.get("weak")]
        for order, c in enumerate(view.controls):
            if c.get("blocked") or (c.get("label") or "") in self.refused:
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
                before = next((o["k"] for o in c.get("options") or [] if o["selected"]), None)
                for opt in c.get("options") or []:
                    if opt["disabled"] or opt["selected"]:
                        continue
                    score = relevance(opt["text"], self.lex)
                    actions.append(Action(kind="select", value=opt["value"], option_index=opt["k"],
                                          select_label=c.get("label") or "", score=score, reset_index=before,
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
                if self.languages.is_other(href, c.get("hreflang") or "", view.alternates):
                    self.result.other_language_links.add(href[:500])
                    continue
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
        """Every channel type found at a proven minimum."""
        return all(self.result.proven(ch) for ch in CHANNELS)

    def _answer_complete(self) -> bool:
        """The human minimum is proven and `extra_levels` levels past it were searched."""
        res = self.result
        h = res.human_depth()
        return (h is not None and any(res.proven(ch) for ch in HUMAN_CHANNELS)
                and res.levels_complete >= h + self.budget.extra_levels)

    # ----------------------------------------------------------------- restore and expand
    async def restore(self, w: int, st: UIState) -> bool:
        """Bring page `w` to `st`: load its anchor with the anchor's storage, replay the taps since."""
        if self.current.get(w) == st.id:
            return True
        driver = self.drivers[w]
        if await self._undo(w, st):
            return True
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
        if state_key(view) != st.key and not await self._restore_fresh(w, st):
            return self._restore_failed(w, st, "replayed state differs")
        self.current[w] = st.id
        return True

    async def _undo(self, w: int, st: UIState) -> bool:
        """The cheapest restore, without a page load: the page shows a child of `st` reached by
        hovering a menu (move the pointer away) or by choosing an option (choose the one chosen
        before). Checked: the state must be `st` again, else it is reloaded as usual."""
        cur = self.current.get(w)
        c = self.result.states.get(cur) if cur is not None else None
        if c is None or c.parent != st.id or c.action is None or c.anchor != st.anchor:
            return False
        driver = self.drivers[w]
        if c.action.kind == "hover":
            await driver.park_pointer()
        elif c.action.kind == "select" and c.action.reset_index is not None:
            back = dataclasses.replace(c.action, value=None, option_index=c.action.reset_index)
            if (await driver.perform(back)).kind != "ok":
                self.current[w] = None
                return False
        else:
            return False
        if state_key(await driver.view()) != st.key:
            self.current[w] = None
            return False
        self.current[w] = st.id
        self.result.cheap_restores += 1
        return True

    async def _restore_fresh(self, w: int, st: UIState) -> bool:
        """Second try: from a fresh start (no cookies, no storage), every tap from the start page,
        as the evidence replay does. What the crawler believed the storage was may be wrong."""
        driver = self.drivers[w]
        await driver.apply_storage(EMPTY_STORAGE, self.start_url)
        await driver.page.context.clear_cookies()
        if (await driver.load(self.start_url)).kind != "navigated":
            return False
        for s in self.result.path(st.id):
            a = s.action
            outcome = await (driver.load(a.href) if a.kind == "link" else driver.perform(a))
            if outcome.kind == "popup":
                outcome = await driver.load(outcome.url)
            if outcome.kind == "failed":
                return False
        view = await driver.view()
        if state_key(view) != st.key:
            return False
        self.log(f"  state {st.id} restored from a fresh start")
        return True

    def _restore_failed(self, w: int, st: UIState, why: str) -> bool:
        self.result.restore_failures += 1
        if not st.broken:
            self.result.dropped_actions += len(st.actions)
        st.broken = True
        self.current[w] = None
        self.log(f"  could not restore state {st.id} ({st.url}): {why}")
        return False

    def _claim(self, st: UIState, action: Action) -> bool:
        """False when this action cannot lead anywhere new (a known URL, or the same control
        in the same region already tapped from a state at most as deep). The probe keeps its
        own memo: its states are not at their shallowest, so the proof taps those again."""
        if action.kind == "link":
            k = url_key(action.href)
            if k in self.loaded_urls:
                return False
            self.loaded_urls[k] = -1
            return True
        # a site-wide widget (chat panel, drawer) does the same on every page
        where = "" if action.layer else url_key(st.url)
        sig = (where, action.frame, action.css, action.label, action.kind, action.value, action.ctx)
        memo = self.probe_memo if self._probing else self.memo
        if sig in memo:
            self.memo_skips += 1
            return False
        memo.add(sig)
        return True

    def _probe_state_at(self, action: Action) -> UIState | None:
        """The probe's state behind a link the proof is about to follow (no need to load it again)."""
        return self._probe_state_of(action.href) if action.kind == "link" else None

    def _probe_state_of(self, url: str) -> UIState | None:
        """The probe's state loaded from `url`, not yet adopted by the proof."""
        sid = self.loaded_urls.get(url_key(url), -1)
        st = self.result.states.get(sid) if sid >= 0 else None
        return st if st is not None and st.probe else None

    def _probe_child(self, st: UIState, action: Action) -> UIState | None:
        """The probe's state behind this very tap of this state (taken already: not taken again)."""
        sid = self.probe_edges.get((st.id, id(action)))
        known = self.result.states.get(sid) if sid is not None else None
        return known if known is not None and known.probe else None

    def _adopt(self, known: UIState, parent: UIState, action: Action, anchor: int | None,
               storage_in: Storage) -> None:
        """The proof reached a state the probe recorded: it takes the proof's (shortest) path,
        and so do the probe states below it."""
        known.parent, known.action, known.rank = parent.id, action, rank_of(parent, action)
        known.depth = parent.depth + (0 if action.kind == "hover" else 1)
        known.anchor = known.id if anchor is None else anchor
        known.storage_in = storage_in
        known.probe = False
        children: dict[int, list[UIState]] = {}
        for s in self.result.states.values():
            if s.probe and s.parent is not None:
                children.setdefault(s.parent, []).append(s)
        todo = [known]
        while todo:
            p = todo.pop()
            for c in children.get(p.id, []):
                c.depth = p.depth + (0 if c.action.kind == "hover" else 1)
                c.rank = rank_of(p, c.action)
                if c.anchor != c.id:  # reached by a tap on p's page: restored from p's anchor
                    c.anchor = p.anchor
                todo.append(c)

    async def expand(self, w: int, st: UIState, action: Action) -> UIState | None:
        """Take one action from `st` on page `w`; record the state it leads to if it is new."""
        driver = self.drivers[w]
        if action.kind == "link":
            await driver.apply_storage(st.storage_out, action.href)
            outcome = await driver.load(action.href)
            self.current[w] = None
            if outcome.kind == "failed" and "interrupted by another navigation" in outcome.detail:
                self.loaded_urls.pop(url_key(action.href), None)  # not the URL's fault: it may be tried again
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
        if outcome.kind == "language":
            self.result.other_language_links.add(outcome.url[:500])
        if outcome.kind in ("robots", "download", "language"):
            self.current[w] = None
            return None
        if outcome.kind == "popup":
            self.current[w] = None
            k = url_key(outcome.url)
            if k in self.loaded_urls:  # known: the probe's state is adopted (no load), else nothing new
                known = None if self._probing else self._probe_state_of(outcome.url)
                if known is not None:
                    self._adopt(known, st, action, None, st.storage_out)
                return known
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
        if anchor is None and self.languages.is_other(view.url) and not self.languages.is_other(parent.url):
            self.result.other_language_links.add(view.url[:500])  # a language switcher that navigates
            self.current[w] = None
            return None
        key = state_key(view)
        if key in self.by_key:
            known = self.result.states[self.by_key[key]]
            self.current[w] = known.id
            if self._probing:
                return None
            if known.probe:
                self._adopt(known, parent, action, anchor, storage_in)
                return known
            self._reparent(known, parent, action, anchor, storage_in)
            return None
        storage_out = await driver.read_storage()
        hovers = await driver.hover_targets() if self.hover else []
        await self._check_entry_links(driver, view)
        st = self._record(view, parent, action, anchor, storage_in, storage_out, hovers)
        self.current[w] = st.id
        if anchor is None:
            self.loaded_urls[url_key(view.url)] = st.id
        if st.queue:  # leave the queue at once: the page is dropped, nothing in it is touched
            await driver.leave()
            self.current[w] = None
            return None
        return st

    async def _check_entry_links(self, driver: PageDriver, view: PageView) -> None:
        """Entry-point links (never tapped) are asked where they redirect, once each: a live chat
        that only leads to a sign-in page is a login wall, not the channel."""
        for c in view.controls:
            href = c.get("abs") or ""
            if c.get("blocked") or c.get("tag") != "a" or not href.lower().startswith(("http:", "https:")):
                continue
            k = url_key(href)
            if k in self.login_links or control_kind(c, self.lex) not in ("human_connect", "callback"):
                continue
            target = await driver.redirect_target(href)
            self.login_links[k] = bool(target) and self.lex.has("login_url", urlsplit(target).path)

    def _reparent(self, known: UIState, parent: UIState, action: Action, anchor: int | None,
                  storage_in: Storage) -> None:
        """A known state reached again by a path of the same length that comes first in rank:
        that path is kept, so the recorded path does not depend on which page finished first."""
        depth = parent.depth + (0 if action.kind == "hover" else 1)
        rank = rank_of(parent, action)
        if known.parent is None or depth != known.depth or rank >= known.rank or known.queue:
            return
        if self._descends(parent, known.id):
            return
        known.parent, known.action, known.rank = parent.id, action, rank
        known.anchor = known.id if anchor is None else anchor
        known.storage_in = storage_in

    def _descends(self, st: UIState, ancestor: int) -> bool:
        s = st
        while s.parent is not None:
            if s.parent == ancestor:
                return True
            s = self.result.states[s.parent]
        return st.id == ancestor

    # ----------------------------------------------------------------- the search
    async def _worker(self, w: int, pending: list, nxt: list[UIState]) -> None:
        """Take the level's actions one by one, preferring those of the state page `w` shows."""
        res = self.result
        while pending and not res.stop_reason:
            cur = self.current.get(w)
            idx = next((i for i, (st, _) in enumerate(pending[:400]) if st.id == cur), 0)
            st, action = pending.pop(idx)
            if st.broken:
                continue
            known = self._probe_state_at(action) or self._probe_child(st, action)
            if known is not None:
                by_url = known.anchor == known.id
                self._adopt(known, st, action, None if by_url else st.anchor,
                            st.storage_out if by_url else known.storage_in)
                if known.depth == st.depth:
                    pending.extend((known, a) for a in known.actions)
                else:
                    nxt.append(known)
                continue
            if not self._claim(st, action):
                continue
            why = self._out_of_budget()
            if why:
                res.stop_reason = why
                res.budget_exhausted = True
                return
            child = await self.expand(w, st, action)
            if child is None:
                continue
            if child.depth == st.depth:  # a hover opened a menu: its items are taps of this level
                pending.extend((child, a) for a in child.actions)
            else:
                nxt.append(child)

    async def run(self) -> Exploration:
        started = self._started = time.monotonic()
        self._deadline = started + self.budget.time_limit_s
        res = self.result
        try:
            await self._search()
            self._shortcut()
            self._settle_firsts()
            if res.stop_reason == "explored_all" and res.dropped_actions:
                res.stop_reason = "restore_failed"  # not everything was explored: no claim of completeness
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one app's failure is recorded, never raised into the run
            logger.exception("search failed for %s", self.start_url)
            res.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
        finally:
            res.clicks_performed = sum(d.clicks for d in self.drivers)
            res.page_loads = sum(d.page_loads for d in self.drivers)
            for d in self.drivers:
                res.taps.extend(d.taps)
                res.offsite_links |= d.offsite
                res.load_errors.extend(e for e in d.load_errors if e not in res.load_errors)
                res.load_errors.extend(f"{u[:300]}: disallowed by robots.txt" for u in sorted(d.blocked_by_robots))
            res.duration_s = time.monotonic() - started
        return res

    def _shortcut(self) -> None:
        """Shorten recorded paths over what was observed, at no page load: a recorded state S
        that shows a link to the URL of a recorded state T is a route S -> T (the same
        equivalence as "a loaded URL is not loaded again"). States deeper than the proof got
        (the probe's, those behind an unfinished level) may so come closer to the start."""
        res = self.result
        states = res.states
        if 0 not in states:
            return
        edges: dict[int, list[tuple[UIState, Action, bool]]] = {}
        for st in states.values():
            if st.parent is not None and st.parent in states:
                edges.setdefault(st.parent, []).append((st, st.action, False))
        for st in states.values():
            if st.broken:
                continue
            for a in st.actions:
                if a.kind == "link":
                    t = self.loaded_urls.get(url_key(a.href), -1)
                    if t >= 0 and t in states and t != st.id and states[t].anchor == t and states[t].parent is not None:
                        edges.setdefault(st.id, []).append((states[t], a, True))
        dist = {0: 0}
        best: dict[int, tuple[UIState, Action, bool]] = {}
        todo = collections.deque([states[0]])
        while todo:  # 0-1 breadth-first: a hover costs nothing
            p = todo.popleft()
            for child, action, by_link in edges.get(p.id, []):
                d = dist[p.id] + (0 if action.kind == "hover" else 1)
                if d < dist.get(child.id, 1 << 30):
                    dist[child.id] = d
                    best[child.id] = (p, action, by_link)
                    (todo.appendleft if d == dist[p.id] else todo.append)(child)
        moved = 0
        for sid in sorted(best, key=lambda i: dist[i]):
            st = states[sid]
            p, action, by_link = best[sid]
            if dist[sid] >= st.depth:
                continue
            if by_link:
                st.parent, st.action, st.storage_in = p.id, action, p.storage_out
            st.depth, moved = dist[sid], moved + 1
        if moved:
            for sid in sorted(states, key=lambda i: states[i].depth):  # ranks follow the new paths
                st = states[sid]
                if st.parent is not None:
                    st.rank = rank_of(states[st.parent], st.action)
            self.log(f"shortcuts over observed links: {moved} states closer to the start")

    def _settle_firsts(self) -> None:
        """Each channel's state: the shallowest, and among those the first in rank (the same
        answer whichever page of a parallel search got there first)."""
        res = self.result
        for name in list(res.first):
            holders = [s for s in res.states.values() if name in s.channels]
            if holders:
                res.first[name] = min(holders, key=lambda s: (s.depth, s.rank, s.id)).id

    async def _search(self) -> None:
        res = self.result
        driver = self.driver
        outcome = await driver.load(self.start_url)
        if outcome.kind != "navigated" or (outcome.status or 0) >= 400:
            res.error = start_failure(outcome)
            return
        view = await driver.view()
        if not self.other_languages:
            self.languages.learn(view.lang, self.start_url, view.alternates)
            start = url_key(self.start_url)
            for d in self.drivers:
                d.skip_document = lambda u: self.languages.is_other(u) and url_key(u) != start
        storage = await driver.read_storage()
        hovers = await driver.hover_targets() if self.hover else []
        await self._check_entry_links(driver, view)
        root = self._record(view, None, None, None, EMPTY_STORAGE, storage, hovers)
        self.current[0] = root.id
        self.loaded_urls[url_key(self.start_url)] = root.id
        self.loaded_urls[url_key(view.url)] = root.id
        res.levels_complete = 0
        await self._replay_routes(root)
        await self._probe(root)
        if res.stop_reason:
            return
        level = [root]
        complete = True  # every level so far expanded with no action dropped
        while level:
            depth = level[0].depth
            self._settle_firsts()
            if self._done():
                res.stop_reason = "all_channels_found"
                return
            if self._answer_complete():
                res.stop_reason = "answer_complete"
                return
            if depth >= self.budget.max_clicks:
                res.budget_exhausted = any(s.actions for s in level)
                res.stop_reason = "max_clicks" if res.budget_exhausted else "explored_all"
                return
            self.log(f"level {depth}: {len(level)} states, {res.states_explored} explored")
            level.sort(key=lambda s: (-(s.action.score if s.action else 0), s.id))
            # the most promising controls of the whole level first (an "Accessible services"
            # link on an unlikely page is not left until every likely page is done)
            pending = [(st, a) for _, _, st, a in sorted(
                ((-a.score, n, st, a) for n, st in enumerate(level) for a in st.actions), key=lambda x: x[:2])]
            nxt: list[UIState] = []
            dropped = res.dropped_actions
            await asyncio.gather(*(self._worker(w, pending, nxt) for w in range(len(self.drivers))))
            if res.stop_reason:
                return
            complete = complete and res.dropped_actions == dropped
            if complete:
                res.levels_complete = depth + 1
            nxt.sort(key=lambda s: s.id)
            level = nxt
        res.stop_reason = "explored_all"

    async def _probe(self, root: UIState) -> None:
        """Best-first: the most promising control anywhere, deeper first among equals, until a
        human channel shows up or the probe's share of the budget is spent. On one page, in a
        fixed order, so that the route found (and so an unproven count) does not depend on timing."""
        share = self.budget.probe_share
        if share <= 0:
            return
        res = self.result
        max_states = max(1, int(self.budget.max_states * share))
        deadline = self._started + self.budget.time_limit_s * share
        heap: list = []
        seq = itertools.count()

        def push(st: UIState) -> None:
            # down a branch means the page's own links: the site-wide menu and footer it shares
            # with the page before come after them (else the probe walks the mega-menu)
            parent = self.result.states.get(st.parent) if st.parent is not None else None
            shared = {_where(a) for a in parent.actions} if parent is not None else set()
            for a in st.actions:
                depth = st.depth + (0 if a.kind == "hover" else 1)
                if a.score >= PROBE_MIN_SCORE and depth <= self.budget.max_clicks:
                    heapq.heappush(heap, (-a.score, _where(a) in shared, -st.depth, a.order, next(seq), st, a))

        def over() -> bool:
            return (res.human_depth() is not None or res.probe_states >= max_states
                    or time.monotonic() > deadline or bool(self._out_of_budget()))

        push(root)
        self._probing = True  # one page, in order: the route found does not depend on timing
        try:
            while heap and not over():
                *_, st, action = heapq.heappop(heap)
                if st.broken or not self._claim(st, action):
                    continue
                child = await self.expand(0, st, action)
                if child is not None:
                    self.probe_edges[(st.id, id(action))] = child.id
                    push(child)
        finally:
            self._probing = False
        if res.probe_states:
            h = res.human_depth()
            self.log(f"probe: {res.probe_states} states, " + (f"a human at {h} taps" if h is not None else "no human"))


    async def _replay_routes(self, root: UIState) -> None:
        """Take the previous run's shortest human routes again, tap by tap (as probe states):
        a cheap confirmation, an early upper bound, and news when a route no longer works."""
        res = self.result
        for n, route in enumerate(self.routes):
            st: UIState | None = root
            self._probing = True
            try:
                for step in route.steps:
                    action = _matching_action(st.actions, step)
                    if action is None or self._out_of_budget():
                        st = None
                        break
                    child = await self.expand(0, st, action)
                    cur = self.current.get(0)
                    st = child or (self.result.states.get(cur) if cur is not None else None)
                    if st is None:
                        break
            finally:
                self._probing = False
            shown = st is not None and route.channel in st.channels
            if n == 0:
                res.previous_route = "confirmed" if shown and st.depth == route.clicks else "changed"
            self.log(f"previous route to {route.channel} ({' > '.join(s.label for s in route.steps)}): "
                     + ("still shows it" if shown else "no longer shows it"))


def _where(a: Action) -> tuple:
    """Where an action leads, to tell a page's own links from those it shares with others."""
    return ("link", url_key(a.href)) if a.kind == "link" else (a.kind, a.label, a.css)


def _matching_action(actions: list[Action], step: RouteStep) -> Action | None:
    """The control a recorded step tapped: same place and label, else the same label and role."""
    label = " ".join(step.label.split())
    same = [a for a in actions if " ".join(a.display_label[:500].split()) == label]
    if step.role == "hover":
        same = [a for a in same if a.kind == "hover"]
    return next((a for a in same if a.css == step.selector), None) or \
        next((a for a in same if (a.role or a.tag) == step.role), None)


def rank_of(parent: UIState | None, action: Action | None) -> tuple:
    """The rank of the path through `parent` then `action`: most promising first, then page order."""
    if parent is None or action is None:
        return ()
    return (*parent.rank, (-action.score, action.order, action.value or ""))


def queue_blocks(view: PageView, lex: Lexicon) -> frozenset:
    """Texts of the state that read like an agent queue or a wait for an agent."""
    return frozenset(b.get("text", "")[:300] for b in view.blocks
                     if not b.get("control") and len(b.get("text", "")) <= 300 and lex.has("queue", b.get("text", "")))


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
