"""Politeness by default, in real Chromium against local fixture sites: robots.txt obeyed
(and the research override logged), one document load at a time per host with a delay,
the survey's user agent suffix on every request, its product token matched in robots.txt."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from test_cli import ROOT

from crawler.config import CrawlSettings
from crawler.dataset import read_table

pytestmark = pytest.mark.browser
SUFFIX = "acme-survey/1.0 (+https://acme.example/survey)"


def test_robots_txt_is_obeyed_by_default(crawl_site):
    crawl_site.server.clear_requests()
    r = crawl_site("t-robots")
    paths = [p for _, host, p in crawl_site.server.requests if host == "t-robots.localhost"]
    assert "/robots.txt" in paths and "/faq.html" in paths
    assert "/contact.html" not in paths  # disallowed: never requested, so never measured
    assert r.status == "not_found" and r.phone_numbers == []
    assert any(e.endswith("/contact.html: disallowed by robots.txt") for e in r.load_errors), r.load_errors


def test_a_disallowed_start_page_is_an_error_and_never_requested(crawl_site):
    crawl_site.server.clear_requests()
    r = crawl_site("t-robots", start_url=crawl_site.server.url("t-robots", "/private/"))
    paths = [p for _, host, p in crawl_site.server.requests if host == "t-robots.localhost"]
    assert [p for p in paths if p != "/favicon.ico"] == ["/robots.txt"]
    assert (r.status, r.error) == ("error", "start page not fetched: disallowed by robots.txt")


def test_the_research_override_is_explicit_and_logged(crawl_site, caplog):
    caplog.set_level(logging.WARNING)
    r = crawl_site("t-robots", settings=CrawlSettings(obey_robots=False, pages_per_local_app=2))
    assert (r.status, r.clicks_to_human, r.phone_numbers) == ("found", 1, ["+18005550160"])
    assert any("robots.txt is NOT obeyed" in rec.getMessage() for rec in caplog.records)


def test_polite_crawl_one_load_per_host_spaced_with_the_survey_user_agent(tmp_path, sites_server):
    """Two apps on one host and a third elsewhere, crawled at once: page loads of a host never
    overlap and start at least the delay apart; every request carries the suffix; robots.txt
    rules for the suffix's product token (`acme-survey`) are the ones applied."""
    delay = 0.6
    lines = [
        "defaults: {device: mobile, max_clicks: 3, max_states: 20, time_limit_s: 90}",
        f"settings: {{concurrent_apps: 3, polite_local_hosts: true, download_delay_s: {delay}, "
        f"user_agent_suffix: '{SUFFIX}'}}",
        "apps:",
    ]
    for app_id, site in (("links-a", "t-links"), ("links-b", "t-links"), ("robots-a", "t-robots")):
        lines += [f"  - id: {app_id}", f"    name: {app_id}", "    category: test", "    region: US",
                  f"    start_url: {sites_server.url(site)}", f"    allowed_domains: [{site}.localhost]"]
    cfg = tmp_path / "polite.yaml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sites_server.clear_requests()
    proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", str(cfg), "--output", str(tmp_path / "out"),
                           "--run-id", "polite"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = read_table(tmp_path / "out", "reachability", "polite").set_index("app_id")
    assert list(rows.status) == ["found", "found", "not_found"]
    assert list(rows.clicks_to_human[:2]) == [1, 1]

    log = list(sites_server.log)
    assert log and all(SUFFIX in e["user_agent"] for e in log), {e["user_agent"] for e in log}
    robots_paths = {e["path"] for e in log if e["host"] == "t-robots.localhost"}
    assert "/faq.html" not in robots_paths and "/contact.html" not in robots_paths  # the acme-survey group
    pages = sorted((e for e in log if e["host"] == "t-links.localhost" and e["dest"] == "document"
                    and e["path"] != "/robots.txt"), key=lambda e: e["start"])
    assert len(pages) >= 6  # two apps: start pages, the contact page, evidence replays
    trail = [(round(e["start"] - pages[0]["start"], 2), e["path"]) for e in pages]
    for before, after in zip(pages, pages[1:], strict=False):
        assert after["start"] >= before["end"] - 0.01, "two page loads of one host overlapped"
        # measured where the server sees them: the browser-to-server latency varies by tens of ms
        assert after["start"] - before["start"] >= delay - 0.15, f"loads of one host closer than the delay: {trail}"
    # each app's first request (its robots.txt, made through Scrapy) is spaced from the page loads too
    docs = sorted((e for e in log if e["host"] == "t-links.localhost" and e["dest"] == "document"),
                  key=lambda e: e["start"])
    assert sum(e["path"] == "/robots.txt" for e in docs) == 2
    trail = [(round(e["start"] - docs[0]["start"], 2), e["path"]) for e in docs]
    for before, after in zip(docs, docs[1:], strict=False):
        assert after["start"] - before["start"] >= delay - 0.15, f"requests of one host closer than the delay: {trail}"
