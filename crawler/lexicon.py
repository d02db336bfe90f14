"""Load the word lists (crawler/lexicons/*.yaml) into compiled patterns.

An app is read with its own language plus English (help centres mix English words in);
the safety keys (what starts a contact, submits or sends) come from every language, so a
control the crawler would not tap in one language is not tapped in another. zh-Hant is
derived from zh-Hans with OpenCC, plus the words conversion cannot give.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).with_name("lexicons")

KEYS = (
    "contact", "support", "account", "chat_launcher", "human_request", "human_connect",
    "connect_word", "person_noun", "bot_word", "callback", "bot_identity", "queue", "dismiss", "login",
    "login_url", "never_click", "submit", "unlikely", "service_context", "decoy_context",
    "email_negative", "ugc_page", "service_hours", "web_form_field", "search_field",
    "chat_composer", "support_path",
)
#: Read from every language whatever the app's locale: refusing to start a contact.
SAFETY_KEYS = ("never_click", "submit", "human_connect", "connect_word", "person_noun", "bot_word", "callback", "queue")
#: The languages a lexicon exists for (file stems), and the locale subtags that map to them.
LOCALE_ALIASES = {
    "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans", "zh-hans": "zh-Hans",
    "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "zh-hant": "zh-Hant",
    "in": "id", "iw": "he", "nb": "no", "nn": "no", "fil": "tl",
}
#: OpenCC conversions whose results all count as Traditional Chinese forms of a pattern.
OPENCC_CONFIGS = ("s2t", "s2tw", "s2twp", "s2hk")


class UnknownLocale(ValueError):
    """The app's language has no lexicon: its controls cannot be understood."""


@dataclass
class Lexicon:
    """Compiled patterns per key; `search(key, text)` returns the first match or None."""

    patterns: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    _joined: dict[str, re.Pattern[str] | None] = field(default_factory=dict, repr=False)

    def _any(self, key: str) -> re.Pattern[str] | None:
        """One alternation of every pattern of a key (one scan instead of one per pattern)."""
        if key not in self._joined:
            pats = self.patterns.get(key) or []
            self._joined[key] = re.compile("|".join(f"(?:{p.pattern})" for p in pats), re.IGNORECASE) if pats else None
        return self._joined[key]

    def search(self, key: str, text: str | None) -> re.Match[str] | None:
        if not text:
            return None
        joined = self._any(key)
        return joined.search(fold(text)) if joined else None

    def spans(self, key: str, text: str | None) -> list[tuple[int, int]]:
        """(start, end) of every non-overlapping match of a key, in reading order."""
        joined = self._any(key) if text else None
        return [m.span() for m in joined.finditer(fold(text))] if joined else []

    def has(self, key: str, text: str | None) -> bool:
        return self.search(key, text) is not None

    def find_all(self, key: str, text: str) -> list[re.Match[str]]:
        text = fold(text)
        found = [m for p in self.patterns.get(key, ()) for m in p.finditer(text)]
        return sorted(found, key=lambda m: m.start())


# --------------------------------------------------------------------------- text folding
_DIGIT_TABLE: dict[int, str] = {}
for _cp in range(0x80, 0x1FC00):
    _ch = chr(_cp)
    if _cp > 0x7F and unicodedata.category(_ch) == "Nd":
        _DIGIT_TABLE[_cp] = str(unicodedata.digit(_ch))
# full-width ASCII forms (：～（）ＡＩ) as ASCII, and the ideographic space
_DIGIT_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if cp not in _DIGIT_TABLE})
_DIGIT_TABLE[0x3000] = " "
del _cp, _ch


def fold(text: str) -> str:
    """Digits of every script (full-width, Arabic-Indic, Devanagari, Thai...) as ASCII 0-9 and
    full-width forms as ASCII, composed (NFC) accents: the same length as `text` for composed
    text, so match offsets stay valid in the original."""
    if not text or text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_DIGIT_TABLE)


