"""Behaviour: whose channel it is, in languages, brands and layouts the crawler was not tuned on.

Fixture sites `tests/sites/v-*` (tests/sites/README.md lists what each one tests and the
expected answer). Each site puts the app's own customer-service channels next to decoys that
are somebody else's or not for service (sales and business lines, franchise and merchant
recruitment, a seller's phone, sales callbacks, press and recruiting addresses, emergency and
anti-fraud numbers, other organisations, user posts), sign-in walls behind chat links, and
assistants that are only mentioned. Only the official customer-service channel counts.

Every contact-starting control carries `data-contact-start` and every page loads
`/__probe.js`: each test also proves the crawl tapped none of them and posted nothing.
"""

from __future__ import annotations

import unicodedata

import pytest
from conftest import channels

pytestmark = pytest.mark.browser


def hit(result, channel: str):
    return next((h for h in result.channels if h.channel == channel), None)


def why(result) -> str:
    """What the crawler recorded, for the assertion message."""
    rows = [f"{h.channel}@{h.clicks}: {h.evidence_text!r} value={h.value!r} hours={h.service_hours!r} "
            f"via {[s.label for s in h.path]} ({h.url})" for h in result.channels]
    return (f"status={result.status} human={result.clicks_to_human} {result.human_channel} "
            f"phones={result.phone_numbers} hours={result.service_hours!r} error={result.error!r}\n  "
            + "\n  ".join(rows))


def no_harm(crawl_site, site: str, result) -> None:
    """No contact-starting control tapped, nothing posted."""
    assert crawl_site.server.contact_taps(site) == [], why(result)
    assert crawl_site.server.requests_for(site, "POST") == [], why(result)


def digits(text: str | None) -> str:
    """Full-width forms folded, digits of every script as ASCII, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- 1. whose channel
def test_french_official_channels_among_decoys(crawl_site):
    """Sales line, demo and sales callbacks, franchise, press and recruiting addresses, 112,
    Info Escroqueries, the tax agency's number, a seller's phone, forum posts: none counts."""
    r = crawl_site("v-fr-decoys", region="FR", locale="fr-FR")
    no_harm(crawl_site, "v-fr-decoys", r)
    assert r.phone_numbers == ["+33970809010"], why(r)
    assert channels(r) == {"phone": 1, "email": 1}, why(r)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone"), why(r)
    assert hit(r, "phone").value == "+33970809010", why(r)
    assert hit(r, "email").value == "aide@maisonnette.example", why(r)
    assert "du lundi au vendredi de 9h à 18h" in (r.service_hours or ""), why(r)


def test_russian_official_channels_among_decoys(crawl_site):
    """Отдел продаж, a sales-manager callback, partners, press@, hr@, police 102/112,
    Rospotrebnadzor's hotline and a forum post: only the support line and address count."""
    r = crawl_site("v-ru-decoys", region="RU", locale="ru-RU")
    no_harm(crawl_site, "v-ru-decoys", r)
    assert r.phone_numbers == ["+78007001234"], why(r)
    assert channels(r) == {"phone": 1, "email": 1}, why(r)
    assert hit(r, "email").value == "support@polka.example", why(r)
    assert "круглосуточно" in (r.service_hours or ""), why(r)


def test_vietnamese_seller_and_business_lines_are_not_the_apps(crawl_site):
    """A seller's phone on an order page, the business-partnership line and its consultation
    callback, recruiting and press addresses, 113/114/115."""
    r = crawl_site("v-vi-decoys", region="VN", locale="vi-VN")
    no_harm(crawl_site, "v-vi-decoys", r)
    assert r.phone_numbers == ["+8419006035"], why(r)
    assert channels(r) == {"phone": 1, "email": 1}, why(r)
    assert hit(r, "email").value == "hotro@chosen.example", why(r)
    assert "8:00 - 22:00" in (r.service_hours or ""), why(r)


def test_turkish_corporate_sales_line_above_the_hotline(crawl_site):
    """Kurumsal satış is printed first with its own hours; bayilik (franchise) has a
    "Sizi arayalım" callback; basın@ and kariyer@; 112 and 155."""
    r = crawl_site("v-tr-decoys", region="TR", locale="tr-TR")
    no_harm(crawl_site, "v-tr-decoys", r)
    assert r.phone_numbers == ["+908502221234"], why(r)
    assert channels(r) == {"phone": 1, "email": 1}, why(r)
    phone = hit(r, "phone")
    assert phone.value == "+908502221234" and "0850 222 12 34" in phone.evidence_text, why(r)
    assert "09:00-18:00" in (r.service_hours or "") and "17:00" not in r.service_hours, why(r)
    assert hit(r, "email").value == "destek@kuzeymarket.example", why(r)


def test_chinese_franchise_line_above_the_hotline(crawl_site):
    """招商加盟热线 first (工作日 9:00-17:30), then 客服热线 (每天 8:00-22:00); 预约顾问回电,
    商家入驻 / 简历 / 媒体 addresses, 110 and 96110, a third-party shop's phone, 加盟 page."""
    r = crawl_site("v-zh-decoys", region="CN", locale="zh-CN")
    no_harm(crawl_site, "v-zh-decoys", r)
    assert r.phone_numbers == ["+864008208888"], why(r)
    assert channels(r) == {"phone": 1, "email": 1}, why(r)
    phone = hit(r, "phone")
    assert phone.value == "+864008208888" and "400-820-8888" in phone.evidence_text, why(r)
    assert "8:00-22:00" in (r.service_hours or "") and "17:30" not in r.service_hours, why(r)
    assert hit(r, "email").value == "kefu@qinghe.example", why(r)


