"""One app, end to end, on a live Playwright page: robots, search, evidence, result.

Shared by the Scrapy spider and by tests that drive plain Playwright, so the whole
measurement is exercised without Scrapy too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

from playwright.async_api import Page

from .browser import context_options, polite_delay, release_guard
from .config import AppConfig, CrawlSettings
from .dataset import screenshot_dir
from .lexicon import Lexicon, UnknownLocale, language_of, lexicon_for
from .measure import build_result, record_evidence
from .page import PageDriver
from .records import AppResult
from .robots import HostRules, RobotsPolicy, robots_agent
from .routes import previous_routes
from .search import Budget, Search

logger = logging.getLogger(__name__)
GRACE_S = 90.0  # evidence replays and slow pages on top of the search's own time limit


async def crawl_app(page: Page, app: AppConfig, settings: CrawlSettings, output: Path | None, run_id: str,
                    lexicon: Lexicon | None = None, robots_seed: HostRules | None = None) -> AppResult:
    """Explore one app in `page` (its own context) and return its measured result; never raises.

    `robots_seed`: the start host's robots.txt rules when already fetched (the spider's
    first request); otherwise it is fetched before the start page is requested."""
    started = time.time()
    log = logging.getLogger(f"reachability.{app.id}")
    try:
        lex = lexicon or lexicon_for(app.locale, settings.allow_unknown_locale)
    except UnknownLocale as exc:
        return _error(app, started, str(exc))
    if app.locale and language_of(app.locale) is None:
        log.warning("%s: locale %s has no lexicon: crawled with every language's words (allow_unknown_locale)",
                    app.id, app.locale)
    helpers: list[PageDriver] = []
    drivers: list[PageDriver] = []
    extra_contexts = []
    delay = polite_delay(app.start_url, settings)  # None: no politeness gate
    local = delay is None
    robots = RobotsPolicy(page.context, settings.obey_robots, app.is_allowed, robots_agent(settings.user_agent_suffix),
                          polite_delay_s=delay)
    try:
        async with asyncio.timeout(app.time_limit_s + GRACE_S):
            if not settings.obey_robots:
                log.warning("%s: robots.txt is NOT obeyed (settings.obey_robots: false)", app.id)
            elif robots_seed is not None:
                robots.seed(app.start_url, robots_seed)
            if not await robots.allowed(app.start_url):
                why = robots.refusal(app.start_url) or "disallowed by robots.txt"
                return _error(app, started, f"start page not fetched: {why}")
            driver = PageDriver(page, is_allowed=app.is_allowed, robots=robots, polite_delay_s=delay,
                                allowed_domains=app.allowed_domains)
            await release_guard(page)
            drivers.append(driver)
            await driver.setup()
            n_pages = settings.pages_per_local_app if local else settings.pages_per_app
            browser = page.context.browser
            for _ in range(n_pages - 1):
                if browser is None:
                    break
                ctx = await browser.new_context(**context_options(app.device, settings.user_agent_suffix, app.locale))
                extra_contexts.append(ctx)
                helper = PageDriver(await ctx.new_page(), is_allowed=app.is_allowed, robots=robots,
                                    polite_delay_s=delay, allowed_domains=app.allowed_domains)
                await helper.setup()
                helpers.append(helper)
                drivers.append(helper)
            search = Search(driver, app.start_url, app.region,
                            Budget(app.max_clicks, app.max_states, app.time_limit_s,
                                   probe_share=settings.probe_share, extra_levels=settings.extra_levels), lexicon=lex,
                            log=log.debug, helpers=helpers, hover=app.device == "desktop",
                            routes=previous_routes(output, run_id, app.id) if settings.replay_previous_routes else [],
                            language=app.locale, other_languages=settings.other_languages)
            ex = await search.run()
            shots = output / screenshot_dir(run_id, app.id) if output else None
            if shots is not None:
                write_tap_audit(shots / "taps.jsonl", ex)
            hits = await record_evidence(driver, ex, app.start_url, app.region, shots, output, lex)
            result = build_result(app, ex, hits, started)
            log.info("%s: %s, clicks_to_human=%s (%s), %d states in %.1fs%s", app.id, result.status,
                     result.clicks_to_human, result.human_channel, result.states_explored, ex.duration_s,
                     f", stopped: {ex.stop_reason}" if ex.stop_reason else "")
            return result
    except TimeoutError:
        return _error(app, started, f"time limit exceeded ({app.time_limit_s + GRACE_S:.0f}s)")
    except Exception as exc:  # one app's failure never stops the run
        logger.exception("app %s failed", app.id)
        return _error(app, started, f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}")
    finally:
        for d in drivers:
            await d.teardown()
        await robots.close()
        for ctx in extra_contexts:
            try:
                await asyncio.wait_for(ctx.close(), 10)
            except Exception:  # noqa: BLE001 - closing a dead (or stuck) context is not an error
                pass


def write_tap_audit(path: Path, ex) -> None:
    """Every tap the search made (kind, label, page), one JSON line each: what the crawler did
    on the site, for anyone checking that it started no contact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for tap in ex.taps:
            fh.write(json.dumps(tap, ensure_ascii=False) + "\n")
        for queue in ex.queues:
            fh.write(json.dumps({"kind": "queue", "label": queue}, ensure_ascii=False) + "\n")
    tmp.replace(path)


def _error(app: AppConfig, started: float, reason: str, status: str = "error") -> AppResult:
    return AppResult(
        app_id=app.id, app_name=app.name, category=app.category, region=app.region, device=app.device,
        start_url=app.start_url, status=status, crawled_at=started, locale=app.locale, error=reason,
        duration_s=round(time.time() - started, 3),
    )


def error_result(app: AppConfig, reason: str) -> AppResult:
    return _error(app, time.time(), reason)
