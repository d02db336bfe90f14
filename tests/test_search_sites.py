"""Behaviour: the whole measurement (search, detection, evidence) in real Chromium against
single-behaviour fixture sites (tests/sites/README.md lists the expected answers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import channels

pytestmark = pytest.mark.browser


def test_links_and_mailto(crawl_site):
    r = crawl_site("t-links")
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    assert channels(r)["email"] == 0
    assert r.phone_numbers == ["+18005550101"]
    assert r.path_to_human == ["Contact"] or len(r.path_to_human) == 1


def test_onclick_cursor_pointer_and_menuitem(crawl_site):
    r = crawl_site("t-button-onclick")
    assert (r.status, r.clicks_to_human) == ("found", 1)
    assert r.human_channel == "callback|phone"
    assert channels(r) == {"phone": 1, "email": 1, "callback": 1}


def test_hidden_text_is_not_seen(crawl_site):
    r = crawl_site("t-details")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert r.phone_numbers == ["+18005550103"]


def test_select_option_is_one_tap(crawl_site):
    r = crawl_site("t-select")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    steps = next(h for h in r.channels if h.channel == "phone").path
    assert steps[0].role == "option" and "Billing" in steps[0].label


def test_iframe(crawl_site):
    r = crawl_site("t-iframe")
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "live_chat")


def test_shadow_dom(crawl_site):
    r = crawl_site("t-shadow")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert r.phone_numbers == ["+18005550106"]


def test_spa_routes(crawl_site):
    r = crawl_site("t-spa")
    assert (r.clicks_to_human, r.human_channel) == (2, "phone")
    assert r.final_url.endswith("/help/contact")


def test_window_open_popup(crawl_site):
    r = crawl_site("t-popup")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert r.phone_numbers == ["+18005550108"]
    # a blank window sent to the page afterwards is followed too (the off-domain guard lets it through)
    assert channels(r).get("email") == 1, channels(r)


def test_alert_and_confirm_do_not_hang(crawl_site):
    r = crawl_site("t-dialogs", time_limit_s=60)
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")


def test_downloads_are_not_states(crawl_site):
    r = crawl_site("t-download")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert not list(Path(crawl_site.output).rglob("*.apk"))
    assert not list(Path(crawl_site.output).rglob("*.pdf"))


def test_forms_are_never_submitted(crawl_site):
    r = crawl_site("t-form")
    assert r.status == "not_found"
    assert channels(r)["web_form"] == 0
    assert not [x for x in crawl_site.server.requests if x[0] == "POST"]


def test_off_domain_and_app_scheme_links_are_not_followed(crawl_site):
    r = crawl_site("t-offdomain")
    assert (r.clicks_to_human, r.human_channel) == (2, "phone")
    assert r.phone_numbers == ["+18005550112"]
    assert not [x for x in crawl_site.server.requests if x[1].startswith("t-offsite.")]
    assert any("t-offsite.localhost" in u for u in r.offsite_links)
    assert any(u.startswith("weixin:") for u in r.offsite_links)


def test_blocking_overlay_counts(crawl_site):
    r = crawl_site("t-overlay")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert r.path_to_human[0] in ("Accept all", "Reject all")


def test_soft_banner_does_not_count(crawl_site):
    r = crawl_site("t-overlay-soft")
    assert (r.clicks_to_human, r.human_channel, r.path_to_human) == (0, "phone", [])


def test_login_wall(crawl_site):
    r = crawl_site("t-login")
    assert r.status == "login_wall"
    assert r.clicks_to_human is None and not r.human_reachable


def test_bot_gate_then_live_chat(crawl_site):
    r = crawl_site("t-bot-gate", region="CN")
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 2, "live_chat")
    assert channels(r)["chatbot"] == 1
    assert r.bot_before_human is True
    assert r.path_to_human == ["在线客服", "人工客服"]


def test_bot_without_human_is_not_found(crawl_site):
    r = crawl_site("t-bot-only", region="CN")
    assert r.status == "not_found"
    assert channels(r) == {"chatbot": 1}


def test_click_budget(crawl_site):
    r = crawl_site("t-deep", max_clicks=8)
    assert r.status == "not_found" and r.budget_exhausted and r.stop_reason == "max_clicks"
    r = crawl_site("t-deep", max_clicks=10)
    assert (r.status, r.clicks_to_human) == ("found", 10)


def test_state_budget(crawl_site):
    r = crawl_site("t-deep", max_states=30)
    assert r.budget_exhausted and r.states_explored <= 30 + 2 and r.stop_reason == "max_states"


def test_time_limit_per_app(crawl_site):
    """time_limit_s ends the search between two taps: a lower bound, recorded as such."""
    r = crawl_site("t-deep", time_limit_s=2)
    assert (r.status, r.stop_reason, r.budget_exhausted) == ("not_found", "time_limit", True)
    assert r.duration_s < 2 + 10  # at most the tap under way finishes
    r = crawl_site("t-links")
    assert (r.status, r.stop_reason, r.budget_exhausted) == ("found", "explored_all", False)


def test_icon_only_controls(crawl_site):
    r = crawl_site("t-icon")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert channels(r)["email"] == 1


def test_traditional_chinese(crawl_site):
    r = crawl_site("t-tw", region="TW")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert r.phone_numbers == ["+886227718888"]
    assert r.service_hours and "09:00-18:00" in r.service_hours


def test_slow_page_and_slow_bot(crawl_site):
    r = crawl_site("t-slow")
    assert (r.clicks_to_human, r.human_channel) == (1, "phone")
    assert channels(r)["chatbot"] == 1


def test_evidence_screenshots_for_every_step(crawl_site):
    r = crawl_site("t-spa")
    hit = next(h for h in r.channels if h.channel == "phone")
    assert len(hit.path) == 2
    for step in hit.path:
        assert step.screenshot and (Path(crawl_site.output) / step.screenshot).stat().st_size > 1000
    assert (Path(crawl_site.output) / hit.screenshot).exists()
    assert hit.path[0].url_before.endswith("/") and hit.path[1].url_after.endswith("/help/contact")
