"""The real-size site generator: deterministic, large, and its truth checked independently.

Pure and fast (no browser): the truth of the large-site benchmark is only worth something if
it is exact, so it is recomputed here from the written HTML (not the generator's own graph),
with robots.txt read by the standard library's parser.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.robotparser import RobotFileParser

import phonenumbers
import pytest
from largesite import LargeSite, generate

from crawler.demo.server import _match
from crawler.detect import control_kind, find_phones, relevance
from crawler.lexicon import lexicon_for

PROBE = '<script src="/__probe.js"></script>'


@pytest.fixture(scope="module")
def plain() -> LargeSite:
    return generate(11)


@pytest.fixture(scope="module")
def variant() -> LargeSite:
    return generate(23, footer_shortcut=True)


class _Links(HTMLParser):
    """Every <a href> of a page, with its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def _links(html: bytes) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(html.decode())
    return parser.links


HREF_RE = re.compile(rb'<a\s[^>]*?href="([^"]*)"')


def _hrefs(html: bytes) -> list[str]:
    """The link targets of a page (a regex: fast enough for thousands of pages per test)."""
    return [h.decode() for h in HREF_RE.findall(html)]


def _url_of(rel: str) -> str:
    return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel


def _robots(site: LargeSite) -> RobotFileParser:
    robots = RobotFileParser()
    robots.parse(site.files["robots.txt"].decode().splitlines())
    return robots


def _independent_truth(site: LargeSite) -> dict[str, int]:
    """Fewest taps to the chat button and to the customer-service number, from the files alone,
    following every allowed same-site link, language copies included (they must not be shorter)."""
    robots = _robots(site)
    allowed: dict[str, bool] = {}
    pages = {_url_of(rel): data for rel, data in site.files.items() if rel.endswith(".html")}
    phone = site.truth["channels"]["phone"]["number"]
    depth = {"/": 0}
    todo = deque(["/"])
    found: dict[str, int] = {}
    while todo:
        url = todo.popleft()
        html = pages[url].decode()
        if 'data-contact-start="live_chat"' in html:
            found.setdefault("live_chat", depth[url])
        if f'href="tel:{phone}"' in html:
            found.setdefault("phone", depth[url])
        for href in _hrefs(pages[url]):
            if not href.startswith("/") or href in depth:
                continue
            if href not in allowed:
                allowed[href] = robots.can_fetch("reachability", href)
            if not allowed[href]:
                continue
            assert href in pages, f"broken link {href} on {url}"
            depth[href] = depth[url] + 1
            todo.append(href)
    return found


def test_same_seed_same_bytes_other_seed_other_site() -> None:
    a, b = generate(5), generate(5)
    assert a.files == b.files and a.truth == b.truth
    c = generate(6)
    assert c.id != a.id or c.files != a.files


def test_real_size(plain: LargeSite, variant: LargeSite) -> None:
    for site in (plain, variant):
        html_files = [rel for rel in site.files if rel.endswith(".html")]
        english = [rel for rel in html_files if not rel.startswith(("es/", "fr/"))]
        assert len(english) >= 1000
        start = _links(site.files["index.html"])
        assert len(start) >= 100 and site.start_links == len(start)
        assert len({h for h, _ in start if h.startswith("/")}) >= 80  # not the same link a hundred times
        footer = site.files["index.html"].decode().split("<footer", 1)[1]
        assert len(_links(footer.encode())) == 60
        assert 'hreflang="es"' in site.files["index.html"].decode()


def test_truth_agrees_with_an_independent_bfs(plain: LargeSite, variant: LargeSite) -> None:
    for site in (plain, variant, generate(41, footer_shortcut=True)):
        truth = site.truth
        found = _independent_truth(site)
        assert found["live_chat"] == truth["channels"]["live_chat"]["clicks"]
        assert found["phone"] == truth["channels"]["phone"]["clicks"]
        assert truth["clicks_to_human"] == min(found.values())
        assert truth["human_channel"] == sorted(ch for ch, k in found.items() if k == min(found.values()))
        assert len(truth["path_to_human"]) == truth["clicks_to_human"]
        if not site.footer_shortcut:
            assert 4 <= truth["clicks_to_human"] <= 6


