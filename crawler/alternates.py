"""Copies of a page in other languages: recognised so that the app is explored once, in its
own language (a third of a real help centre's documents were translations of pages seen).

A link is another language's copy when its `hreflang`, the page's `<link rel=alternate
hreflang>` map, a language path segment (`/es/`, `/fr-ca/`) or a language query parameter
(`?lang=es`) names a language other than the app's. Chinese scripts count as languages
(zh-Hant copies of a zh-Hans site are other copies)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

#: ISO 639-1 codes: a two-letter path segment is a language only if it is one of these
#: (so /us/, /uk/ are not read as languages).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el
en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja
jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd
ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())
#: "uk" (Ukrainian) and "ca" (Catalan) are also country codes of English and French sites: a
#: path segment of exactly these is not read as a language (hreflang still is)
AMBIGUOUS_SEGMENTS = frozenset({"uk", "ca", "in", "be", "my"})
LANG_PARAMS = ("lang", "hl", "locale", "language", "lng", "lc")
_TAG_RE = re.compile(r"^([a-z]{2})(?:[-_]([a-z]{2}|[a-z]{4}|\d{3}))?(?:[-_]([a-z]{2}|\d{3}))?$", re.I)
_HANT_REGIONS = {"tw", "hk", "mo"}


def normalise(tag: str | None) -> str | None:
    """'zh-TW' -> 'zh-hant', 'zh_CN' -> 'zh-hans', 'es-419' -> 'es', 'EN' -> 'en'; None if not a language."""
    m = _TAG_RE.match((tag or "").strip())
    if not m or m.group(1).lower() not in ISO_639_1:
        return None
    lang = m.group(1).lower()
    if lang != "zh":
        return lang
    subtags = {s.lower() for s in m.groups()[1:] if s}
    if "hant" in subtags or subtags & _HANT_REGIONS:
        return "zh-hant"
    return "zh-hans"


def url_language(url: str) -> str | None:
    """The language a URL names in its first path segment or a language query parameter."""
    parts = urlsplit(url)
    segs = [s for s in parts.path.split("/") if s]
    if segs and segs[0].lower() not in AMBIGUOUS_SEGMENTS:
        lang = normalise(segs[0])
        if lang:
            return lang
    for k, v in parse_qsl(parts.query):
        if k.lower() in LANG_PARAMS:
            lang = normalise(v)
            if lang:
                return lang
    return None


class LanguageFilter:
    """Decides, for the links of one app, which lead to a copy in another language.

    A path segment or query parameter is read as a language only when the site declares that
    language (an hreflang alternate or an hreflang link): /cs/hotline is customer service,
    not Czech, on a site that declares no Czech copy."""

    def __init__(self, app_language: str | None) -> None:
        self.language = normalise(app_language)
        self.declared: set[str] = set()

    def learn(self, page_lang: str | None, start_url: str, alternates: dict[str, str] | None = None) -> None:
        """Without a locale in the config, the start page says what the app's language is."""
        self.declare(alternates)
        if self.language is None:
            tag = url_language(start_url)
            self.language = (tag if tag in self.declared else None) or normalise(page_lang)

    def declare(self, alternates: dict[str, str] | None = None, hreflangs: list[str] | None = None) -> None:
        """Languages the site says it has copies in."""
        for tag in [*(alternates or {}).values(), *(hreflangs or [])]:
            lang = normalise(tag)
            if lang:
                self.declared.add(lang)

    def is_other(self, href: str, hreflang: str = "", alternates: dict[str, str] | None = None) -> bool:
        """True when the link leads to a copy in a language other than the app's."""
        if self.language is None:
            return False
        tag = normalise(hreflang) or normalise((alternates or {}).get(href))
        if tag is None:
            tag = url_language(href)
            if tag not in self.declared:
                return False
        return tag != self.language
