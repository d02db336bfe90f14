"""Copies of a page in other languages are recognised (pure logic)."""

from __future__ import annotations

import pytest

from crawler.alternates import LanguageFilter, normalise, url_language


@pytest.mark.parametrize("tag, expected", [
    ("en", "en"), ("EN-us", "en"), ("es-419", "es"), ("pt_BR", "pt"), ("zh-CN", "zh-hans"), ("zh-TW", "zh-hant"),
    ("zh-Hant-HK", "zh-hant"), ("zh-hk", "zh-hant"), ("zh", "zh-hans"), ("x-default", None), ("us", None),
    ("help", None), ("", None), (None, None),
])
def test_normalise(tag, expected):
    assert normalise(tag) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://a.example/es/help", "es"), ("https://a.example/fr-ca/aide/", "fr"), ("https://a.example/zh-tw/", "zh-hant"),
    ("https://a.example/help?lang=de", "de"), ("https://a.example/?hl=ja&x=1", "ja"), ("https://a.example/help", None),
    ("https://a.example/uk/help", None),  # the United Kingdom section, not Ukrainian
    ("https://a.example/us/help", None), ("https://a.example/go/x", None),
])
def test_url_language(url, expected):
    assert url_language(url) == expected


def test_links_to_other_languages():
    f = LanguageFilter("en-US")
    f.declare({"https://a.example/es/": "es", "https://a.example/": "en"}, ["fr", ""])
    assert f.is_other("https://a.example/es/help")
    assert f.is_other("https://a.example/help?lang=fr")
    assert f.is_other("https://a.example/ayuda", hreflang="es")
    assert f.is_other("https://a.example/aide", alternates={"https://a.example/aide": "fr-FR"})
    assert f.is_other("https://a.example/ru/help", hreflang="ru")
    assert not f.is_other("https://a.example/en-gb/help")
    assert not f.is_other("https://a.example/help")
    assert not f.is_other("https://a.example/help", hreflang="en-GB")


def test_a_segment_is_a_language_only_where_the_site_declares_it():
    f = LanguageFilter("zh-TW")
    assert not f.is_other("https://a.example/cs/hotline")  # customer service, not Czech
    assert not f.is_other("https://a.example/it/support")  # the IT department
    f.declare({"https://a.example/en/": "en"})
    assert f.is_other("https://a.example/en/help") and not f.is_other("https://a.example/cs/hotline")


def test_chinese_scripts_are_different_copies():
    f = LanguageFilter("zh-CN")
    f.declare({"https://a.example/zh-tw/": "zh-TW", "https://a.example/en/": "en", "https://a.example/zh-cn/": "zh-CN"})
    assert f.is_other("https://a.example/zh-tw/help")
    assert f.is_other("https://a.example/help", hreflang="zh-Hant")
    assert not f.is_other("https://a.example/zh-cn/help")
    assert f.is_other("https://a.example/en/help")


def test_language_learnt_from_the_start_page_without_a_locale():
    f = LanguageFilter(None)
    assert not f.is_other("https://a.example/es/help", hreflang="es")  # nothing known: nothing refused
    f.learn("en", "https://a.example/help", {"https://a.example/es/help": "es"})
    assert f.is_other("https://a.example/es/help")
    g = LanguageFilter(None)
    g.learn("", "https://a.example/de/hilfe", {"https://a.example/en/help": "en", "https://a.example/de/hilfe": "de"})
    assert g.is_other("https://a.example/en/help") and not g.is_other("https://a.example/de/kontakt")
    h = LanguageFilter(None)
    h.learn("zh-TW", "https://a.example/cs/index")  # /cs/ is not a declared language: the page's lang is
    assert h.language == "zh-hant"
