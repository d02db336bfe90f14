"""Channel detection: what a user can see in one UI state, classified into contact channels.

Pure functions over a `PageView` (the visible text blocks, controls and fields of every
frame of one state, as collected by js/agent.js). No browser here, so every rule is unit
tested. Words come from the lexicons; this module only holds the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import phonenumbers
from phonenumbers import shortnumberinfo

from .lexicon import Lexicon

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}(?![\w-])")
PHONE_CANDIDATE_RE = re.compile(
    r"(?<![0-9A-Za-z.:/])(\+?\(?\d[\d \-().\u2010-\u2015\u00a0]{3,22}\d)(?![0-9A-Za-z%])"
)
ENTRY_LABEL_MAX = 40


@dataclass
class PageView:
    """What the user sees in one state, over all frames (built from js/agent.js snapshots)."""

    url: str
    title: str = ""
    blocks: list[dict] = field(default_factory=list)
    controls: list[dict] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@dataclass
class Detection:
    """One channel seen in one state, with the text that proves it."""

    channel: str
    evidence: str
    value: str | None = None
    service_hours: str | None = None
    values: list[str] = field(default_factory=list)  # every distinct value seen (phones, e-mails)


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# --------------------------------------------------------------------------- controls
def control_kind(control: dict, lex: Lexicon) -> str:
    """What tapping a control would do, as far as safety and counting are concerned.

    `human_connect` and `callback` are channel entry points (tapping would start the
    contact, so they are never tapped); `human_request` is a gate (tapping asks a bot for
    a person: allowed and counted); `never` is destructive or submits; `click` is anything else.
    """
    label = normalise(control.get("label"))
    if lex.has("never_click", label):
        return "never"
    if len(label) <= ENTRY_LABEL_MAX:  # a card with a paragraph of text is not a connect button
        if lex.has("human_connect", label):
            return "human_connect"
        if lex.has("callback", label):
            return "callback"
    if control.get("type") in ("submit", "image") or (
        control.get("inForm") and lex.has("submit", label) and control.get("tag") != "a"
    ):
        return "never"
    if lex.has("human_request", label):
        return "human_request"
    return "click"


def relevance(text: str, lex: Lexicon, href: str = "") -> float:
    """How likely tapping a control with this label (and link target) leads to customer service."""
    text = normalise(text)
    score = 0.0
    if lex.has("human_connect", text) or lex.has("callback", text):
        score = max(score, 10)
    if lex.has("contact", text):
        score = max(score, 9)
    if lex.has("human_request", text):
        score = max(score, 8.5)
    if lex.has("chat_launcher", text):
        score = max(score, 8)
    if lex.has("support", text):
        score = max(score, 7)
    if lex.has("account", text):
        score = max(score, 5)
    if lex.has("dismiss", text):
        score = max(score, 4)
    if href:
        path = unquote(urlsplit(href).path + "?" + urlsplit(href).query).lower()
        path_words = re.sub(r"[/_\-.?=&]+", " ", path)
        if lex.has("contact", path_words):
            score = max(score, 6.5)
        elif lex.has("support", path_words) or lex.has("support_path", path_words):
            score = max(score, 6)
    if score == 0 and lex.has("unlikely", text):
        score = -1
    if score == 0 and not text:
        score = -0.5
    return score


# --------------------------------------------------------------------------- phones
def _context_window(blocks: list[dict], i: int, radius: int = 2) -> list[dict]:
    frame = blocks[i].get("frame", 0)
    lo, hi = max(0, i - radius), min(len(blocks), i + radius + 1)
    return [b for b in blocks[lo:hi] if b.get("frame", 0) == frame]


def _is_ugc_page(view: PageView, lex: Lexicon) -> bool:
    parts = urlsplit(view.url)
    path_words = re.sub(r"[/_\-.]+", " ", unquote(parts.path))
    return lex.has("ugc_page", path_words) or lex.has("ugc_page", view.title)


def _official_context(blocks: list[dict], i: int, lex: Lexicon, positive: str, negative: str,
                      need_positive: bool = True) -> bool:
    """A number or address counts when its own label says customer service, not sales."""
    own = blocks[i]
    own_text = own.get("text", "") + " " + own.get("heading", "")
    if lex.has(negative, own_text):
        return False
    if lex.has(positive, own.get("text", "")):
        return True
    if i > 0 and blocks[i - 1].get("frame", 0) == own.get("frame", 0):
        prev = blocks[i - 1].get("text", "")
        is_label = "@" not in prev and len(re.sub(r"\D", "", prev)) < 6
        if is_label and lex.has(negative, prev[-120:]):  # "Sales team:" above the number
            return False
    if not need_positive:
        return True
    near = " ".join(b.get("text", "")[:300] for b in _context_window(blocks, i)) + " " + own.get("heading", "")
    return lex.has(positive, near)


def parse_phone(raw: str, region: str) -> str | None:
    """E.164 form of a phone number written for `region`, or None when it is not a valid number."""
    digits = re.sub(r"[^\d+]", "", raw)
    if len(digits.lstrip("+")) < 5:
        return None
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(num):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    national = re.sub(r"\D", "", raw)
    if 3 <= len(national) <= 6 and shortnumberinfo.is_valid_short_number_for_region(
        phonenumbers.parse(national, region), region
    ):
        return national  # a short service number (95588, 10086): no E.164 form exists
    return None


def find_phones(text: str, region: str, lex: Lexicon | None = None) -> list[tuple[str, str]]:
    """(raw text, E.164) of every valid phone number written in `text`.

    Short service numbers (95588, 10086) have no E.164 form and look like postcodes, so
    they count only right after a word such as hotline / 客服热线.
    """
    found = []
    for m in PHONE_CANDIDATE_RE.finditer(text):
        raw = m.group(1).strip(" -.(")
        value = parse_phone(raw, region)
        while not value and re.search(r"[\s(]", raw):  # "1-800-555-0163 (24/7)": drop the tail
            raw = re.split(r"[\s(]+(?=[^\s(]*$)", raw)[0].strip(" -.(")
            value = parse_phone(raw, region)
        if not value:
            continue
        if not value.startswith("+") and not (lex and lex.has("phone_positive", text[max(0, m.start() - 12):m.start()])):
            continue
        found.append((raw, value))
    return found


def _tel_value(href: str, region: str) -> str | None:
    number = unquote(href.split(":", 1)[1]).split("?")[0].split(";")[0]
    return parse_phone(number, region)


def detect_phones(view: PageView, lex: Lexicon, region: str) -> list[tuple[str, str, str]]:
    """(evidence, E.164, context) of customer-service numbers visible in the state."""
    if _is_ugc_page(view, lex):
        return []
    blocks = view.blocks
    out: dict[str, tuple[str, str, str]] = {}
    for i, block in enumerate(blocks):
        text = block.get("text", "")
        candidates = []
        href = block.get("href") or ""
        if href.lower().startswith("tel:"):
            value = _tel_value(href, region)
            if value:
                candidates.append((normalise(text) or value, value))
        elif not block.get("inline"):
            candidates.extend(find_phones(text, region, lex))
        for raw, value in candidates:
            if value in out:
                continue
            idx = i
            if block.get("inline"):  # judge a tel: link by the block that holds it
                idx = next((j for j in range(i + 1, min(len(blocks), i + 30))
                            if not blocks[j].get("inline") and raw in blocks[j].get("text", "")), i)
            # a tappable tel: link is a phone channel unless labelled otherwise (sales, fax...);
            # a number in plain text needs a customer-service label
            is_tel = href.lower().startswith("tel:")
            if _official_context(blocks, idx, lex, "phone_positive", "phone_negative", need_positive=not is_tel):
                out[value] = (raw, value, _context_text(blocks, idx))
    return list(out.values())


def detect_emails(view: PageView, lex: Lexicon) -> list[tuple[str, str]]:
    if _is_ugc_page(view, lex):
        return []
    out: dict[str, tuple[str, str]] = {}
    for i, block in enumerate(view.blocks):
        href = (block.get("href") or "")
        addresses = []
        if href.lower().startswith("mailto:"):
            addresses.append(unquote(href[7:].split("?")[0]))
        elif not block.get("inline"):
            addresses.extend(EMAIL_RE.findall(block.get("text", "")))
        for addr in addresses:
            addr = addr.strip().lower()
            local = re.sub(r"[._+-]+", " ", addr.split("@")[0])
            if not addr or addr in out or lex.has("email_negative", local):
                continue
            if _official_context(view.blocks, i, lex, "phone_positive", "email_negative", need_positive=False):
                out[addr] = (addr, _context_text(view.blocks, i))
    return list(out.values())


def _context_text(blocks: list[dict], i: int) -> str:
    return " ".join(b.get("text", "")[:400] for b in _context_window(blocks, i)) + " " + blocks[i].get("heading", "")


def service_hours(text: str, lex: Lexicon) -> str | None:
    """The first opening-hours expression in `text` (in reading order)."""
    matches = sorted(lex.find_all("service_hours", text or ""), key=lambda m: (m.start(), -m.end()))
    if not matches:
        return None
    start, end = matches[0].start(), matches[0].end()
    for m in matches[1:]:  # "週一至週五 09:00-18:00": adjacent expressions are one answer
        if m.start() > end + 3:
            break
        end = max(end, m.end())
    return normalise(text[start:end]).strip(" ,，")


def _control_context(view: PageView, control: dict) -> str:
    label = normalise(control.get("label"))
    holders = [i for i, b in enumerate(view.blocks)
               if b.get("frame", 0) == control.get("frame", 0) and label and label in b.get("text", "")]
    if not holders:
        return label + " " + control.get("heading", "")
    best = min(holders, key=lambda i: len(view.blocks[i].get("text", "")))
    return _context_text(view.blocks, best)


# --------------------------------------------------------------------------- channels
def detect(view: PageView, lex: Lexicon, region: str) -> dict[str, Detection]:
    """Every channel visible in this state, keyed by channel name."""
    found: dict[str, Detection] = {}
    phones = detect_phones(view, lex, region)
    if phones:
        raw, value, ctx = phones[0]
        found["phone"] = Detection("phone", raw, value, service_hours(ctx, lex), [p[1] for p in phones])
    emails = detect_emails(view, lex)
    if emails:
        addr, ctx = emails[0]
        found["email"] = Detection("email", addr, addr, None, [e[0] for e in emails])
    for control in view.controls:
        if control.get("blocked"):
            continue
        kind = control_kind(control, lex)
        label = normalise(control.get("label"))
        if kind == "human_connect" and "live_chat" not in found:
            found["live_chat"] = Detection("live_chat", label, None, service_hours(_control_context(view, control), lex))
        elif kind == "callback" and "callback" not in found:
            found["callback"] = Detection("callback", label, None, service_hours(_control_context(view, control), lex))
    for f in view.fields:
        if web_form_field(f, lex):
            evidence = normalise(f.get("label")) or normalise(f.get("formText"))[:80]
            found["web_form"] = Detection("web_form", evidence or "textarea")
            break
    for block in view.blocks:
        if block.get("control"):
            continue
        m = lex.search("bot_identity", block.get("text", ""))
        if m:
            found["chatbot"] = Detection("chatbot", normalise(block.get("text", ""))[:200])
            break
    return found


def web_form_field(f: dict, lex: Lexicon) -> bool:
    """A free-text field of a contact or ticket form (not a search box, not a chat composer)."""
    if f.get("tag") not in ("textarea",) and not f.get("contentEditable"):
        if not (f.get("tag") == "input" and f.get("inForm") and lex.has("web_form_field", f.get("label"))
                and f.get("height", 0) >= 60):
            return False
    if f.get("tag") == "textarea" and f.get("height", 0) < 30 and (f.get("rows") or 2) < 2:
        return False
    if lex.has("chat_composer", f.get("chrome") or ""):
        return False
    if lex.has("search_field", (f.get("label") or "") + " " + (f.get("type") or "")):
        return False
    return True


def is_login_page(view: PageView, lex: Lexicon) -> bool:
    """A sign-in page: a visible password field, or a sign-in URL with sign-in words."""
    if any(f.get("type") == "password" for f in view.fields):
        return True
    path = urlsplit(view.url).path
    if lex.has("login_url", path):
        return lex.has("login", view.title) or any(
            lex.has("login", b.get("text", "")[:100]) for b in view.blocks[:40]
        )
    return False
