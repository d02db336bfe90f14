"""Unit tests: channel detection, phone parsing, lexicons (no browser)."""

from __future__ import annotations

import pytest

from crawler.detect import (
    PageView,
    control_kind,
    detect,
    find_phones,
    is_login_page,
    parse_phone,
    relevance,
    service_hours,
    web_form_field,
)
from crawler.lexicon import KEYS, LEXICON_DIR, default_lexicon, load_lexicon

LEX = default_lexicon()


def block(text, **kw):
    return {"text": text, "tag": "p", "heading": kw.pop("heading", ""), "control": False, "href": "", "frame": 0, **kw}


def control(label, **kw):
    return {"label": label, "tag": kw.pop("tag", "button"), "role": "", "type": kw.pop("type", "button"),
            "frame": 0, "path": [[0]], "inForm": kw.pop("inForm", False), **kw}


@pytest.mark.parametrize(
    "label,kind",
    [
        ("转人工客服", "human_connect"), ("接入人工客服", "human_connect"), ("接通人工客服", "human_connect"),
        ("连线人工客服", "human_connect"), ("进入人工坐席", "human_connect"), ("轉接真人客服", "human_connect"),
        ("Talk to an agent", "human_connect"), ("Chat with a billing agent", "human_connect"),
        ("Connect me to an agent", "human_connect"),
        ("人工客服", "human_request"), ("人工服务", "human_request"), ("联系人工", "human_request"),
        ("仍要人工", "human_request"), ("人工服務", "human_request"), ("Talk to a person", "human_request"),
        ("Request a callback", "callback"), ("预约回电", "callback"), ("預約回電", "callback"),
        ("退出登录", "never"), ("Log out", "never"), ("发送", "never"), ("Send", "never"), ("立即支付", "never"),
        ("在线客服", "click"), ("我的", "click"), ("Help centre", "click"), ("联系我们", "click"),
    ],
)
def test_control_kinds(label, kind):
    assert control_kind(control(label), LEX) == kind


def test_submit_buttons_are_never_tapped():
    assert control_kind(control("提交", type="submit", inForm=True), LEX) == "never"
    assert control_kind(control("Submit", type="button", inForm=True), LEX) == "never"
    assert control_kind(control("Next", type="submit"), LEX) == "never"


def test_long_card_text_is_not_a_connect_button():
    card = "人工客服 在线客服与电话客服，工作日 9:00-18:00 为您服务，欢迎随时连线人工客服咨询各类业务问题"
    assert control_kind(control(card, tag="a"), LEX) != "human_connect"


def test_relevance_orders_support_before_shopping():
    assert relevance("联系我们", LEX) > relevance("帮助中心", LEX) > relevance("我的", LEX) > relevance("加入购物车", LEX)
    assert relevance("Contact us", LEX) > relevance("Help", LEX) > relevance("Account", LEX) > relevance("Careers", LEX)
    assert relevance("", LEX, "http://x.example/help/contact.html") > 0
    assert relevance("客服專線", LEX) > 0 and relevance("聯絡我們", LEX) > 0


@pytest.mark.parametrize(
    "text,region,expected",
    [
        ("全国统一客服热线 4008-199-277（7×24小时）", "CN", ["+864008199277"]),
        ("客服电话：0839-6612345", "CN", ["+868396612345"]),
        ("Call 1-800-555-0163 (24/7)", "US", ["+18005550163"]),
        ("客服專線 (02) 2345-6789", "TW", ["+886223456789"]),
        ("2024-06-28 发布 · 8:00-22:00 · ¥46.5", "CN", []),
        ("San Francisco, CA 94107", "US", []),
        ("客服热线 95588", "CN", ["95588"]),
    ],
)
def test_find_phones(text, region, expected):
    assert [v for _, v in find_phones(text, region, LEX)] == expected


def test_parse_phone_rejects_garbage():
    assert parse_phone("000-0000000", "CN") is None
    assert parse_phone("12", "US") is None
    assert parse_phone("+1 800 555 0199", "CN") == "+18005550199"