# --------------------------------------------------------------------------- loading
def _read(path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: a lexicon is a mapping of keys to pattern lists")
    return data


def _compile(name: str, data: dict) -> dict[str, list[re.Pattern[str]]]:
    unknown = set(data) - set(KEYS) - {"derive_from"}
    if unknown:
        raise ValueError(f"{name}: unknown lexicon keys {sorted(unknown)}")
    out: dict[str, list[re.Pattern[str]]] = {}
    for key, items in data.items():
        if key == "derive_from":
            continue
        try:
            out[key] = [re.compile(item, re.IGNORECASE) for item in items or []]
        except re.error as exc:
            raise ValueError(f"{name}: {key}: bad pattern: {exc}") from exc
    return out


@lru_cache(maxsize=8)
def _converter(config: str):
    import opencc  # imported late: only zh-Hant needs it

    return opencc.OpenCC(config if config.endswith(".json") or "." in config else config)


_LOOKAROUND_RE = re.compile(r"(\(\?<?[!=][^()]*\))")


def _convert(config: str, pattern: str) -> str:
    """A pattern in another script; lookarounds stay as written (an exception such as
    人工(?!智能) must keep excluding what it excluded)."""
    parts = _LOOKAROUND_RE.split(pattern)
    return "".join(p if i % 2 else _converter(config).convert(p) for i, p in enumerate(parts))


def _derive(data: dict, base: dict) -> dict:
    """The patterns of `base` (zh-Hans) in every Traditional form OpenCC gives, plus `data`'s own."""
    out: dict[str, list[str]] = {}
    for key, items in base.items():
        if key == "derive_from":
            continue
        forms: list[str] = []
        for item in items or []:
            for config in OPENCC_CONFIGS:
                converted = _convert(config, item)
                if converted not in forms:
                    forms.append(converted)
        out[key] = forms
    for key, items in data.items():
        if key != "derive_from":
            out[key] = [*(items or []), *(p for p in out.get(key, []) if p not in (items or []))]
    return out


def _files(directory: str | Path | None):
    # importlib.resources also reads them from a zipped egg (Scrapyd deploys eggs)
    root = Path(directory) if directory else resources.files("crawler").joinpath("lexicons")
    return {p.name.rsplit(".", 1)[0]: p for p in root.iterdir() if p.name.endswith(".yaml")}


@lru_cache(maxsize=4)
def _language_patterns(directory: str | None) -> dict[str, dict[str, list[re.Pattern[str]]]]:
    files = _files(directory)
    raw = {lang: _read(path) for lang, path in files.items()}
    out = {}
    for lang, data in raw.items():
        base = data.get("derive_from")
        if base:
            if base not in raw:
                raise ValueError(f"{lang}.yaml: derive_from {base!r}: no such lexicon")
            data = _derive(data, raw[base])
        out[lang] = _compile(f"{lang}.yaml", data)
    return out


def available_languages(directory: str | Path | None = None) -> list[str]:
    return sorted(_language_patterns(str(directory) if directory else None))


def language_of(locale: str | None, directory: str | Path | None = None) -> str | None:
    """The lexicon of a BCP 47 locale (zh-TW -> zh-Hant, pt-BR -> pt), or None when there is none."""
    if not locale:
        return None
    langs = available_languages(directory)
    tag = locale.strip().replace("_", "-")
    low = tag.lower()
    for candidate in (low, "-".join(low.split("-")[:2]), low.split("-")[0]):
        if candidate in LOCALE_ALIASES and LOCALE_ALIASES[candidate] in langs:
            return LOCALE_ALIASES[candidate]
        for lang in langs:
            if lang.lower() == candidate:
                return lang
    if low.startswith("zh-") and "zh-Hans" in langs:  # zh-Hans-CN and the like
        return "zh-Hant" if ("hant" in low or low.split("-")[-1] in ("tw", "hk", "mo")) else "zh-Hans"
    return None


def load_lexicon(directory: str | Path | None = None, languages: list[str] | None = None) -> Lexicon:
    """Merge lexicon files: all of them, or `languages` (plus every language's safety keys)."""
    per_lang = _language_patterns(str(directory) if directory else None)
    chosen = sorted(per_lang) if languages is None else [lang for lang in languages if lang in per_lang]
    lex = Lexicon(languages=chosen)
    for lang in chosen:
        for key, patterns in per_lang[lang].items():
            lex.patterns.setdefault(key, []).extend(patterns)
    for lang in sorted(set(per_lang) - set(chosen)):
        for key in SAFETY_KEYS:
            lex.patterns.setdefault(key, []).extend(per_lang[lang].get(key, []))
    return lex


@lru_cache(maxsize=64)
def lexicon_for(locale: str | None, allow_unknown: bool = False) -> Lexicon:
    """The lexicon an app is read with: its language + English (+ the other Chinese script),
    every language's safety words. No locale: every language. A locale without a lexicon
    raises UnknownLocale unless `allow_unknown` (then: every language)."""
    lang = language_of(locale)
    if locale and lang is None:
        if not allow_unknown:
            raise UnknownLocale(
                f"locale {locale!r} has no lexicon (known: {', '.join(available_languages())}); add "
                f"crawler/lexicons/<language>.yaml, or set allow_unknown_locale: true to crawl it as a research override")
        return default_lexicon()
    if lang is None:
        return default_lexicon()
    langs = [lang, "en"]
    if lang.startswith("zh-"):
        langs.append("zh-Hant" if lang == "zh-Hans" else "zh-Hans")
    return load_lexicon(languages=list(dict.fromkeys(langs)))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()
