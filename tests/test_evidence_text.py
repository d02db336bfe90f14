"""Unit tests: the evidence text of a phone number is the number as printed (no browser)."""

from __future__ import annotations

import pytest

from crawler.detect import PageView, detect, find_phone_spans, service_hours
from crawler.lexicon import default_lexicon

LEX = default_lexicon()


def block(text, **kw):
    return {"text": text, "tag": "p", "heading": kw.pop("heading", ""), "control": False, "href": "", "frame": 0, **kw}


@pytest.mark.parametrize(
    "text,region,printed,value",
    [
        # an area code in brackets is part of the number
        ("Customer service: (844) 875-6446", "US", "(844) 875-6446", "+18448756446"),
        ("(844) 875-6446", "US", "(844) 875-6446", "+18448756446"),
        ("Call us at +1 (844) 875-6446.", "US", "+1 (844) 875-6446", "+18448756446"),
        ("Customer service: (844) 875-6446 (24/7)", "US", "(844) 875-6446", "+18448756446"),
        ("客服电话：（010）8888 8888", "CN", "（010）8888 8888", "+861088888888"),
        ("客服專線 (02) 2771-8888", "TW", "(02) 2771-8888", "+886227718888"),
        # an unclosed bracket is punctuation around the number, not part of it
        ("Customer service (1-800-555-0101", "US", "1-800-555-0101", "+18005550101"),
        ("Customer service (1-800-555-0101)", "US", "1-800-555-0101", "+18005550101"),
        ("Hotline 1-800-555-0163 (24/7)", "US", "1-800-555-0163", "+18005550163"),
        ("Customer service 1-800-555-0164 (", "US", "1-800-555-0164", "+18005550164"),
        ("Service line 1900 6035 (8:00-17:00)", "VN", "1900 6035", "+8419006035"),
    ],
)
def test_a_number_is_kept_as_printed(text, region, printed, value):
    spans = find_phone_spans(text, region, LEX)
    assert [(raw, v) for raw, v, _, _ in spans] == [(printed, value)]
    raw, _, start, end = spans[0]
    assert text[start:end] == raw  # offsets point at the printed text


def test_the_detected_phone_evidence_keeps_the_bracket():
    view = PageView(url="https://help.example/contact", title="Contact us",
                    blocks=[block("Customer service: (844) 875-6446, Mon-Fri 9:00-17:00")])
    det = detect(view, LEX, "US")["phone"]
    assert (det.evidence, det.value) == ("(844) 875-6446", "+18448756446")
    assert det.service_hours == service_hours("Mon-Fri 9:00-17:00", LEX)


def test_a_bracketed_number_is_judged_by_its_own_label():
    view = PageView(url="https://help.example/contact", title="Contact us",
                    blocks=[block("Sales: (844) 875-6400 · Customer service: (844) 875-6446")])
    det = detect(view, LEX, "US")["phone"]
    assert (det.evidence, det.values) == ("(844) 875-6446", ["+18448756446"])