def test_phone_needs_customer_service_context_and_skips_sales():
    view = PageView(url="http://a.localhost/contact", blocks=[
        block("Sales: 1-800-555-0177"),
        block("Customer care: 1-800-555-0163"),
        block("商务合作热线 400-810-2233"),
        block("Fax 1-800-555-0111"),
    ])
    found = detect(view, LEX, "US")
    assert found["phone"].value == "+18005550163"
    assert found["phone"].values == ["+18005550163"]


def test_phone_label_in_previous_block():
    view = PageView(url="http://a.localhost/", blocks=[block("Talk to our partnerships sales team:"),
                                                       block("+1 800 555 0122")])
    assert "phone" not in detect(view, LEX, "US")
    view = PageView(url="http://a.localhost/", blocks=[block("客服热线"), block("400-660-9558"), block("7×24小时人工服务")])
    det = detect(view, LEX, "CN")["phone"]
    assert det.value == "+864006609558" and det.service_hours == "7×24小时"


def test_tel_link_counts_with_its_context():
    view = PageView(url="http://a.localhost/", blocks=[
        block("400-660-9558", tag="a", href="tel:4006609558", control=True, inline=True),
        block("全国客服热线 400-660-9558"),
    ])
    assert detect(view, LEX, "CN")["phone"].value == "+864006609558"


def test_forum_pages_never_yield_numbers():
    view = PageView(url="http://a.localhost/community/thread-12.html", title="Community",
                    blocks=[block("Customer service? someone said call 1-800-555-0100")])
    assert "phone" not in detect(view, LEX, "US")


def test_emails_skip_sales_addresses():
    view = PageView(url="http://a.localhost/", blocks=[block("Sales team: sales@acme.example"),
                                                       block("Write to us: help@acme.example")])
    det = detect(view, LEX, "US")["email"]
    assert det.values == ["help@acme.example"]


def test_live_chat_callback_and_hours_near_the_control():
    view = PageView(url="http://a.localhost/", blocks=[block("已为您匹配专属客服，当前排队 12 人。 人工服务时间 9:00-24:00 接入人工客服")],
                    controls=[control("接入人工客服"), control("Request a callback")])
    found = detect(view, LEX, "CN")
    assert found["live_chat"].evidence == "接入人工客服"
    assert found["live_chat"].service_hours == "9:00-24:00"
    assert "callback" in found


def test_blocked_controls_are_not_entry_points():
    view = PageView(url="http://a.localhost/", controls=[control("Talk to an agent", blocked=True)])
    assert "live_chat" not in detect(view, LEX, "US")


def test_gate_is_not_live_chat():
    view = PageView(url="http://a.localhost/", controls=[control("人工客服"), control("Talk to a person")])
    assert "live_chat" not in detect(view, LEX, "CN")


def test_chatbot_needs_a_self_introduction_not_a_launcher():
    launcher = PageView(url="http://a.localhost/", blocks=[block("智能客服", control=True)], controls=[control("智能客服")])
    assert "chatbot" not in detect(launcher, LEX, "CN")
    panel = PageView(url="http://a.localhost/", blocks=[block("您好，我是拾贝智能客服贝贝，很高兴为您服务！", panel=True)])
    assert "chatbot" in detect(panel, LEX, "CN")
    en = PageView(url="http://a.localhost/", blocks=[block("Hi! I'm Vee, Cinevane's virtual assistant.", log="recent")])
    assert "chatbot" in detect(en, LEX, "US")
    # the same words as a page's prose (not in an open panel or transcript) are not a chatbot
    prose = PageView(url="http://a.localhost/", blocks=[block("Our virtual assistant answers 24/7. I'm sure it helps.")])
    assert "chatbot" not in detect(prose, LEX, "US")


