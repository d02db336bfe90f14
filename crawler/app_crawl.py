"""One app, end to end, on a live Playwright page: robots, search, evidence, result.

Shared by the Scrapy spider and by tests that drive plain Playwright, so the whole
measurement is exercised without Scrapy too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Page

from .browser import context_options, is_local_host
from .config import AppConfig, CrawlSettings
from .dataset import screenshot_dir
from .lexicon import Lexicon, default_lexicon
from .measure import build_result, record_evidence
from .page import PageDriver
from .records import AppResult
from .robots import robots_checker
from .search import Budget, Search

logger = logging.getLogger(__name__)
GRACE_S = 90.0  # evidence replays and slow pages on top of the search's own time limit


async def crawl_app(page: Page, app: AppConfig, settings: CrawlSettings, output: Path | None, run_id: str,
                    lexicon: Lexicon | None = None) -> AppResult:
    """Explore one app in `page` (its own context) and return its measured result; never raises."""
    lex = lexicon or default_lexicon()
    started = time.time()
    log = logging.getLogger(f"reachability.{app.id}")
    helpers: list[PageDriver] = []
    extra_contexts = []
    try:
        async with asyncio.timeout(app.time_limit_s + GRACE_S):
            local = is_local_host(urlsplit(app.start_url).hostname)
            can_fetch = await robots_checker(page, settings.obey_robots)
            if not can_fetch(app.start_url):
                return _error(app, started, "start_url disallowed by robots.txt", status="error")
            interval = 0.0 if local else settings.download_delay_s
            driver = PageDriver(page, is_allowed=app.is_allowed, can_fetch=can_fetch, load_interval_s=interval)
            await driver.setup()
            n_pages = settings.pages_per_local_app if local else settings.pages_per_app
            browser = page.context.browser
            for _ in range(n_pages - 1):
                if browser is None:
                    break
                ctx = await browser.new_context(**context_options(app.device, settings.user_agent_suffix, app.locale))
                extra_contexts.append(ctx)
                helper = PageDriver(await ctx.new_page(), is_allowed=app.is_allowed, can_fetch=can_fetch,
                                    load_interval_s=interval)
                await helper.setup()
                helpers.append(helper)
            search = Search(driver, app.start_url, app.region,
                            Budget(app.max_clicks, app.max_states, app.time_limit_s), lexicon=lex,
                            log=log.debug, helpers=helpers)
            ex = await search.run()
            shots = output / screenshot_dir(run_id, app.id) if output else None
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
        for ctx in extra_contexts:
            try:
                await ctx.close()
            except Exception:  # noqa: BLE001 - closing a dead context is not an error
                pass


def _error(app: AppConfig, started: float, reason: str, status: str = "error") -> AppResult:
    return AppResult(
        app_id=app.id, app_name=app.name, category=app.category, region=app.region, device=app.device,
        start_url=app.start_url, status=status, crawled_at=started, locale=app.locale, error=reason,
        duration_s=round(time.time() - started, 3),
    )


def error_result(app: AppConfig, reason: str) -> AppResult:
    return _error(app, time.time(), reason)
