"""Behaviour seen on real sites, reproduced on fixture sites (tests/sites/w-*): cookies of every
kind survive a state restore, a refused navigation leaves the page ready for the next load,
evidence screenshots show what they claim, and allowed_domains with a port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from conftest import channels
from playwright.async_api import async_playwright

from crawler.browser import context_options, launch_options
from crawler.config import url_allowed
from crawler.page import Action, PageDriver
from crawler.robots import RobotsPolicy

pytestmark = pytest.mark.browser


@asynccontextmanager
async def driver_for(server, site: str, domains: list[str] | None = None) -> AsyncIterator[PageDriver]:
    """A PageDriver on a fresh mobile page, guarded like a crawl's (domains and robots.txt)."""
    domains = domains or [f"{site}.localhost"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())
        try:
            context = await browser.new_context(**context_options("mobile"))
            page = await context.new_page()
            robots = RobotsPolicy(context, True, lambda url: url_allowed(url, domains))
            driver = PageDriver(page, is_allowed=lambda url: url_allowed(url, domains), robots=robots,
                                allowed_domains=domains)
            await driver.setup()
            try:
                yield driver
            finally:
                await driver.teardown()
                await robots.close()
        finally:
            await browser.close()


async def tap_action(driver: PageDriver, label: str) -> Action:
    """The Action for the visible control named `label` (as the search would build it)."""
    view = await driver.view()
    c = next(c for c in view.controls if c.get("label") == label)
    return Action(kind="click", frame=c["frame"], frame_url=c.get("frame_url", ""), path=c["path"],
                  label=c["label"], role=c.get("role") or c.get("tag"), tag=c.get("tag"), css=c.get("css", ""))


# ----------------------------------------------------------------------------- refused navigations
def test_loads_right_after_a_refusal_all_succeed(sites_server):
    """A refused document commits Chromium's error page a moment later; the next load must not
    be interrupted by it ("interrupted by another navigation to chrome-error://")."""
    base = sites_server.url("w-refusals")
    offsite = sites_server.url("t-offsite")

    async def run() -> list[str]:
        problems = []
        async with driver_for(sites_server, "w-refusals") as d:
            assert (await d.load(base)).kind == "navigated"
            for i in range(10):
                how = i % 4
                if how == 0:
                    refused = await d.load(f"{base}es/topics/{i}.html")
                    want = "robots"
                elif how == 1:
                    refused = await d.load(offsite)
                    want = "offsite"
                elif how == 2:  # a tap whose navigation the guard refuses
                    refused = await d.perform(await tap_action(d, "Ver en español"))
                    want = "robots"
                else:
                    refused = await d.load(f"{base}files/export")  # served as an attachment
                    want = "download"
                if refused.kind != want:
                    problems.append(f"round {i}: refusal gave {refused}")
                # the start page before each tap round: it holds the button
                target = base if how == 1 else f"{base}topics/{i % 3 + 1}.html"
                outcome = await d.load(target)
                if outcome.kind != "navigated" or outcome.status != 200 or d.page.url != target:
                    problems.append(f"round {i}: load after a refusal: {outcome} at {d.page.url}")
            problems += [e for e in d.load_errors if "/es/" not in e]
        return problems

    assert asyncio.run(run()) == []
    hosts = {host for _, host, _ in sites_server.requests}
    assert "t-offsite.localhost" not in hosts
    assert not [p for _, host, p in sites_server.requests if host == "w-refusals.localhost" and p.startswith("/es/")]


def test_a_site_that_links_to_disallowed_pages_everywhere_is_crawled_to_its_true_counts(crawl_site):
    r = crawl_site("w-refusals")
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 2, "phone")
    assert channels(r) == {"phone": 2, "email": 2}
    assert r.phone_numbers == ["+18005550171"]
    assert r.restore_failures == 0
    assert not [e for e in r.load_errors if "interrupted" in e or "timeout" in e], r.load_errors
    assert all(e.endswith(("disallowed by robots.txt", "/broken.html: HTTP 500")) for e in r.load_errors), r.load_errors
    assert any("/es/support.html" in e for e in r.load_errors)
    paths = [p for _, host, p in crawl_site.server.requests if host == "w-refusals.localhost"]
    assert not [p for p in paths if p.startswith("/es/")] and "/files/app.apk" not in paths
    assert "t-offsite.localhost" not in {host for _, host, _ in crawl_site.server.requests}