# --------------------------------------------------------------------------- 2. decoy first
def test_korean_sales_line_first_does_not_hide_the_hotline(crawl_site):
    """영업 문의 (평일 10:00~17:00) above 고객센터 (평일 09:00~18:00); 입점 문의 page with a
    consultation request; 112 / 182."""
    r = crawl_site("v-ko-sales-first", region="KR", locale="ko-KR")
    no_harm(crawl_site, "v-ko-sales-first", r)
    assert r.phone_numbers == ["+8215881234"], why(r)
    assert channels(r) == {"phone": 1}, why(r)
    phone = hit(r, "phone")
    assert phone.value == "+8215881234" and "1588-1234" in phone.evidence_text, why(r)
    assert "평일 09:00~18:00" in (r.service_hours or ""), why(r)
    assert "10:00~17:00" not in r.service_hours, why(r)


def test_spanish_sales_line_first_12h_hours(crawl_site):
    """Ventas empresariales (9:00 a.m. a 7:00 p.m.) above Atención a clientes (8:00 a.m. a
    10:00 p.m.); "Agendar una demostración"; empleos@."""
    r = crawl_site("v-es-sales-first", region="MX", locale="es-MX")
    no_harm(crawl_site, "v-es-sales-first", r)
    assert r.phone_numbers == ["+528001234567"], why(r)
    assert channels(r) == {"phone": 1, "email": 1}, why(r)
    phone = hit(r, "phone")
    assert phone.value == "+528001234567" and "800 123 4567" in phone.evidence_text, why(r)
    assert "8:00 a.m. a 10:00 p.m." in (r.service_hours or ""), why(r)
    assert "7:00 p.m." not in r.service_hours, why(r)
    assert hit(r, "email").value == "ayuda@nopal.example", why(r)


# --------------------------------------------------------------------------- 3. where a control leads
def test_spanish_chat_link_to_sign_in_is_a_login_wall(crawl_site):
    """"Chatear con un agente" is a link to /login?next=/chat: a sign-in page, not a chat."""
    r = crawl_site("v-es-chat-login", region="ES", locale="es-ES")
    no_harm(crawl_site, "v-es-chat-login", r)
    assert "live_chat" not in channels(r), why(r)
    assert r.status == "login_wall", why(r)
    assert r.clicks_to_human is None and not r.human_reachable, why(r)


def test_korean_chat_link_to_sign_in_is_not_live_chat(crawl_site):
    """"상담원과 채팅" leads to the sign-in page; the phone one tap away is the human channel."""
    r = crawl_site("v-ko-chat-login", region="KR", locale="ko-KR")
    no_harm(crawl_site, "v-ko-chat-login", r)
    assert "live_chat" not in channels(r), why(r)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone"), why(r)
    assert r.phone_numbers == ["+8215885678"], why(r)
    assert "오전 9시~오후 6시" in (r.service_hours or ""), why(r)


# --------------------------------------------------------------------------- 4. chatbot = open panel
def test_assistant_in_prose_or_unopened_widget_is_not_a_chatbot(crawl_site):
    """"Notre assistant virtuel répond 24h/24", "Léa, notre assistante virtuelle" in the FAQ and
    a floating "Assistant" button that only says the service is unavailable."""
    r = crawl_site("v-fr-bot-prose", region="FR", locale="fr-FR")
    no_harm(crawl_site, "v-fr-bot-prose", r)
    assert "chatbot" not in channels(r), why(r)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone"), why(r)
    assert r.phone_numbers == ["+33186954321"], why(r)
    assert "du lundi au samedi de 8h à 20h" in (r.service_hours or ""), why(r)


def test_open_assistant_panel_is_a_chatbot(crawl_site):
    """"Besoin d'aide ?" opens a transcript: "Bonjour, je suis Léa, votre assistante virtuelle"."""
    r = crawl_site("v-fr-bot-open", region="FR", locale="fr-FR")
    no_harm(crawl_site, "v-fr-bot-open", r)
    assert channels(r) == {"chatbot": 1}, why(r)
    assert "je suis Léa" in hit(r, "chatbot").evidence_text, why(r)
    assert r.status == "not_found", why(r)


# --------------------------------------------------------------------------- 5. digits and hours
def test_full_width_digits(crawl_site):
    r = crawl_site("v-jp-fullwidth", region="JP", locale="en-JP")
    no_harm(crawl_site, "v-jp-fullwidth", r)
    assert r.phone_numbers == ["+81120123456"], why(r)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone"), why(r)
    assert "9:00-18:00" in digits(r.service_hours), why(r)


def test_arabic_indic_digits_and_hours(crawl_site):
    """٠٨٠٠ ١٢٣ ٤٥٦٧ (EG) with "من الأحد إلى الخميس ٨:٠٠ - ١٦:٠٠"; a business sales line and 122."""
    r = crawl_site("v-ar-digits", region="EG", locale="ar-EG")
    no_harm(crawl_site, "v-ar-digits", r)
    assert r.phone_numbers == ["+208001234567"], why(r)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone"), why(r)
    assert digits("من الأحد إلى الخميس ٨:٠٠ - ١٦:٠٠") in digits(r.service_hours), why(r)
