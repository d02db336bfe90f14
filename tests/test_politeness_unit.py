"""Pure logic behind politeness and fault handling: robots.txt answers, URL identity, load errors."""

from __future__ import annotations

import pytest

from crawler.page import Outcome, load_error_reason, url_key
from crawler.robots import HostRules, robots_agent, robots_url, rules_from_error, rules_from_response
from crawler.search import start_failure

ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: acme-survey\nDisallow: /\n"


@pytest.mark.parametrize(
    "status,verdict",
    [(200, "rules"), (404, "allow"), (410, "allow"), (401, "allow"), (403, "allow"),
     (429, "disallow"), (500, "disallow"), (503, "disallow"), (None, "disallow")],
)
def test_robots_answer_read_as_rfc_9309(status, verdict):
    rules = rules_from_response(status, ROBOTS, error="net::ERR_CONNECTION_RESET")
    assert rules.verdict == verdict
    if verdict == "disallow":
        assert "complete disallow" in rules.reason and "obey_robots" in rules.reason
        assert not rules.can_fetch("https://x.example/help", "reachability")


def test_robots_rules_apply_per_agent_token():
    rules = rules_from_response(200, ROBOTS)
    assert rules.can_fetch("https://x.example/help/contact", "reachability")
    assert not rules.can_fetch("https://x.example/private/contact", "reachability")
    assert not rules.can_fetch("https://x.example/help/contact", "acme-survey")


def test_robots_empty_or_html_means_no_rules():
    assert rules_from_response(200, "   ").verdict == "allow"
    html = rules_from_response(200, "Disallow: /", content_type="text/html; charset=utf-8")
    assert html.verdict == "allow" and "HTML" in html.reason


def test_robots_agent_token_from_the_user_agent_suffix():
    assert robots_agent(None) == "reachability"
    assert robots_agent("acme-survey/1.0 (+https://acme.example/survey)") == "acme-survey"
    assert robots_agent("(+https://x)") == "reachability"
    assert robots_url("https://m.x.example:8443/help/contact?a=1") == "https://m.x.example:8443/robots.txt"


def test_host_rules_verdicts():
    assert HostRules("allow", "").can_fetch("https://x/", "a")
    assert not HostRules("disallow", "").can_fetch("https://x/", "a")


@pytest.mark.parametrize(
    "a,b",
    [
        ("https://x.example/help?sid=abc123&page=2", "https://x.example/help?page=2&SID=zzz"),
        ("https://x.example/help;jsessionid=A1B2?id=4", "https://x.example/help?id=4"),
        ("https://x.example/help?utm_source=mail&utm_campaign=x", "https://x.example/help"),
        ("https://x.example/help?gclid=1&fbclid=2&spm=a.b.c", "https://x.example/help"),
        ("https://X.example/help#section-2", "https://x.example/help"),
    ],
)
def test_url_identity_ignores_sessions_tracking_and_fragments(a, b):
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("https://x.example/calendar?month=2026-11", "https://x.example/calendar?month=2026-12"),
        ("https://x.example/articles?page=1", "https://x.example/articles?page=2"),
        ("https://x.example/#/help", "https://x.example/#/contact"),  # SPA hash routes are pages
        ("https://x.example/p?session=winter", "https://x.example/p?session=summer"),  # not a session id
    ],
)
def test_url_identity_keeps_what_changes_the_page(a, b):
    assert url_key(a) != url_key(b)


def test_load_errors_are_short_and_stable():
    assert load_error_reason("Page.goto: net::ERR_CONNECTION_RESET at http://x/") == "ERR_CONNECTION_RESET"
    assert load_error_reason("Page.goto: Timeout 20000ms exceeded.") == "timeout (20s)"


@pytest.mark.parametrize(
    "outcome,words",
    [
        (Outcome("offsite", "http://elsewhere.example/"), "redirects off the allowed domains"),
        (Outcome("robots", "http://x/", "disallowed by robots.txt"), "not fetched: disallowed by robots.txt"),
        (Outcome("failed", "http://x/", "ERR_TOO_MANY_REDIRECTS"), "did not load: ERR_TOO_MANY_REDIRECTS"),
        (Outcome("failed", "http://x/", "HTTP 503", status=503), "did not load: HTTP 503"),
        (Outcome("navigated", "http://x/", status=404), "answered HTTP 404"),
        (Outcome("download", "http://x/app.apk"), "file download"),
    ],
)
def test_start_page_failures_read_as_reasons(outcome, words):
    assert words in start_failure(outcome)


@pytest.mark.parametrize("msg,hop,verdict,words", [
    ("Page.goto: net::ERR_CONNECTION_RESET at http://x/robots.txt", None, "disallow", "(ERR_CONNECTION_RESET)"),
    ("Page.goto: Timeout 30000ms exceeded.", None, "disallow", "(timeout (30s))"),
    ("Page.goto: net::ERR_BLOCKED_BY_CLIENT", None, "allow", "off the allowed domains (not followed)"),
    ("anything", "http://elsewhere.example/robots.txt", "allow", "(http://elsewhere.example/robots.txt; not followed)"),
    ("Page.goto: Download is starting", None, "allow", "served as a download"),
])
def test_robots_request_that_failed(msg, hop, verdict, words):
    rules = rules_from_error(msg, hop)
    assert rules.verdict == verdict and words in rules.reason
