"""Route first, then proof: the best-first probe, the breadth-first proof and what the dataset
says about how sure a count is (s-proof: the obvious route is 3 taps through Help; an
unlikely-looking footer link, Accessibility, shows the customer-service number after 1)."""

from __future__ import annotations

from conftest import channels

from crawler.config import CrawlSettings
from crawler.labels import how_sure


def test_the_proof_finds_the_footer_route_the_ranking_would_miss(crawl_site):
    r = crawl_site("s-proof")
    assert r.status == "found"
    assert (r.clicks_to_human, r.human_channel, r.path_to_human) == (1, "phone", ["Accessibility"])
    assert r.min_proven is True
    assert channels(r) == {"phone": 1, "live_chat": 3}
    assert all(h.min_proven for h in r.channels)
    # the probe walked Help centre > Contact us > Contact options first: a route in a few states
    assert r.seconds_to_first_route is not None and r.seconds_to_first_route < r.duration_s
    # human minimum 1 proven, then levels up to 1 + 4 searched for the rest: the blog's
    # "Older posts" chain (10 deep) is not followed to its end
    assert r.stop_reason == "answer_complete"
    assert r.levels_complete == 5
    assert crawl_site.server.contact_taps("s-proof") == []


def test_out_of_budget_the_route_is_reported_unproven(crawl_site):
    """14 states: the probe's 3-tap route is found; the proof cannot finish level 1, so the
    count is the shortest route found, and says so."""
    r = crawl_site("s-proof", max_states=14)
    assert r.status == "found"
    assert r.clicks_to_human == 3
    assert r.path_to_human == ["Help centre", "Contact us", "Contact options"]
    assert r.min_proven is False
    assert r.levels_complete == 0
    assert r.stop_reason == "max_states"
    assert how_sure(r.clicks_to_human, r.min_proven, r.states_explored) == \
        f"3 taps; no shorter route among {r.states_explored} states"


def test_without_the_probe_the_proof_alone_gives_the_same_answer(crawl_site):
    r = crawl_site("s-proof", settings=CrawlSettings(pages_per_local_app=2, probe_share=0))
    assert (r.clicks_to_human, r.min_proven) == (1, True)
    assert channels(r) == {"phone": 1, "live_chat": 3}


def test_how_sure_words():
    assert how_sure(1, True, 40) == "1 tap (proven)"
    assert how_sure(4, False, 400) == "4 taps; no shorter route among 400 states"
    assert how_sure(4, True, 9, "zh") == "4 次（已证明最少）"
    assert how_sure(None, None, 9) is None
    assert how_sure(2, None, 9) is None  # a run written before min_proven: no claim either way


def _crawl_into(crawl_site, run_id: str, **overrides):
    """Crawl s-proof and write it into crawl_site's output as run `run_id` (what the spider does)."""
    import asyncio

    from conftest import make_app

    from crawler.dataset import DatasetWriter

    app = make_app(crawl_site.server, "s-proof", **overrides)
    out = crawl_site.output

    async def run():
        from playwright.async_api import async_playwright

        from crawler.app_crawl import crawl_app
        from crawler.browser import context_options, launch_options
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**launch_options())
            try:
                page = await (await browser.new_context(**context_options(app.device))).new_page()
                return await crawl_app(page, app, CrawlSettings(pages_per_local_app=2), out, run_id)
            finally:
                await browser.close()

    result = asyncio.run(run())
    with DatasetWriter(out, run_id, writer_id="t") as writer:
        writer.write([result])
    return result


def test_a_periodic_run_replays_the_previous_route_first(crawl_site):
    first = _crawl_into(crawl_site, "r1")
    assert first.previous_route is None  # nothing earlier
    again = _crawl_into(crawl_site, "r2")
    assert again.previous_route == "confirmed"
    assert (again.clicks_to_human, again.min_proven) == (1, True)


def test_a_route_that_no_longer_works_is_news(crawl_site):
    from crawler.dataset import DatasetWriter
    from crawler.records import AppResult, ChannelHit, Step

    gone = Step("Phone support", "a", "nav > a.phone", "http://x/", "http://x/phone")
    old = AppResult(app_id="s-proof", app_name="s-proof", category="test", region="US", device="mobile",
                    start_url="http://x/", status="found", crawled_at=1.0e9, human_reachable=True,
                    clicks_to_human=1, human_channel="phone", path_to_human=["Phone support"],
                    channels=[ChannelHit("phone", 1, [gone], "http://x/phone", "1-800-555-0100")])
    with DatasetWriter(crawl_site.output, "r0", writer_id="t") as writer:
        writer.write([old])
    r = _crawl_into(crawl_site, "r1")
    assert r.previous_route == "changed"
    assert (r.clicks_to_human, r.path_to_human) == (1, ["Accessibility"])


def test_the_proof_adopts_a_probe_page_that_opened_in_a_new_window(crawl_site):
    """The probe opened Contact us (a window.open popup) and found no human there; the proof's
    tap on the same control must take that page over (not drop it as already loaded) and
    tap its topic card."""
    r = crawl_site("s-popup-probe")
    assert (r.status, r.clicks_to_human, r.path_to_human) == ("found", 2, ["Contact us", "Cards and payments"])
    assert r.min_proven is True