def test_decoy_first_does_not_hide_the_real_line():
    view = PageView(url="http://a.localhost/contact", title="Contact us", blocks=[
        block("Sales: 1-800-555-0190 (Mon-Fri 9am-5pm) · Customer service: 1-800-555-0191 (24/7)")])
    d = detect(view, LEX, "US")["phone"]
    assert d.values == ["+18005550191"] and d.value == "+18005550191" and d.service_hours == "24/7"


def test_a_sales_page_shows_someone_elses_number():
    view = PageView(url="http://a.localhost/sales", title="Contact sales", blocks=[block("Call 1-800-555-0192")])
    assert "phone" not in detect(view, LEX, "US")
    view = PageView(url="http://a.localhost/x", title="Help", blocks=[block("Call 1-800-555-0192")])
    assert "phone" not in detect(view, LEX, "US", arrived_by="Partner with us")
    assert detect(view, LEX, "US", arrived_by="Contact us")["phone"].value == "+18005550192"


def test_full_width_and_arabic_indic_digits():
    assert [v for _, v in find_phones("客服热线：４００－８２０－１２３４", "CN", LEX)] == ["+864008201234"]
    assert [v for _, v in find_phones("خدمة العملاء: ٠٢٢٧٩٢٣٤٥٦", "EG", LEX)] == ["+20227923456"]


def test_connect_to_person_is_a_combination():
    for label in ("轉接專人", "在线客服（人工）", "Message an advisor", "Chat with one of our agents", "与客服专员对话"):
        assert control_kind(control(label), LEX) == "human_connect", label
    for label in ("在线客服", "Live chat", "人工客服", "Talk to a person", "Contact us"):
        assert control_kind(control(label), LEX) != "human_connect", label


def test_send_or_submit_is_never_tapped_outside_a_form():
    assert control_kind(control("提交", tag="button", type="button"), LEX) == "never"
    assert control_kind(control("Send", tag="button", type="button"), LEX) == "never"


def test_web_form_needs_free_text_outside_chat():
    form = {"tag": "textarea", "type": "", "label": "留言内容（必填）", "rows": 4, "height": 90, "inForm": True,
            "formText": "", "chrome": "field"}
    assert web_form_field(form, LEX)
    assert not web_form_field({**form, "chrome": "chat-composer"}, LEX)
    assert not web_form_field({**form, "tag": "input", "label": "搜索", "height": 36}, LEX)
    survey = PageView(url="http://a.localhost/", fields=[])
    assert "web_form" not in detect(survey, LEX, "CN")


def test_service_hours_first_in_reading_order():
    assert service_hours("客服热线 Customer line（人工服务 Staffed 8:00-20:00，报修 24 小时 repairs）", LEX) == "8:00-20:00"
    assert service_hours("Phone 24/7, English and Spanish", LEX) == "24/7"
    assert service_hours("Agents available 8am–10pm ET", LEX) == "8am–10pm ET"
    assert service_hours("no hours here", LEX) is None
    assert service_hours("服務時間：週一至週五 09:00-18:00（國定假日除外）", LEX) == "週一至週五 09:00-18:00"


def test_login_page():
    assert is_login_page(PageView(url="http://a.localhost/x", fields=[{"type": "password", "tag": "input"}]), LEX)
    assert is_login_page(PageView(url="http://a.localhost/login.html?next=/help", title="Log in"), LEX)
    assert not is_login_page(PageView(url="http://a.localhost/help", title="Help"), LEX)


def test_every_lexicon_file_is_valid_and_complete():
    files = sorted(LEXICON_DIR.glob("*.yaml"))
    assert {f.stem for f in files} >= {"en", "zh-Hans", "zh-Hant"}
    lex = load_lexicon()
    for key in KEYS:
        assert lex.patterns.get(key), f"no patterns for {key}"


def test_bad_lexicon_is_reported(tmp_path):
    (tmp_path / "xx.yaml").write_text("contact: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad pattern"):
        load_lexicon(tmp_path)
    (tmp_path / "xx.yaml").write_text("nonsense: ['a']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown lexicon keys"):
        load_lexicon(tmp_path)
