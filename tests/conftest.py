"""Shared fixtures: the fixture-site server and a one-call crawl of a site in real Chromium."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from crawler.app_crawl import crawl_app
from crawler.browser import context_options, launch_options
from crawler.config import AppConfig, CrawlSettings
from crawler.demo.server import FixtureServer
from crawler.records import AppResult

TEST_SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="session")
def sites_server():
    with FixtureServer(TEST_SITES).start() as server:
        yield server


def make_app(server, site: str, region: str = "US", **overrides) -> AppConfig:
    fields = dict(id=site, name=site, category="test", region=region, locale=None,
                  start_url=server.url(site), allowed_domains=[f"{site}.localhost"])
    return AppConfig(**{**fields, **overrides})


async def _crawl(app: AppConfig, output: Path, settings: CrawlSettings) -> AppResult:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())
        try:
            context = await browser.new_context(**context_options(app.device))
            page = await context.new_page()  # crawl_app reads robots.txt, then loads the start page
            return await crawl_app(page, app, settings, output, "test")
        finally:
            await browser.close()


@pytest.fixture
def crawl_site(sites_server, tmp_path):
    """crawl_site("t-links", region="US", max_clicks=3) -> AppResult, screenshots under tmp_path."""

    def run(site: str, region: str = "US", settings: CrawlSettings | None = None, **overrides) -> AppResult:
        app = make_app(sites_server, site, region, **overrides)
        return asyncio.run(_crawl(app, tmp_path, settings or CrawlSettings(pages_per_local_app=2)))

    run.output = tmp_path
    run.server = sites_server
    return run


def channels(result: AppResult) -> dict[str, int]:
    return {h.channel: h.clicks for h in result.channels}
