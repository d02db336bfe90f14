"""Behaviour seen on real sites, reproduced on fixture sites (tests/sites/w-*): cookies of every
kind survive a state restore, a refused navigation leaves the page ready for the next load,
evidence screenshots show what they claim, and allowed_domains with a port."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from conftest import TEST_SITES, channels, make_app
from playwright.async_api import async_playwright

from crawler.app_crawl import crawl_app
from crawler.browser import NavigationGuard, context_options, launch_options
from crawler.config import CrawlSettings, url_allowed
from crawler.demo.server import FixtureServer
from crawler.page import EMPTY_STORAGE, POPUP_GUARD_JS, Action, PageDriver, Storage, popup_guard_domains
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


# ----------------------------------------------------------------------------- cookies
def _cookie_set(cookies: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted(c.items())) for c in cookies)


def test_cookies_of_every_kind_round_trip_through_a_saved_state(sites_server):
    """read_storage -> apply_storage -> read gives the same cookies: Set-Cookie and script ones,
    persistent (float expiry) and session (-1), httpOnly, Secure, SameSite Lax/Strict/None, a
    path, a domain cookie, a quoted value; restored from another origin as well (about:blank,
    an error page), and from a copy of the state written as JSON or as text."""
    base = sites_server.url("w-cookies")

    async def run() -> None:
        async with driver_for(sites_server, "w-cookies") as d:
            assert (await d.load(base)).kind == "navigated"
            await d.perform(await tap_action(d, "Accept all"))
            await d.load(base + "help/")
            await d.perform(await tap_action(d, "Support"))
            await d.load(base + "help/contact.html")
            await d.load(base + "account.html")
            before = await d.page.context.cookies()
            st = await d.read_storage()

            c = {x["name"]: x for x in before}
            assert set(c) == {"visitor", "help_session", "route", "lang", "consent", "consent_sync", "help_tab"}
            now = time.time()
            assert (c["visitor"]["httpOnly"], c["visitor"]["sameSite"]) == (True, "Strict")
            assert isinstance(c["visitor"]["expires"], float) and c["visitor"]["expires"] > now
            assert (c["help_session"]["expires"], c["help_session"]["path"], c["help_session"]["httpOnly"]) == (-1, "/help", True)
            assert (c["route"]["secure"], c["route"]["sameSite"], c["route"]["value"]) == (True, "None", "a%3Db")
            assert c["route"]["expires"] > now
            assert (c["lang"]["domain"], c["lang"]["value"]) == (".w-cookies.localhost", '"en-US"')
            assert (c["consent"]["value"], c["consent"]["httpOnly"], c["consent"]["sameSite"]) == ("all", False, "Lax")
            assert c["consent"]["expires"] > now  # set by script, persistent
            assert (c["consent_sync"]["secure"], c["consent_sync"]["sameSite"], c["consent_sync"]["expires"]) == (True, "None", -1)
            assert (c["help_tab"]["value"], c["help_tab"]["expires"]) == ("support", -1)

            as_json = Storage(st.origin, tuple(tuple(tuple(kv) for kv in ck) for ck in json.loads(json.dumps(st.cookies))))
            as_text = Storage(st.origin, tuple(tuple((k, str(v)) for k, v in ck) for ck in st.cookies))
            expired = (("domain", "w-cookies.localhost"), ("expires", now - 60.5), ("httpOnly", False), ("name", "old"),
                       ("path", "/"), ("sameSite", "Lax"), ("secure", False), ("value", "x"))
            with_expired = Storage(st.origin, (*st.cookies, expired))
            for label, state, start in (("same origin", st, base + "help/"), ("from about:blank", st, None),
                                        ("from an error page", st, base + "private/contact.html"),
                                        ("JSON copy", as_json, None), ("text copy", as_text, base),
                                        ("with an expired cookie", with_expired, None)):
                if start is None:
                    await d.leave()
                else:
                    await d.load(start)
                await d.apply_storage(EMPTY_STORAGE, base)
                await d.page.context.clear_cookies()
                assert await d.page.context.cookies() == []
                await d.apply_storage(state, base + "help/contact.html")
                assert _cookie_set(await d.page.context.cookies()) == _cookie_set(before), label
                assert (await d.read_storage()).cookies == st.cookies, label

            # the restored cookies are the ones the site reads: no consent wall, the remembered tab
            assert (await d.load(base + "help/contact.html")).kind == "navigated"
            view = await d.view()
            text = " ".join(b["text"] for b in view.blocks)
            assert "1-800-555-0172" in text and "Choose the Support topic first" not in text
            assert not any(ctl.get("label") == "Accept all" for ctl in view.controls)

    asyncio.run(run())


def test_a_site_whose_content_depends_on_cookies_is_crawled_to_its_true_counts(crawl_site):
    """One page, as on a remote site: every state is restored on the page that has just shown
    another (an error page after a refused link included), with the cookies it had."""
    r = crawl_site("w-cookies", settings=CrawlSettings(pages_per_local_app=1))
    assert (r.status, r.clicks_to_human, r.human_channel, r.error) == ("found", 4, "phone", None)
    assert channels(r) == {"email": 2, "phone": 4}
    phone = next(h for h in r.channels if h.channel == "phone")
    assert [s.label for s in phone.path] == ["Accept all", "Help topics", "Support", "Contact options"]
    assert r.phone_numbers == ["+18005550172"]
    assert r.restore_failures == 0
    assert [e.split(": ", 1)[1] for e in r.load_errors] == ["disallowed by robots.txt"]


# ----------------------------------------------------------------------------- allowed domains with a port
PORT_DOMAINS = ["example.gov:8443", "127.0.0.1:8080", "[::1]:8080", "localhost:8765", "plain.example", "10.0.0.7"]
PORT_URLS = [
    "https://example.gov:8443/x", "https://help.example.gov:8443/x", "https://example.gov/x", "http://example.gov:8443/",
    "https://evil-example.gov:8443/", "http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a", "http://127.0.0.1/a",
    "http://127.1:8080/", "http://[::1]:8080/", "http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8081/",
    "http://localhost:8765/", "http://app.localhost:8765/", "http://localhost:8766/", "http://plain.example/",
    "https://cdn.plain.example:9443/", "http://10.0.0.7:1234/", "http://10.0.0.8/", "http://PLAIN.example./",
]


def test_the_popup_guard_and_the_request_guards_read_ports_as_the_config_does():
    """config.url_allowed, the request guard (browser.NavigationGuard) and the in-page
    window.open() guard give the same answer for every URL."""

    async def run() -> list[tuple[str, bool, bool, bool]]:
        guard = NavigationGuard(lambda url: url_allowed(url, PORT_DOMAINS))
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**launch_options())
            try:
                page = await browser.new_page()
                # the guard's own `ok`, reached through a hook added to its text for this test
                script = POPUP_GUARD_JS.replace("__ALLOWED__", repr(popup_guard_domains(PORT_DOMAINS)).replace("None", "null")
                                                .replace("True", "true").replace("False", "false"))
                await page.evaluate(script.replace("const refuse =", "window.__guardOk = ok; const refuse ="))
                out = []
                for url in PORT_URLS:
                    in_page = await page.evaluate("(u) => window.__guardOk(u)", url)
                    out.append((url, url_allowed(url, PORT_DOMAINS), await guard.may_load(url), in_page))
                return out
            finally:
                await browser.close()

    disagreements = [row for row in asyncio.run(run()) if len(set(row[1:])) != 1]
    assert disagreements == []


def test_an_app_allowed_on_one_port_never_requests_another_port_of_its_host(sites_server, tmp_path):
    """allowed_domains `w-port.localhost:<port>`: the same site on another port (a link, a
    window.open() and a navigating button lead there) is never requested."""
    with FixtureServer(TEST_SITES).start() as mirror:
        start = sites_server.url("w-port", f"/?mirror={mirror.port}")
        app = make_app(sites_server, "w-port", start_url=start, allowed_domains=[f"w-port.localhost:{sites_server.port}"])
        assert app.allowed_domains == [f"w-port.localhost:{sites_server.port}"]

        async def crawl():
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(**launch_options())
                try:
                    page = await (await browser.new_context(**context_options(app.device))).new_page()
                    return await crawl_app(page, app, CrawlSettings(pages_per_local_app=2), tmp_path, "test")
                finally:
                    await browser.close()

        r = asyncio.run(crawl())
        assert mirror.requests == []
    assert (r.status, r.clicks_to_human, r.human_channel, r.error) == ("found", 2, "phone", None)
    assert r.phone_numbers == ["+18005550173"]
    assert f"http://w-port.localhost:{mirror.port}/contact.html" in r.offsite_links


# ----------------------------------------------------------------------------- evidence screenshots
OUTLINE_RGB = (0xE0, 0x21, 0x8A)  # the outline agent.js draws around a tapped control or the evidence


def outline_ring(png: Path) -> tuple[int, int, int, int] | None:
    """The box of the outline drawn in a screenshot, when the whole ring is inside the picture
    (its four sides drawn, none cut by an edge); None otherwise."""
    image = pytest.importorskip("PIL.Image").open(png).convert("RGB")
    w, h = image.size
    raw = image.tobytes()
    hits = [i // 3 for i in range(0, len(raw), 3) if abs(raw[i] - OUTLINE_RGB[0]) < 24
            and abs(raw[i + 1] - OUTLINE_RGB[1]) < 24 and abs(raw[i + 2] - OUTLINE_RGB[2]) < 24]
    if not hits:
        return None
    xs, ys = [i % w for i in hits], [i // w for i in hits]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if x0 == 0 or y0 == 0 or x1 == w - 1 or y1 == h - 1 or x1 - x0 < 20 or y1 - y0 < 20:
        return None
    on = set(hits)

    def share(points: list[int]) -> float:
        return sum(1 for i in points if i in on) / len(points)

    sides = [
        [y0 * w + x for x in range(x0, x1 + 1)], [y1 * w + x for x in range(x0, x1 + 1)],
        [y * w + x0 for y in range(y0, y1 + 1)], [y * w + x1 for y in range(y0, y1 + 1)],
    ]
    return (x0, y0, x1, y1) if all(share(side) > 0.9 for side in sides) else None


def test_evidence_screenshots_show_the_control_and_the_evidence_below_the_fold(crawl_site):
    """w-scroll: `scroll-behavior: smooth`, the control far down the start page and the number
    far down the contact page. The step screenshot is taken once the scroll has ended, with the
    tapped control inside it; the final one shows the number, outlined."""
    r = crawl_site("w-scroll", settings=CrawlSettings(pages_per_local_app=1))
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    phone = next(h for h in r.channels if h.channel == "phone")
    assert phone.evidence_text == "(844) 875-6446"
    step = crawl_site.output / phone.path[0].screenshot
    final = crawl_site.output / phone.screenshot
    assert outline_ring(step) is not None, "the tapped control is not (wholly) in its step screenshot"
    assert outline_ring(final) is not None, "the number is not (wholly) in the final screenshot"


def test_evidence_that_does_not_fit_one_screen_is_shown_on_the_whole_page(sites_server, tmp_path):
    """Two numbers a screen apart: both are outlined and the final screenshot is the whole page."""
    base = sites_server.url("w-scroll")

    async def run() -> tuple[bool, Path | None, bool]:
        async with driver_for(sites_server, "w-scroll") as d:
            await d.load(base + "contact.html")
            alone = await d.show_evidence(["(844) 875-6446"])
            await d.load(base + "contact.html")
            both = await d.show_evidence(["(844) 875-6446", "Section 1. Our stores open"])
            shot = await d.screenshot(tmp_path / "both.png", full_page=not both)
            return alone, Path(shot) if shot else None, both

    alone, shot, both = asyncio.run(run())
    assert alone is True and both is False and shot is not None
    image = pytest.importorskip("PIL.Image").open(shot)
    assert image.size[1] > 2 * 839 * 1.5  # the whole page, not one screen


def test_a_page_stuck_in_its_own_script_is_revived_for_the_next_load(sites_server):
    """f-alerts /prize.html runs `while (true) alert()` from its load event: its load times out,
    and without stopping its script no evaluate answers and no later navigation commits."""
    base = sites_server.url("f-alerts")

    async def run() -> list:
        async with driver_for(sites_server, "f-alerts") as d:
            assert (await d.load(base)).kind == "navigated"
            stuck = await d.load(base + "prize.html")
            await d.apply_storage(EMPTY_STORAGE, base)  # evaluates in the stuck document
            after = [await d.load(base + "contact.html"), await d.load(base)]
            return [stuck.kind, stuck.detail, *[(o.kind, o.status) for o in after]]

    got = asyncio.run(asyncio.wait_for(run(), 120))
    assert got == ["failed", "timeout (20s)", ("navigated", 200), ("navigated", 200)]
