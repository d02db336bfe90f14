"""From a finished search to the published numbers: one `AppResult` with its evidence.

The evidence pass replays each channel's shortest path from a fresh start with real taps
(links included), saving a screenshot before every tap with the tapped control outlined,
and one of the final state. A replay that does not show the channel again is logged and
flagged: a count must be explainable by its recorded path.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .detect import detect
from .lexicon import Lexicon, default_lexicon
from .page import EMPTY_STORAGE, PageDriver
from .records import HUMAN_CHANNELS, AppResult, ChannelHit, Step
from .search import Exploration

logger = logging.getLogger(__name__)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60]


async def record_evidence(driver: PageDriver, ex: Exploration, start_url: str, region: str,
                          shots_dir: Path | None, rel_root: Path | None,
                          lexicon: Lexicon | None = None) -> dict[str, ChannelHit]:
    """Replay every channel's shortest path with screenshots; return the channel hits."""
    lex = lexicon or default_lexicon()
    hits: dict[str, ChannelHit] = {}
    replays: dict[tuple[int, ...], tuple[list[Step], str | None, set[str]]] = {}
    for channel, sid in sorted(ex.first.items()):
        states = ex.path(sid)
        target = ex.states[sid]
        det = target.channels[channel]
        key = tuple(s.id for s in states)
        if key not in replays:
            here = {c: target.channels[c].evidence for c, s in sorted(ex.first.items())
                    if s == sid and c in target.channels}
            replays[key] = await _replay(driver, ex, states, start_url, region, lex, shots_dir, rel_root,
                                         "-".join(_safe(c) for c in here) or channel, here)
        steps, final_shot, seen = replays[key]
        if channel not in seen:
            logger.warning("replay of %s path did not show %s again: %s", start_url, channel,
                           [s.label for s in steps])
        hits[channel] = ChannelHit(
            channel=channel, clicks=target.depth, path=steps, url=target.url,
            evidence_text=det.evidence[:1000], value=det.value, screenshot=final_shot,
            service_hours=det.service_hours, min_proven=ex.proven(channel),
        )
    return hits


async def _replay(driver: PageDriver, ex: Exploration, states, start_url: str, region: str, lex: Lexicon,
                  shots_dir: Path | None, rel_root: Path | None, name: str, evidence: dict[str, str] | None = None):
    """Replay one path from a fresh start; `evidence`: channel -> evidence text recorded by the
    search, outlined in the final screenshot (as the replay shows it, if it does)."""
    await driver.apply_storage(EMPTY_STORAGE, start_url)
    await driver.page.context.clear_cookies()
    outcome = await driver.load(start_url)
    steps: list[Step] = []
    if outcome.kind != "navigated":
        return steps, None, set()
    for k, st in enumerate(states, start=1):
        action = st.action
        before = driver.page.url
        shot = None
        if shots_dir is not None:
            await driver.outline(action)
            shot = await _shot(driver, shots_dir / f"{name}-step{k}.png", rel_root)
        result = await driver.perform(action)
        if result.kind == "popup":
            await driver.load(result.url)
        steps.append(Step(label=action.display_label[:500], role=action.role or action.tag, selector=action.css,
                          url_before=before, url_after=driver.page.url, screenshot=shot))
    view = await driver.view()
    found = detect(view, lex, region)
    final = None
    if shots_dir is not None:
        # the evidence itself, wherever it is on the page: outlined and scrolled into view, or
        # the whole page when it does not fit in one screen
        texts = [found[c].evidence if c in found else text for c, text in (evidence or {}).items()]
        in_view = await driver.show_evidence(texts)
        final = await _shot(driver, shots_dir / f"{name}-final.png", rel_root, full_page=not in_view)
    return steps, final, set(found)


async def _shot(driver: PageDriver, path: Path, rel_root: Path | None, full_page: bool = False) -> str | None:
    saved = await driver.screenshot(path, full_page=full_page)
    if saved is None:
        return None
    return str(path.relative_to(rel_root)) if rel_root else str(path)


def build_result(app, ex: Exploration, hits: dict[str, ChannelHit], crawled_at: float) -> AppResult:
    """The row of `reachability` for one app, derived only from what the search recorded."""
    found_human = {ch: hits[ch] for ch in HUMAN_CHANNELS if ch in hits}
    res = AppResult(
        app_id=app.id, app_name=app.name, category=app.category, region=app.region, device=app.device,
        start_url=app.start_url, status="not_found", crawled_at=crawled_at, locale=app.locale,
        states_explored=ex.states_explored, clicks_performed=ex.clicks_performed, page_loads=ex.page_loads,
        duration_s=round(ex.duration_s, 3), budget_exhausted=ex.budget_exhausted, error=ex.error,
        stop_reason=ex.stop_reason or None,
        channels=sorted(hits.values(), key=lambda h: (h.clicks, h.channel)),
        # off-domain links and app-scheme links (weixin://, intent:) seen but never followed
        offsite_links=sorted(ex.offsite_links | {u for scheme, urls in ex.evidence_links.items()
                                                 if scheme not in ("tel", "mailto", "sms") for u in urls})[:200],
        load_errors=list(ex.load_errors), restore_failures=ex.restore_failures,
        contact_queues=list(ex.queues),
        levels_complete=ex.levels_complete if ex.levels_complete >= 0 else None,
        seconds_to_first_route=ex.seconds_to_first_route, previous_route=ex.previous_route,
    )
    phones: list[str] = []
    for st in sorted(ex.states.values(), key=lambda s: (s.depth, s.rank, s.id)):  # not discovery order
        det = st.channels.get("phone")
        for value in (det.values if det else []):
            if value not in phones:
                phones.append(value)
    res.phone_numbers = phones
    if hits:
        res.clicks_to_contact = min(h.clicks for h in hits.values())
    if found_human:
        best = min(h.clicks for h in found_human.values())
        at_best = sorted(ch for ch, h in found_human.items() if h.clicks == best)
        res.status = "found"
        res.human_reachable = True
        res.clicks_to_human = best
        res.human_channel = "|".join(at_best)
        res.min_proven = any(found_human[ch].min_proven for ch in at_best)
        first = found_human[at_best[0]]
        res.path_to_human = [s.label for s in first.path]
        # hours shown with the channel reached at the minimum (other channels keep theirs in `channels`)
        res.service_hours = next((found_human[ch].service_hours for ch in at_best if found_human[ch].service_hours),
                                 None)
        sid = ex.first[at_best[0]]
        on_path = [ex.states[0], *ex.path(sid)] if 0 in ex.states else ex.path(sid)
        res.bot_before_human = any("chatbot" in s.channels for s in on_path)
        res.final_url = first.url
    elif ex.error:  # the search did not finish: "not found" would be a claim it cannot make
        res.status = "error"
    elif ex.login_wall:
        res.status = "login_wall"
    return res
