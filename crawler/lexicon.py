"""Load the word lists (crawler/lexicons/*.yaml) into compiled patterns.

Help centres mix languages (bilingual labels, English brand words in Chinese apps), so
every lexicon file is loaded and merged; adding a language is adding a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).with_name("lexicons")

KEYS = (
    "contact", "support", "account", "chat_launcher", "human_request", "human_connect",
    "callback", "bot_identity", "queue", "dismiss", "login", "login_url", "never_click",
    "submit", "unlikely", "phone_positive", "phone_negative", "email_negative", "ugc_page",
    "service_hours", "web_form_field", "search_field", "chat_composer", "support_path",
)


@dataclass
class Lexicon:
    """Compiled patterns per key; `search(key, text)` returns the first match or None."""

    patterns: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)

    def search(self, key: str, text: str | None) -> re.Match[str] | None:
        if not text:
            return None
        for pattern in self.patterns.get(key, ()):
            m = pattern.search(text)
            if m:
                return m
        return None

    def has(self, key: str, text: str | None) -> bool:
        return self.search(key, text) is not None

    def find_all(self, key: str, text: str) -> list[re.Match[str]]:
        found = [m for p in self.patterns.get(key, ()) for m in p.finditer(text)]
        return sorted(found, key=lambda m: m.start())


def _compile(path) -> dict[str, list[re.Pattern[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - set(KEYS)
    if unknown:
        raise ValueError(f"{path.name}: unknown lexicon keys {sorted(unknown)}")
    out: dict[str, list[re.Pattern[str]]] = {}
    for key, items in data.items():
        try:
            out[key] = [re.compile(item, re.IGNORECASE) for item in items or []]
        except re.error as exc:
            raise ValueError(f"{path.name}: {key}: bad pattern: {exc}") from exc
    return out


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """Merge every *.yaml file of a lexicon directory."""
    # importlib.resources also reads them from a zipped egg (Scrapyd deploys eggs)
    root = Path(directory) if directory else resources.files("crawler").joinpath("lexicons")
    lex = Lexicon()
    for path in sorted((p for p in root.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name):
        for key, patterns in _compile(path).items():
            lex.patterns.setdefault(key, []).extend(patterns)
        lex.languages.append(path.name.rsplit(".", 1)[0])
    return lex


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()
