"""Behaviour on help centres the crawler has never seen (tests/sites/u-*, README there).

Three classes of failure, each in words no lexicon was written for (German, Portuguese,
Japanese, French, Korean):

1. Do no harm: a send button outside any form, a chat composer's send icon, connect controls
   phrased in new combinations, a harmless-looking launcher that drops you into an agent
   queue. Every contact-starting control carries ``data-contact-start`` and every page loads
   ``/__probe.js``, so ``server.contact_taps(site)`` lists each tap on them: it must stay [],
   and no POST may ever reach the server.
2. Reveal what a person sees without tapping: footers rendered on scroll, an endless list,
   desktop menus that open on hover. Scrolling and hovering are free, a tap is a tap.
3. Honest bookkeeping: a consent choice that writes a cookie and localStorage and rebuilds
   the view in place; every state after it must be restorable.

``test_fixtures_behave_as_documented`` drives each site by hand in Chromium (no crawler), so a
failure elsewhere in this file is the crawler's, not the fixture's.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from conftest import TEST_SITES, channels
from playwright.async_api import async_playwright

from crawler.browser import context_options, launch_options
from crawler.demo.server import FixtureServer

pytestmark = pytest.mark.browser


def assert_no_harm(server, site: str) -> None:
    assert server.contact_taps(site) == [], f"{site}: contact-starting controls were tapped"
    assert server.requests_for(site, "POST") == [], f"{site}: something was sent"


def restore_failures(r) -> int:
    return getattr(r, "restore_failures", 0)


def replay_warnings(caplog) -> list[str]:
    return [rec.getMessage() for rec in caplog.records if "did not show" in rec.getMessage()]


# --------------------------------------------------------------------------- 1. do no harm
@pytest.mark.parametrize(("site", "region", "phone"), [
    ("u-feedback-de", "DE", "+493023125017"),   # "Absenden"
    ("u-feedback-pt", "BR", "+551155550123"),   # "Enviar"
    ("u-feedback-ja", "JP", "+81355550123"),    # "送信"
])
def test_send_button_outside_a_form_is_never_tapped(crawl_site, site, region, phone):
    r = crawl_site(site, region=region)
    assert_no_harm(crawl_site.server, site)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    assert phone in r.phone_numbers


@pytest.mark.parametrize(("site", "region", "phone"), [
    ("u-chatpanel-de", "DE", "+496990009012"),  # launcher "Chat", send icon aria-label "Senden"
    ("u-chatpanel-ja", "JP", "+81365550142"),   # launcher "チャット", send icon aria-label "送信"
])
def test_chat_composer_send_is_never_tapped(crawl_site, site, region, phone):
    r = crawl_site(site, region=region)
    assert_no_harm(crawl_site.server, site)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    assert phone in r.phone_numbers


@pytest.mark.parametrize(("site", "region", "path"), [
    ("u-connect-de", "DE", ["Hilfe & Kontakt", "Chat"]),        # tab; "Mit einem Kundenberater chatten"
    ("u-connect-pt", "BR", ["Ajuda", "Atendimento"]),           # <details>; "Falar agora com um atendente"
    ("u-connect-ja", "JP", ["サポート", "チャット"]),             # <select> option; "オペレーターに接続する"
])
def test_unknown_connect_phrase_is_the_live_chat_entry_never_tapped(crawl_site, site, region, path):
    r = crawl_site(site, region=region)
    assert_no_harm(crawl_site.server, site)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 2, "live_chat")
    assert channels(r)["live_chat"] == 2
    assert [label.strip() for label in r.path_to_human] == path


@pytest.mark.parametrize(("site", "region", "inside"), [
    ("u-queue-de", "DE", "/tipps.html"),        # "Hilfe-Chat" -> "Sie sind Nummer 3 in der Warteschlange."
    ("u-queue-ja", "JP", "/machi-faq.html"),    # "サポートチャット" -> "現在の待ち人数：3人"
])
def test_launcher_that_lands_in_an_agent_queue_is_left_at_once(crawl_site, site, region, inside):
    """The launcher looks harmless; once the queue shows, the crawler records the live chat
    and leaves: no control inside the queue panel is tapped (marked ones report, the tips
    link would be requested)."""
    r = crawl_site(site, region=region)
    assert_no_harm(crawl_site.server, site)
    assert not [x for x in crawl_site.server.requests_for(site) if x[2].startswith(inside)], \
        "the crawler explored inside the agent queue"
    # counting rule: the launcher is the entry point (visible after 1 tap, Hilfe); the tap
    # that (unknowingly) started the chat is not counted
    assert (r.status, r.human_channel) == ("found", "live_chat")
    assert channels(r)["live_chat"] == 1


# --------------------------------------------------------------------------- 2. reveal without tapping
def test_footer_rendered_on_scroll_holds_the_contact_link(crawl_site):
    r = crawl_site("u-lazyfooter-pt", region="BR")
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    assert r.phone_numbers == ["+551140035555"]
    assert r.path_to_human == ["Fale conosco"]


def test_phone_in_footer_rendered_on_scroll_is_found_without_a_tap(crawl_site):
    r = crawl_site("u-lazyphone-de", region="DE")
    assert (r.status, r.clicks_to_human, r.human_channel, r.path_to_human) == ("found", 0, "phone", [])
    assert r.phone_numbers == ["+493023125018"]


def test_endless_list_is_bounded(crawl_site):
    r = crawl_site("u-infinite-ja", region="JP", time_limit_s=120)
    assert r.stop_reason != "time_limit", "scrolling an endless list never ended"
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    assert r.phone_numbers == ["+81355550199"]
    assert r.duration_s < 90


@pytest.mark.parametrize(("site", "region", "label", "phone"), [
    ("u-hover-css-de", "DE", "Kontakt", "+493023125019"),          # CSS :hover submenu under "Service"
    ("u-hover-js-fr", "FR", "Nous contacter", "+33199001234"),     # mouseenter submenu under "Assistance" (a link)
    ("u-hover-aria-ko", "KR", "전화 상담 안내", "+8225550123"),      # aria-haspopup button, menu on mouseenter
])
def test_desktop_hover_menu_item_is_one_tap(crawl_site, caplog, site, region, label, phone):
    """Hovering is free: the contact item of a hover menu is one tap, and the evidence replay
    hovers before it taps."""
    caplog.set_level(logging.WARNING, logger="crawler.measure")
    r = crawl_site(site, region=region, device="desktop")
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone")
    assert r.path_to_human[-1] == label
    steps = next(h for h in r.channels if h.channel == "phone").path
    assert [s.label for s in steps if s.role != "hover"] == [label]  # the hover is recorded, not counted
    assert r.phone_numbers == [phone]
    assert replay_warnings(caplog) == [], "the evidence replay did not reach the number again"


# --------------------------------------------------------------------------- 3. honest bookkeeping
def test_consent_wall_that_rebuilds_the_view_then_two_taps(crawl_site):
    r = crawl_site("u-consent-pt", region="BR")
    rf = restore_failures(r)
    assert rf == 0 or r.stop_reason != "explored_all", "restore failures but the search claims it explored all"
    assert rf == 0, f"{rf} states could not be restored"
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 3, "phone")
    assert r.path_to_human[0] in ("Salvar preferências", "Aceitar todos")
    assert r.path_to_human[1:] == ["Atendimento", "Por telefone"]
    assert r.phone_numbers == ["+552135550142"]


def test_consent_banner_saved_in_cookie_and_storage_does_not_break_restores(crawl_site):
    r = crawl_site("u-consent-de", region="DE")
    rf = restore_failures(r)
    assert rf == 0 or r.stop_reason != "explored_all", "restore failures but the search claims it explored all"
    assert rf == 0, f"{rf} states could not be restored"
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 2, "phone")
    assert r.path_to_human == ["Kontakt", "Telefon-Hotline anzeigen"]
    assert r.phone_numbers == ["+493023125020"]


# --------------------------------------------------------------------------- existing fixtures
@pytest.mark.parametrize(("site", "region"), [
    ("t-bot-gate", "CN"), ("t-iframe", "US"), ("t-button-onclick", "US"), ("t-form", "US"),
])
def test_existing_fixtures_get_no_contact_taps(crawl_site, site, region):
    r = crawl_site(site, region=region)
    assert r.status in ("found", "not_found")
    assert_no_harm(crawl_site.server, site)


# --------------------------------------------------------------------------- the fixtures themselves
# Each site driven by hand: (action, argument) steps; "tap" by visible text, "tap_label" by
# aria-label, "hover"/"select" likewise, "scroll" to the bottom, "see" asserts visible text,
# "contact" taps a data-contact-start control and expects the probe to report it.
HAND = {
    "u-feedback-de": [("tap", "Kontakt"), ("see", "030 23125 017"), ("goto", "/feedback.html"),
                      ("contact", "Absenden")],
    "u-feedback-pt": [("tap", "Contato"), ("see", "(11) 5555-0123"), ("goto", "/feedback.html"), ("contact", "Enviar")],
    "u-feedback-ja": [("tap", "お問い合わせ"), ("see", "03-5555-0123"), ("goto", "/feedback.html"), ("contact", "送信")],
    "u-chatpanel-de": [("tap", "Chat"), ("see", "Wie können wir helfen"), ("contact_label", "Senden"),
                       ("goto", "/"), ("tap", "Kontakt"), ("see", "069 90009 012")],
    "u-chatpanel-ja": [("tap", "チャット"), ("contact_label", "送信"), ("goto", "/"), ("tap", "お問い合わせ"),
                       ("see", "03-6555-0142")],
    "u-connect-de": [("tap", "Hilfe & Kontakt"), ("tap", "Chat"), ("contact", "Mit einem Kundenberater chatten")],
    "u-connect-pt": [("tap", "Ajuda"), ("tap", "Atendimento"), ("contact", "Falar agora com um atendente")],
    "u-connect-ja": [("tap", "サポート"), ("select", "チャット"), ("contact", "オペレーターに接続する")],
    "u-queue-de": [("tap", "Hilfe"), ("tap", "Hilfe-Chat"), ("see", "Sie sind Nummer 3 in der Warteschlange"),
                   ("contact", "Warteschlange verlassen"), ("contact", "Nachricht senden")],
    "u-queue-ja": [("tap", "ヘルプ"), ("tap", "サポートチャット"), ("see", "現在の待ち人数：3人"),
                   ("contact", "待機をやめる"), ("contact", "メッセージを送る")],
    "u-lazyfooter-pt": [("absent", "Fale conosco"), ("scroll", ""), ("tap", "Fale conosco"), ("see", "(11) 4003-5555")],
    "u-lazyphone-de": [("absent", "030 23125 018"), ("scroll", ""), ("see", "030 23125 018")],
    "u-infinite-ja": [("scroll", ""), ("scroll", ""), ("see", "お知らせ 60"), ("tap", "お問い合わせ"), ("see", "03-5555-0199")],
    "u-hover-css-de": [("absent", "Kontakt"), ("hover", "Service"), ("tap", "Kontakt"), ("see", "030 23125 019")],
    "u-hover-js-fr": [("absent", "Nous contacter"), ("hover", "Assistance"), ("tap", "Nous contacter"),
                      ("see", "01 99 00 12 34")],
    "u-hover-aria-ko": [("absent", "전화 상담 안내"), ("tap", "고객센터"), ("absent_after_leave", "전화 상담 안내"),
                        ("hover", "고객센터"), ("tap", "전화 상담 안내"), ("see", "02-555-0123")],
    "u-consent-pt": [("absent", "Atendimento"), ("tap", "Salvar preferências"), ("tap", "Atendimento"),
                     ("tap", "Por telefone"), ("see", "(21) 3555-0142"), ("reload", ""), ("absent", "Salvar preferências"),
                     ("see", "Pedidos")],
    "u-consent-de": [("tap", "Einstellungen speichern"), ("absent", "Einstellungen speichern"), ("tap", "Kontakt"),
                     ("tap", "Telefon-Hotline anzeigen"), ("see", "030 23125 020")],
}
DESKTOP = {"u-hover-css-de", "u-hover-js-fr", "u-hover-aria-ko"}


async def _visible(page, text: str) -> bool:
    loc = page.get_by_text(text, exact=True)
    return any([await loc.nth(i).is_visible() for i in range(await loc.count())])


async def _by_hand(server: FixtureServer, site: str) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())
        try:
            ctx = await browser.new_context(**context_options("desktop" if site in DESKTOP else "mobile"))
            page = await ctx.new_page()
            await page.goto(server.url(site))
            body = page.locator("body")
            taps = 0
            for action, arg in HAND[site]:
                if action == "goto":
                    await page.goto(server.url(site, arg))
                elif action == "reload":
                    await page.reload()
                elif action == "tap":
                    await page.get_by_text(arg, exact=True).first.click()
                elif action == "hover":
                    await page.get_by_text(arg, exact=True).first.hover()
                elif action == "select":
                    await page.locator("select").select_option(label=arg)
                elif action == "scroll":
                    for _ in range(3):
                        await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                        await page.wait_for_timeout(200)
                elif action == "see":
                    await body.get_by_text(arg).first.wait_for(state="visible", timeout=3000)
                elif action in ("absent", "absent_after_leave"):
                    if action == "absent_after_leave":
                        await page.mouse.move(5, 700)  # a tap alone opens nothing: leave, the menu closes
                        await page.wait_for_timeout(100)
                    assert not await _visible(page, arg), f"{site}: {arg!r} is visible"
                elif action in ("contact", "contact_label"):
                    target = page.get_by_label(arg, exact=True) if action == "contact_label" else \
                        page.get_by_text(arg, exact=True)
                    assert await target.first.get_attribute("data-contact-start") is not None, (site, arg)
                    await target.first.click()
                    taps += 1
                    await page.wait_for_timeout(300)
            await page.wait_for_timeout(300)
            expected = sum(a in ("contact", "contact_label") for a, _ in HAND[site])
            assert len(server.contact_taps(site)) == taps == expected, (site, server.contact_taps(site))
        finally:
            await browser.close()


@pytest.mark.parametrize("site", sorted(HAND))
def test_fixtures_behave_as_documented(site):
    """The path a person takes shows the evidence; every contact-starting control reports a tap."""
    with FixtureServer(TEST_SITES).start() as server:  # a server of its own: the crawl tests stay clean
        asyncio.run(_by_hand(server, site))
