"""An app is explored once, in its own language: copies of its pages in other languages
(hreflang links, <link rel=alternate>, /es/, ?lang=) are not followed unless asked (s-langs)."""

from __future__ import annotations

from crawler.config import CrawlSettings


def _paths(server, site: str) -> list[str]:
    return [path for _, _, path in server.requests_for(site, "GET")]


def test_copies_in_other_languages_are_not_followed(crawl_site):
    crawl_site.server.clear_requests()
    r = crawl_site("s-langs", locale="en-US")
    assert (r.status, r.clicks_to_human, r.path_to_human) == ("found", 2, ["Help topics", "Contact us"])
    assert r.phone_numbers == ["+18005550178"]
    paths = _paths(crawl_site.server, "s-langs")
    assert not [p for p in paths if p.startswith("/es/")]  # the ES button's navigation is refused too
    assert not [p for p in paths if p.startswith("/hilfe/") or "lang=" in p]


def test_without_a_locale_the_start_page_says_the_language(crawl_site):
    crawl_site.server.clear_requests()
    r = crawl_site("s-langs")
    assert r.phone_numbers == ["+18005550178"]
    assert not [p for p in _paths(crawl_site.server, "s-langs") if p.startswith("/es/contact")]


def test_other_languages_on_request(crawl_site):
    crawl_site.server.clear_requests()
    r = crawl_site("s-langs", locale="en-US", settings=CrawlSettings(pages_per_local_app=2, other_languages=True))
    assert r.clicks_to_human == 2
    assert "/es/contact.html" in _paths(crawl_site.server, "s-langs")
    assert set(r.phone_numbers) == {"+18005550178", "+18005550179"}
