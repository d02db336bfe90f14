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

from .lexicon import Lexicon, fold

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}(?![\w-])")
PHONE_CANDIDATE_RE = re.compile(
    r"(?<![0-9A-Za-z./])(?<!\d:)([+＋]?[(（]?\d[\d \-().\u2010-\u2015\u00a0\u2212\u30fc\uff08\uff09\uff0d\u3000]{2,22}\d)(?![0-9A-Za-z%])"
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
    lang: str = ""  # the main document's lang attribute
    alternates: dict[str, str] = field(default_factory=dict)  # URL -> hreflang of <link rel=alternate>


@dataclass
class Detection:
    """One channel seen in one state, with the text that proves it."""

    channel: str
    evidence: str
    value: str | None = None
    service_hours: str | None = None
    values: list[str] = field(default_factory=list)  # every distinct value seen (phones, e-mails)
    href: str | None = None  # the link target of an entry-point control (live chat, callback)


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# --------------------------------------------------------------------------- controls
WIDE_RE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def label_width(label: str) -> int:
    """Length of a label, an ideograph or hangul syllable counting as two letters (it says as much)."""
    return len(label) + len(WIDE_RE.findall(label))


def connects_to_person(label: str, lex: Lexicon) -> bool:
    """A short label that connects to a person: a whole connect phrase, or a connect / chat
    word with a person noun in either order (轉接專人, Message an advisor, 在线客服（人工）)."""
    if not label or label_width(label) > ENTRY_LABEL_MAX:  # a card with a paragraph is not a button
        return False
    if lex.has("human_connect", label):
        return True
    for ps, pe in lex.spans("person_noun", label):
        if lex.has("bot_word", label[max(0, ps - 16):ps]):
            continue  # "our virtual agent", AI 상담원: a bot, not a person
        rest = label[:ps] + " " * (pe - ps) + label[pe:]
        # a gate phrase first (人工客服 …) followed by a description is a card, not a connect
        gate_end = max((e for s_, e in lex.spans("human_request", label) if s_ <= ps < e), default=-1)
        for cs, ce in lex.spans("connect_word", rest):
            if gate_end >= 0 and cs >= gate_end:
                continue
            gap = label[min(pe, ce):max(ps, cs)]
            # the two belong together when close: a few words, or a few characters of CJK
            # ("在线咨询智能问答与人工坐席" describes a page that has both, it connects nothing)
            if len(gap) <= (5 if re.search(r"[\u3000-\u9fff\uac00-\ud7af]", gap) else 24):
                return True
    return False


def control_kind(control: dict, lex: Lexicon) -> str:
    """What tapping a control would do, as far as safety and counting are concerned.

    `human_connect` and `callback` are channel entry points (tapping would start the
    contact, so they are never tapped); `human_request` is a gate (tapping asks a bot for
    a person: allowed and counted); `never` is destructive, submits or sends (inside a form
    or not); `click` is anything else.
    """
    label = normalise(control.get("label"))
    if lex.has("never_click", label):
        return "never"
    if label_width(label) <= ENTRY_LABEL_MAX and lex.has("callback", label):
        return "callback"  # "Have an agent call you" is a callback, not a chat
    if connects_to_person(label, lex):
        return "human_connect"
    if control.get("type") in ("submit", "image"):
        return "never"
    if control.get("tag") != "a" and len(label) <= ENTRY_LABEL_MAX and lex.has("submit", label):
        return "never"
    if control.get("nearText") and control.get("tag") == "button" and not recognised(label, lex):
        return "never"  # a button beside a message box that the lexicons cannot read may send it
    if lex.has("human_request", label):
        return "human_request"
    return "click"


RECOGNISED_KEYS = ("contact", "support", "account", "chat_launcher", "human_request", "dismiss", "login",
                   "unlikely", "search_field")


def recognised(label: str, lex: Lexicon) -> bool:
    """Whether the lexicons can read a label at all (an unknown word may be "send")."""
    return bool(label) and any(lex.has(k, label) for k in RECOGNISED_KEYS)


def relevance(text: str, lex: Lexicon, href: str = "") -> float:
    """How likely tapping a control with this label (and link target) leads to customer service."""
    text = normalise(text)
    score = 0.0
    if connects_to_person(text, lex) or lex.has("callback", text):
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


BOUNDARY_RE = re.compile(r"[.;!?。；！？|•·]\s|[。；！？|•·\n]|\d[\d\s\-().]{5,}\d")


def label_of(text: str, start: int, end: int) -> tuple[str, str]:
    """The words printed with a value in its block: (before, after), each stopping at a
    sentence end or at another number, so each number of "Sales: 1 / Service: 2" has its own."""
    before = text[max(0, start - 120):start]
    cuts = [m.end() for m in BOUNDARY_RE.finditer(before)]
    before = before[cuts[-1]:] if cuts else before
    after = text[end:end + 80]
    m = BOUNDARY_RE.search(after)
    after = after[:m.start()] if m else after
    return before[-80:], after


def page_context(view: PageView, arrived_by: str = "") -> str:
    """What the page is about: its title, first main heading and the label of the tap that led here."""
    h1 = next((b.get("text", "") for b in view.blocks[:200] if b.get("tag") == "h1"), "")
    return f"{view.title} | {h1[:200]} | {arrived_by[:200]}"


def verdict(lex: Lexicon, label: str, block: dict, prev_label: str, page: str, need_positive: bool,
            near: str = "") -> str:
    """Is a channel the app's own customer service? "official", "decoy" or "unknown".

    Nearest context first: the words printed with it, the label above it, its section heading,
    then what the page is about (a sales, partner or emergency page shows others' numbers)."""
    if lex.has("decoy_context", label):
        return "decoy"
    # a label naming customer service itself ("Customer service:", 客服热线) outweighs its section
    strong = lex.has("support", label)
    if prev_label and lex.has("decoy_context", prev_label) and not strong:
        return "decoy"
    heading = block.get("heading", "")
    if lex.has("decoy_context", heading) and not (strong or lex.has("support", heading)):
        return "decoy"
    if lex.has("decoy_context", page) and not (strong or lex.has("support", heading)):
        return "decoy"
    if lex.has("service_context", label):
        return "official"
    if not need_positive:
        return "official"
    if lex.has("service_context", near + " " + heading + " " + prev_label):
        return "official"
    return "unknown"


def _prev_label(blocks: list[dict], i: int) -> str:
    """The block just above, when it is a label (no number, no address of its own)."""
    if i > 0 and blocks[i - 1].get("frame", 0) == blocks[i].get("frame", 0):
        prev = blocks[i - 1].get("text", "")
        if "@" not in prev and len(re.sub(r"\D", "", prev)) < 6:
            return prev[-120:]
    return ""


def parse_phone(raw: str, region: str) -> str | None:
    """E.164 form of a phone number written for `region`, or None when it is not a valid number."""
    digits = re.sub(r"[^\d+]", "", raw)
    if len(digits.lstrip("+")) < 4:  # 4-digit hotlines exist (1175, 1242 in Thailand)
        return None
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(num):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    national = re.sub(r"\D", "", raw)
    if 4 <= len(national) <= 6 and shortnumberinfo.is_valid_short_number_for_region(
        phonenumbers.parse(national, region), region
    ):
        return national  # a short service number (95588, 10086): no E.164 form exists
    return None


def find_phones(text: str, region: str, lex: Lexicon | None = None) -> list[tuple[str, str]]:
    """(raw text, E.164) of every valid phone number written in `text`."""
    return [(raw, value) for raw, value, _, _ in find_phone_spans(text, region, lex)]


def find_phone_spans(text: str, region: str, lex: Lexicon | None = None) -> list[tuple[str, str, int, int]]:
    """(raw text, E.164, start, end) of every valid phone number written in `text`, digits
    of any script (full-width, Arabic-Indic...) read as ASCII.

    Short service numbers (95588, 10086) have no E.164 form and look like postcodes, so
    they count only right after a word such as hotline / 客服热线.
    """
    printed = text
    text = fold(text)
    found = []
    for m in PHONE_CANDIDATE_RE.finditer(text):
        raw = _trim_number(m.group(1))
        if re.match(r"[:.]\d{2}", text[m.end(1):m.end(1) + 3]):  # "1900 6035 (8:00": the last group is a clock
            raw = _trim_number(re.split(r"[\s(（\u3000]+(?=[^\s(（\u3000]*$)", raw)[0]) if re.search(r"[\s(（\u3000]", raw) else ""
            if not raw:
                continue
        value = parse_phone(raw, region)
        while not value and re.search(r"[\s(（\u3000]", raw):  # "1-800-555-0163 (24/7)": drop the tail
            raw = _trim_number(re.split(r"[\s(（\u3000]+(?=[^\s(（\u3000]*$)", raw)[0])
            value = parse_phone(raw, region)
        if not value:
            continue
        if not value.startswith("+") and not (lex and lex.has("service_context", text[max(0, m.start() - 24):m.start()])):
            continue
        start = m.start(1) + text[m.start(1):].find(raw)
        found.append((printed[start:start + len(raw)], value, start, start + len(raw)))
    return found


def _trim_number(raw: str) -> str:
    """A number candidate without the separators around it, as printed otherwise: the "(" of an
    area code "(844) 875-6446" stays (it is part of the number), an opening bracket left
    unclosed at either end goes ("call (1-800-555-0101", "1-800-555-0163 (")."""
    raw = raw.strip(" -.\u3000").rstrip("(（ -.\u3000")
    while raw[:1] in ("(", "（") and not re.search(r"[)）]", raw):
        raw = raw[1:].lstrip(" -.\u3000")
    return raw


def _tel_value(href: str, region: str) -> str | None:
    number = unquote(href.split(":", 1)[1]).split("?")[0].split(";")[0]
    return parse_phone(number, region)


@dataclass
class Candidate:
    """A number or address seen in a state, with the verdict on whose it is."""

    raw: str
    value: str
    verdict: str
    context: str
    hours: str | None = None


def phone_candidates(view: PageView, lex: Lexicon, region: str, arrived_by: str = "") -> list[Candidate]:
    """Every phone number visible in the state with its verdict (a decoy seen first never
    hides the real line, its hours or its place)."""
    if _is_ugc_page(view, lex):
        return []
    blocks = view.blocks
    page = page_context(view, arrived_by)
    out: list[Candidate] = []
    for i, block in enumerate(blocks):
        text = block.get("text", "")
        href = block.get("href") or ""
        is_tel = href.lower().startswith("tel:")
        found: list[tuple[str, str, int, int]] = []
        if is_tel:
            value = _tel_value(href, region)
            if value:
                found.append((normalise(text) or value, value, -1, -1))
        elif not block.get("inline"):
            found.extend(find_phone_spans(text, region, lex))
        for raw, value, start, end in found:
            idx, holder = i, text
            if block.get("inline"):  # judge a tel: link by the block that holds it
                idx = next((j for j in range(i + 1, min(len(blocks), i + 30))
                            if not blocks[j].get("inline") and raw in blocks[j].get("text", "")), i)
                holder = blocks[idx].get("text", "")
                start = holder.find(raw)
                end = start + len(raw) if start >= 0 else -1
            before, after = label_of(holder, start, end) if start >= 0 else (normalise(text), "")
            label = before + " " + (after if not lex.has("service_context", before) else "")
            near = " ".join(b.get("text", "")[:300] for b in _context_window(blocks, idx))
            # a tappable tel: link is a phone channel unless labelled otherwise (sales, fax...);
            # a number in plain text needs a customer-service label
            v = verdict(lex, label, blocks[idx], _prev_label(blocks, idx), page, need_positive=not is_tel, near=near)
            hours = _hours_near(blocks, idx, holder, end, lex)
            out.append(Candidate(raw, value, v, _context_text(blocks, idx), hours))
    return out


def _hours_near(blocks: list[dict], i: int, text: str, end: int, lex: Lexicon) -> str | None:
    """Opening hours printed with a number (as printed): after it in its block (up to the next
    number), else in the next block when that one has no number of its own, else before it."""
    folded = fold(text)  # same offsets; digits of every script seen as digits
    if end >= 0:
        nxt = PHONE_CANDIDATE_RE.search(folded, end)
        found = service_hours(text[end:nxt.start() if nxt else len(text)], lex) or service_hours(text[:end], lex)
    else:
        found = service_hours(text, lex)
    if found:
        return found
    for j in (i + 1, i + 2):
        if j < len(blocks) and blocks[j].get("frame", 0) == blocks[i].get("frame", 0):
            t = blocks[j].get("text", "")
            if PHONE_CANDIDATE_RE.search(fold(t)) or EMAIL_RE.search(t):
                break
            found = service_hours(t[:300], lex)
            if found:
                return found
    if i > 0 and not PHONE_CANDIDATE_RE.search(fold(blocks[i - 1].get("text", ""))):
        return service_hours(blocks[i - 1].get("text", "")[:300], lex)
    return None


def detect_phones(view: PageView, lex: Lexicon, region: str, arrived_by: str = "") -> list[tuple[str, str, str]]:
    """(evidence, E.164, context) of the customer-service numbers visible in the state."""
    out: dict[str, tuple[str, str, str]] = {}
    for c in phone_candidates(view, lex, region, arrived_by):
        if c.verdict == "official" and c.value not in out:
            out[c.value] = (c.raw, c.value, c.context)
    return list(out.values())


def detect_emails(view: PageView, lex: Lexicon, arrived_by: str = "") -> list[tuple[str, str]]:
    if _is_ugc_page(view, lex):
        return []
    page = page_context(view, arrived_by)
    out: dict[str, tuple[str, str]] = {}
    for i, block in enumerate(view.blocks):
        href = (block.get("href") or "")
        text = block.get("text", "")
        addresses = []
        if href.lower().startswith("mailto:"):
            addresses.append((unquote(href[7:].split("?")[0]), -1, -1))
        elif not block.get("inline"):
            addresses.extend((m.group(0), m.start(), m.end()) for m in EMAIL_RE.finditer(text))
        for addr, start, end in addresses:
            addr = addr.strip().lower()
            local = re.sub(r"[._+-]+", " ", addr.split("@")[0])
            if not addr or addr in out or lex.has("email_negative", local):
                continue
            before, after = label_of(text, start, end) if start >= 0 else (normalise(text), "")
            if verdict(lex, before + " " + after, block, _prev_label(view.blocks, i), page, need_positive=False) == "official":
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
def detect(view: PageView, lex: Lexicon, region: str, arrived_by: str = "") -> dict[str, Detection]:
    """Every channel visible in this state, keyed by channel name (the app's own customer
    service only: each candidate is judged by its label, section and page)."""
    found: dict[str, Detection] = {}
    official = [c for c in phone_candidates(view, lex, region, arrived_by) if c.verdict == "official"]
    if official:
        values = list(dict.fromkeys(c.value for c in official))
        best = next((c for c in official if c.hours), official[0])
        found["phone"] = Detection("phone", official[0].raw, official[0].value, best.hours, values)
    emails = detect_emails(view, lex, arrived_by)
    if emails:
        addr, ctx = emails[0]
        found["email"] = Detection("email", addr, addr, None, [e[0] for e in emails])
    page = page_context(view, arrived_by)
    for control in view.controls:
        if control.get("blocked"):
            continue
        kind = control_kind(control, lex)
        if kind not in ("human_connect", "callback"):
            continue
        name = "live_chat" if kind == "human_connect" else "callback"
        if name in found or leads_to_login(control, lex):
            continue  # a same-site link to a sign-in page is a login wall, not the channel
        label = normalise(control.get("label"))
        context = _control_context(view, control)
        if verdict(lex, label, {"heading": control.get("heading", "")}, "", page, need_positive=False) != "official":
            continue  # a sales callback ("book a demo", 预约顾问回电) is not customer service
        href = control.get("abs") or ""
        found[name] = Detection(name, label, None, service_hours(context, lex),
                                href=href if href.lower().startswith(("http:", "https:")) else None)
    for f in view.fields:
        if web_form_field(f, lex):
            evidence = normalise(f.get("label")) or normalise(f.get("formText"))[:80]
            found["web_form"] = Detection("web_form", evidence or "textarea")
            break
    for block in view.blocks:
        # an assistant's own words in an open panel (a transcript, a chat layer or frame), not
        # a page's prose about its assistant
        if block.get("control") or not (block.get("panel") or block.get("log") or block.get("frame", 0) > 0):
            continue
        m = lex.search("bot_identity", block.get("text", ""))
        if m:
            found["chatbot"] = Detection("chatbot", normalise(block.get("text", ""))[:200])
            break
    return found


def leads_to_login(control: dict, lex: Lexicon) -> bool:
    """A link whose target is a sign-in page (/login?next=/chat)."""
    href = control.get("abs") or ""
    if not href.lower().startswith(("http:", "https:")):
        return False
    return lex.has("login_url", urlsplit(href).path)


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