def test_every_page_has_the_probe(plain: LargeSite) -> None:
    missing = [rel for rel in plain.files if rel.endswith(".html") and PROBE not in plain.files[rel].decode()]
    assert missing == []


def test_robots_disallows_paths_linked_from_every_page(plain: LargeSite) -> None:
    robots = _robots(plain)
    allowed: dict[str, bool] = {}
    for rel, data in plain.files.items():
        if not rel.endswith(".html") or rel.startswith(("es/", "search/", "cart/", "account/")):
            continue
        hrefs = {h for h in _hrefs(data) if h.startswith("/")}
        for h in hrefs - allowed.keys():
            allowed[h] = robots.can_fetch("reachability", h)
        blocked = {h for h in hrefs if not allowed[h]}
        assert "/search/" in blocked and any(h.startswith("/es/") for h in blocked), rel


def test_cookies_like_a_real_site(plain: LargeSite) -> None:
    import json

    headers = json.loads(plain.files["site.json"])["headers"]
    for path in ("/", "/p/x.html", "/help/orders/", "/fr/help/"):
        cookie = _match(headers, path)["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=" in cookie and ("Max-Age=" in cookie or "Expires=" in cookie)
    assert "document.cookie=" in plain.files["index.html"].decode()


def test_numbers_valid_and_decoys_not_counted(plain: LargeSite, variant: LargeSite) -> None:
    lex = lexicon_for("en-US")
    for site in (plain, variant):
        phone = site.truth["channels"]["phone"]
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone["evidence"], "US"))
        assert [v for _, v in find_phones(phone["evidence"], "US", lex)] == [phone["number"]]
        assert site.truth["phone_numbers"] == [phone["number"]]
        assert len(site.decoy_numbers) >= 3 and phone["number"] not in site.decoy_numbers
        everything = b"".join(site.files.values()).decode()
        for decoy in site.decoy_numbers:  # printed somewhere, as on the sales and partner pages
            national = phonenumbers.parse(decoy).national_number
            assert re.search(rf"1-{str(national)[:3]}-{str(national)[3:6]}-{str(national)[6:]}", everything)
        # the crawler reads the entry as a connect control (never tapped) of the app's own service
        assert control_kind({"label": site.truth["channels"]["live_chat"]["evidence"], "tag": "button"},
                            lex) == "human_connect"


def _ranked_route(site: LargeSite, limit: int = 8) -> int:
    """Depth of the first human page a relevance-first search (best label first, no proof of
    minimality) reaches: what a ranking alone would report."""
    lex = lexicon_for("en-US")
    human = {p for p, shown in site.channel_pages.items() if {"phone", "live_chat"} & set(shown)}
    seen = {"/"}
    heap: list[tuple[float, int, int, str]] = [(0.0, 0, 0, "/")]
    order = 0
    while heap:
        _, _, depth, url = heapq.heappop(heap)
        if url in human:
            return depth
        if depth >= limit:
            continue
        for href, label in site.graph[url]:
            if href in site.graph and href not in seen and href.startswith("/") and not href.startswith(
                    ("/es/", "/search", "/cart/", "/account/")):
                seen.add(href)
                order += 1
                heapq.heappush(heap, (-relevance(label, lex, href), order, depth + 1, href))
    raise AssertionError("no human page reached")


def test_footer_variant_shortest_route_is_not_the_ranked_one(variant: LargeSite) -> None:
    assert variant.truth["path_to_human"][0] == "Accessibility"
    footer, help_route = variant.route_depths["footer"], variant.route_depths["help"]
    assert 2 <= footer <= 3 and 4 <= help_route <= 6
    assert variant.truth["clicks_to_human"] == footer
    assert _ranked_route(variant) > footer


def test_write_lays_out_a_fixture_site(tmp_path: Path) -> None:
    site = generate(3)
    base = site.write(tmp_path)
    assert (base / "index.html").is_file() and (base / "robots.txt").is_file() and (base / "site.json").is_file()
    assert sum(1 for _ in base.rglob("*.html")) == sum(1 for rel in site.files if rel.endswith(".html"))
