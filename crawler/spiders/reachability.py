"""The Scrapy spider: one request per app, each in its own browser context.

Scrapy schedules the apps (concurrency, politeness, Scrapyd, scrapy-redis); the search
itself runs in the callback on the live Playwright page that scrapy-playwright hands over.
An app's request is its start host's robots.txt, the first thing a polite crawler asks for:
the start page itself is requested by the search, behind its robots and domain guards.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import scrapy
from scrapy.exceptions import CloseSpider

from crawler.app_crawl import crawl_app, error_result
from crawler.browser import context_guard, context_options, polite_delay
from crawler.config import AppConfig, ConfigError, CrawlConfig, load_config
from crawler.dataset import done_app_ids, new_run_id, validate_run_id
from crawler.politeness import host_gate
from crawler.robots import HostRules, robots_url, rules_from_error, rules_from_page
from crawler.sharding import in_shard, parse_shard

logger = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 10.0


class ReachabilitySpider(scrapy.Spider):
    """`scrapy crawl reachability -a config=configs/apps.yaml [-a output=output] [-a run_id=ID] [-a apps=a,b]`"""

    name = "reachability"

    def __init__(self, config: str | CrawlConfig | None = None, output: str = "output", run_id: str | None = None,
                 apps: str | None = None, resume: str | bool = False, shard: str | None = None,
                 *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.config_error: str | None = None
        self.apps: list[AppConfig] = []
        self.output = Path(output)
        try:
            if not config:
                raise ConfigError("missing the config: scrapy crawl reachability -a config=PATH")
            self.config = config if isinstance(config, CrawlConfig) else load_config(config)
            self.run_id = validate_run_id(run_id) if run_id else new_run_id()
        except (ConfigError, ValueError) as exc:  # reported once, clearly, when the crawl starts
            self.config_error = str(exc)
            self.run_id = run_id or new_run_id()
            return
        wanted = {a for a in (apps or "").split(",") if a}
        self.apps = [a for a in self.config.apps if not wanted or a.id in wanted]
        try:
            self.shard = parse_shard(shard) if shard else None
        except ValueError as exc:
            self.config_error = str(exc)
            return
        if self.shard:
            self.apps = [a for a in self.apps if in_shard(a.id, *self.shard)]
        self.planned = [a.id for a in self.apps]
        self.skipped: list[str] = []
        if resume in (True, "1", "true", "yes"):
            done = done_app_ids(self.output, self.run_id)  # the dataset is the record of what is done
            self.skipped = [a.id for a in self.apps if a.id in done]
            self.apps = [a for a in self.apps if a.id not in done]

    async def start(self):
        if self.config_error:
            logger.error("%s", self.config_error)
            raise CloseSpider("config error")
        if self.skipped:
            logger.info("resume: %d apps already in run %s are skipped: %s", len(self.skipped), self.run_id,
                        ", ".join(self.skipped))
        for app in self.apps:
            yield self.app_request(app)

    def app_request(self, app: AppConfig) -> scrapy.Request:
        settings = self.config.settings
        return scrapy.Request(
            robots_url(app.start_url),
            callback=self.explore,
            errback=self.failed,
            dont_filter=True,
            meta={
                "app_id": app.id,
                "allowed_domains": list(app.allowed_domains),
                "handle_httpstatus_all": True,  # a 404 robots.txt is an answer, not a failure
                "playwright_page_init_callback": "crawler.browser.guard_page",
                "polite_delay_s": polite_delay(app.start_url, settings),  # the guard spaces this request
                "playwright": True,
                "playwright_include_page": True,
                "playwright_context": f"app:{app.id}",
                "playwright_context_kwargs": context_options(app.device, settings.user_agent_suffix, app.locale),
                "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
            },
        )

    async def explore(self, response):
        page = response.meta["playwright_page"]
        seed = await rules_from_page(page, response.status, response.headers.get("Content-Type", b"").decode("latin-1"))
        async for out in self._measure(response.meta, page, seed):
            yield out

    async def _measure(self, meta: dict, page, robots_seed: HostRules | None):
        app = self.config.app(meta["app_id"])
        if meta.get("polite_delay_s") is not None:
            host_gate().touch(robots_url(app.start_url))  # the host's next load waits from the end of this one
        try:
            result = await crawl_app(page, app, self.config.settings, self.output, self.run_id,
                                     robots_seed=robots_seed)
            crashed = bool(result.error) and _browser_gone(page)
        finally:
            await _close(page)
        if crashed and not meta.get("browser_retry"):
            # the browser died under this app (killed, out of memory): scrapy-playwright starts
            # a new one; this app is tried once more, the others carry on
            logger.warning("%s: the browser died (%s); retrying this app once", app.id, result.error)
            request = self.app_request(app)
            request.meta["browser_retry"] = 1
            yield request
            return
        if crashed:
            result.error = f"browser crashed twice: {result.error}"
        yield result

    async def failed(self, failure):
        request = failure.request
        app = self.config.app(request.meta["app_id"])
        page = request.meta.get("playwright_page")
        if page is not None and not _browser_gone(page):
            # robots.txt did not load: that is an answer too (RFC 9309), the app goes on
            async for out in self._measure(request.meta, page, _robots_failure(failure, page)):
                yield out
            return
        if page is not None:
            gone = _browser_gone(page)
            await _close(page)
            if gone and not request.meta.get("browser_retry"):
                logger.warning("%s: the browser died before the start page; retrying once", app.id)
                retry = self.app_request(app)
                retry.meta["browser_retry"] = 1
                yield retry
                return
        reason = failure.getErrorMessage().splitlines()[0][:300] if failure.getErrorMessage() else repr(failure.value)
        logger.warning("%s: start page failed: %s", app.id, reason)
        yield error_result(app, f"start page failed: {reason}")


def _robots_failure(failure, page) -> HostRules:
    guard = context_guard(page.context)
    refused = guard.refused[-1] if guard is not None and guard.refused else None
    return rules_from_error(failure.getErrorMessage() or repr(failure.value), refused)


def _browser_gone(page) -> bool:
    try:
        browser = page.context.browser
        return page.is_closed() or (browser is not None and not browser.is_connected())
    except Exception:  # noqa: BLE001 - a dead page may fail to answer at all
        return True


async def _close(page) -> None:
    """Close the app's page and context; never wait on them for long (a page whose last
    navigation was refused mid-redirect can leave page.close() waiting for good)."""
    context = page.context
    try:
        await asyncio.wait_for(page.close(), CLOSE_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - the context below goes anyway
        logger.debug("page did not close cleanly; closing its context")
    finally:
        try:
            await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - the context may already be gone with the browser
            pass
