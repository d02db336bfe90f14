"""Seeded generator of real-size static help centres for FixtureServer, with their ground truth.

Real help centres are large: a mega-menu, a product feed, a 60-link footer, language copies,
cookies, robots.txt rules, decoy phone lines, and the human 4-6 taps deep through help pages.
The small hand-made corpora cannot show how the search scales, so this module writes such
sites from a seed (``random.Random(seed)``: the same seed gives byte-identical files) and
computes the truth from its own link graph by breadth-first search, so the figures a benchmark
compares against are exact by construction, not measured by the crawler under test.

    site = generate(seed=11, footer_shortcut=False)
    site.write(root)            # root/<site.id>/... for FixtureServer(root)
    site.truth                  # one entry of a truth.yaml (see ../shared/bench/README.md)

``footer_shortcut=True`` adds the variant where the shortest route is an unlikely-looking
footer link (Accessibility -> Accessible services, phone at depth 2-3) while the route a
relevance ranking prefers (Help -> category -> topic -> article -> Contact us -> ...) is 4-6.
"""

from __future__ import annotations

import html
import json
import random
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.robotparser import RobotFileParser

import phonenumbers

#: Paths robots.txt disallows; every page links to the first two (language switcher, search box).
DISALLOWED = ("/es/", "/search", "/cart/", "/account/")
#: Language copies (of the home page, the help hub, categories and topics).
LANGS = ("es", "fr")
CHANNELS_HUMAN = ("phone", "live_chat", "callback")

_PREFIXES = ["Nor", "Vel", "Kest", "Brio", "Lum", "Tal", "Quor", "Mar", "Zen", "Ost", "Pell", "Corv", "Sab", "Tir",
             "Alder", "Fenn", "Gryn", "Hal", "Ivo", "Jun"]
_SUFFIXES = ["ora", "vane", "ly", "wick", "ford", "mont", "ix", "ara", "elle", "ton", "ova", "mere"]
_KINDS = ["Home", "Outfitters", "Electronics", "Market", "Living", "Sports", "Travel", "Kitchen", "Garden", "Style"]
_HELP_CATEGORIES = [
    "Orders", "Shipping & delivery", "Returns & refunds", "Payments", "Account & security", "Membership",
    "Gift cards", "Product support", "Technical issues", "Privacy & data", "Promotions", "Devices",
    "Subscriptions", "Billing", "Rewards", "Warranty", "Installation", "Store pickup",
]
_VERBS = ["Track", "Change", "Update", "Find", "Understand", "Manage", "Check", "Fix", "Reset", "Set up",
          "Activate", "Transfer", "Review", "Redeem", "Compare", "Renew", "Pause", "Move", "Edit", "Verify"]
_NOUNS = ["your delivery", "a missing item", "your address", "a damaged parcel", "payment methods", "your invoice",
          "a promo code", "your password", "two-step sign-in", "your plan", "a gift card balance", "the warranty",
          "a late order", "your receipt", "email preferences", "a price match", "your loyalty points",
          "an exchange", "pickup times", "a device pairing", "a firmware update", "a charge you don't recognise",
          "delivery options", "a refund status", "store credit", "order history", "a size exchange",
          "your saved cards", "a pre-order", "an installation slot"]
_PRODUCT_ADJ = ["Classic", "Compact", "Everyday", "Pro", "Lite", "Ultra", "Soft", "Travel", "Smart", "Eco", "Urban",
                "Trail", "Studio", "Mini", "Max"]
_PRODUCT_NOUN = ["Kettle", "Backpack", "Lamp", "Speaker", "Jacket", "Blender", "Chair", "Headphones", "Mug",
                 "Tent", "Watch", "Charger", "Pillow", "Rug", "Bottle", "Scarf", "Desk", "Toaster", "Camera", "Sneaker"]
_SHOP_CATEGORIES = ["Kitchen", "Audio", "Outdoor", "Lighting", "Furniture", "Clothing", "Bags", "Electronics",
                    "Bedding", "Fitness", "Accessories", "Toys", "Garden", "Office", "Beauty", "Pets"]
_SELLERS = ["Northwind Traders", "Blue Harbor Goods", "Maple & Co", "Tidewater Supply", "Copperline Retail"]
_CHAT_LABELS = ["Chat with an agent", "Chat with a support agent", "Talk to an advisor", "Message an advisor",
                "Chat with a live agent"]
_PHONE_LABELS = ["Customer service", "Customer care", "Customer support line", "Call customer service"]
_HOURS = ["Mon–Fri 8:00–20:00", "Mon–Sat 9:00–18:00", "Mon–Sun 7:00–22:00", "Mon–Fri 8:30–19:30"]
_CONTACT_LINKS = ["Contact us", "Get in touch", "Contact customer service"]
_STILL_HELP = ["Still need help?", "Need more help?", "Didn't find your answer?"]
_REASONS = ["An order I placed", "Payments and billing", "My account", "Returns and refunds", "Something else",
            "A delivery", "A product I own"]
_THEMES = [("#0b5", "#f4f7f5"), ("#c33", "#fff8f5"), ("#25a", "#f3f6fb"), ("#a5b", "#faf5fb"), ("#d80", "#fffaf0")]


@dataclass
class Page:
    """One page of the site: its links (the graph the truth is computed from) and the channels it shows."""

    path: str
    title: str
    body: list[str | tuple[str, str]] = field(default_factory=list)  # HTML fragments of <main>; (href, label) is a link
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, label) of <main>
    channels: dict[str, str] = field(default_factory=dict)  # channel -> evidence visible on this page
    lang: str = "en"
    has_copies: bool = False  # /es/ and /fr/ copies exist


@dataclass
class LargeSite:
    """A generated site: files to serve, its link graph and the ground truth."""

    id: str
    name: str
    seed: int
    footer_shortcut: bool
    files: dict[str, bytes]  # relative file path -> content
    graph: dict[str, list[tuple[str, str]]]  # page path -> every (href, label) on it, page chrome included
    channel_pages: dict[str, dict[str, str]]  # page path -> channels shown (channel -> evidence)
    decoy_numbers: list[str]  # E.164 of sales / merchant lines
    truth: dict
    start_links: int
    route_depths: dict[str, int]  # "help": depth of the human by the help route; "footer": by the footer

    def write(self, root: str | Path) -> Path:
        """Write the site under root/<id>/ (for FixtureServer(root)); returns that folder."""
        base = Path(root) / self.id
        for rel, data in self.files.items():
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return base


def _file_of(path: str) -> str:
    """The file that serves a URL path (folders end in / and are served by their index.html)."""
    rel = path.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def _toll_free(rng: random.Random, prefix: str, used: set[str]) -> tuple[str, str]:
    """(printed, E.164) of a valid-format US toll-free number, distinct from `used`."""
    while True:
        printed = f"1-{prefix}-{rng.randint(200, 989)}-{rng.randint(1000, 9999)}"
        num = phonenumbers.parse(printed, "US")
        e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(num) and e164 not in used:
            used.add(e164)
            return printed, e164


def is_disallowed(path: str) -> bool:
    """Whether robots.txt disallows this path (prefix rules, as RFC 9309 reads them)."""
    return any(path.startswith(rule) for rule in DISALLOWED)


def is_language_copy(path: str) -> bool:
    return any(path.startswith(f"/{lang}/") for lang in LANGS)


def _a(href: str, label: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(label)}</a>'


class _Builder:
    """Builds one site; split in steps so that each part of a real help centre is readable."""

    def __init__(self, seed: int, footer_shortcut: bool) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.footer_shortcut = footer_shortcut
        rng = self.rng
        prefix, suffix, kind = rng.choice(_PREFIXES), rng.choice(_SUFFIXES), rng.choice(_KINDS)
        self.brand = f"{prefix}{suffix}"
        self.name = f"{self.brand} {kind}"
        self.id = _slug(self.name)
        self.domain = f"{_slug(self.brand)}.example"
        self.cls = rng.choice(["hc", "site", "x", "app", "pg"]) + "-"
        self.theme = rng.choice(_THEMES)
        self.layout = rng.choice(["menu-first", "feed-first", "split"])
        self.pages: dict[str, Page] = {}
        self.used_numbers: set[str] = set()
        self.phone_printed, self.phone = _toll_free(rng, rng.choice(["800", "888", "877", "866"]), self.used_numbers)
        self.hours = rng.choice(_HOURS)
        self.chat_label = rng.choice(_CHAT_LABELS)
        self.phone_label = rng.choice(_PHONE_LABELS)
        self.email = f"{rng.choice(['help', 'support', 'care', 'service'])}@{self.domain}"
        self.help_depth = rng.choice([4, 5, 6])  # where the human is by the help route
        self.phone_deeper = rng.random() < 0.4  # the phone one tap further than the chat ("Prefer to call?")
        self.shortcut_depth = rng.choice([2, 3])
        self.decoys: list[str] = []
        self.mega: list[tuple[str, str]] = []
        self.footer: list[tuple[str, str]] = []
        self.header: list[tuple[str, str]] = []
        self._chrome_cache: dict[str, tuple[str, list[tuple[str, str]], str, list[tuple[str, str]]]] = {}

    # --- content ------------------------------------------------------------------------------

    def add(self, page: Page) -> Page:
        assert page.path not in self.pages, page.path
        self.pages[page.path] = page
        return page

    def help_centre(self) -> None:
        rng = self.rng
        cats = rng.sample(_HELP_CATEGORIES, rng.randint(10, 12))
        hub = self.add(Page("/help/", f"{self.brand} Help Centre", has_copies=True))
        hub.body.append(f"<p>{rng.choice(['Hi, how can we help?', 'What can we help you with?', 'Find answers fast.'])}</p>")
        self.articles: list[str] = []
        self.topics_in_menu: list[tuple[str, str]] = []
        for cat in cats:
            cpath = f"/help/{_slug(cat)}/"
            cpage = self.add(Page(cpath, cat, has_copies=True))
            hub.links.append((cpath, cat))
            self.mega.append((cpath, cat))
            topics: list[str] = []
            n_topics = rng.randint(6, 7)
            while len(topics) < n_topics:
                t = f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)}"
                if t not in topics:
                    topics.append(t)
            for i, topic in enumerate(topics):
                tpath = f"{cpath}{_slug(topic)}/"
                tpage = self.add(Page(tpath, topic, has_copies=True))
                cpage.links.append((tpath, topic))
                if i < 3:
                    self.topics_in_menu.append((tpath, topic))
                tpage.links.append((cpath, f"Back to {cat}"))
                for j in range(rng.randint(5, 6)):
                    title = rng.choice(["How to ", "Why can't I ", "Can I ", "What if I want to "]) + \
                        f"{rng.choice(_VERBS).lower()} {rng.choice(_NOUNS)}" + ("?" if j % 2 else "")
                    apath = f"{tpath}a{j + 1}.html"
                    apage = self.add(Page(apath, title))
                    tpage.links.append((apath, title))
                    apage.body.append(f"<p>{html.escape(title)}: follow the steps below. "
                                      f"{rng.choice(['It takes a minute.', 'Most changes apply at once.', 'You can do this in the app too.'])}</p>"
                                      "<ol><li>Open your account.</li><li>Choose the item.</li><li>Confirm.</li></ol>")
                    apage.links.append((tpath, f"More about {topic.lower()}"))
                    self.articles.append(apath)
        self.mega.extend(self.topics_in_menu)

    def contact_route(self) -> None:
        """Article "Still need help? Contact us" -> contact options -> ... -> the human at help_depth.

        Articles are 2 taps deep at best (mega-menu topic -> article), so the contact page is at 3
        and `help_depth - 3` more pages lead to the channels."""
        rng = self.rng
        contact_label = rng.choice(_CONTACT_LINKS)
        still = rng.choice(_STILL_HELP)
        for apath in self.articles:
            page = self.pages[apath]
            page.body += [f'<section class="{self.cls}still"><h2>{html.escape(still)}</h2>',
                          ("/help/contact/", contact_label), "</section>"]
        contact = self.add(Page("/help/contact/", rng.choice(["How can we help?", "Contact us"])))
        contact.body.append(f"<p>Tell us what it's about and we'll show you the fastest way to reach us. "
                            f"You can also email us at {self.email} (we reply within two working days).</p>")
        contact.channels["email"] = self.email
        reasons = rng.sample(_REASONS, 5)
        steps_after_reason = self.help_depth - 4  # 0, 1 or 2 more pages after the reason page
        for reason in reasons:
            rpath = f"/help/contact/{_slug(reason)}/"
            contact.links.append((rpath, reason))
            page = self.add(Page(rpath, reason))
            page.links.extend((a, self.pages[a].title) for a in rng.sample(self.articles, 3))
            chain = [page]
            for step in range(steps_after_reason):
                nxt_path = f"{rpath}step{step + 1}/"
                if step == steps_after_reason - 1:
                    label = rng.choice(["I still need help", "None of these helped", "Contact an agent"])
                    nxt = self.add(Page(nxt_path, "Talk to us"))
                else:
                    label = rng.choice(["Something else", "Other issue"])
                    nxt = self.add(Page(nxt_path, "Tell us a bit more"))
                    nxt.links.extend((a, self.pages[a].title) for a in rng.sample(self.articles, 2))
                chain[-1].links.append((nxt_path, label))
                chain.append(nxt)
            self.human_page(chain[-1])

    def human_page(self, page: Page) -> None:
        page.body.append(
            f'<section class="{self.cls}channels"><h2>Talk to us</h2>'
            f"<p>Our team is here {html.escape(self.hours)}.</p>"
            f'<p><button type="button" class="{self.cls}btn" data-contact-start="live_chat">'
            f"{html.escape(self.chat_label)}</button></p>")
        page.channels["live_chat"] = self.chat_label
        if self.phone_deeper:
            page.body.append(("/help/contact/phone/", "Prefer to call? See our phone numbers"))
            if "/help/contact/phone/" not in self.pages:
                self.phone_page(self.add(Page("/help/contact/phone/", "Phone numbers")))
        else:
            self.phone_block(page)
        page.body.append("</section>")

    def phone_block(self, page: Page, extra: str = "") -> None:
        page.body.append(
            f"<p>{html.escape(self.phone_label)}{extra}: "
            f'<a href="tel:{self.phone}" data-contact-start="call">{self.phone_printed}</a>, {html.escape(self.hours)}</p>')
        page.channels["phone"] = self.phone_printed

    def phone_page(self, page: Page) -> None:
        page.body.append("<p>Calls are free from US landlines and mobiles.</p>")
        self.phone_block(page)

    def shop(self) -> None:
        rng = self.rng
        cats = rng.sample(_SHOP_CATEGORIES, 12)
        shop = self.add(Page("/shop/", "Shop all"))
        n = 500
        names = []
        for i in range(n):
            names.append(f"{rng.choice(_PRODUCT_ADJ)} {rng.choice(_PRODUCT_NOUN)} {rng.choice('ABCDEFGHJK')}{i + 1}")
        paths = [f"/p/{_slug(nm)}.html" for nm in names]
        self.products = list(zip(paths, names, strict=True))
        for c, cat in enumerate(cats):
            cpath = f"/shop/{_slug(cat)}/"
            shop.links.append((cpath, cat))
            self.mega.append((cpath, cat))
            cpage = self.add(Page(cpath, cat))
            for p in range(c, n, len(cats)):
                cpage.links.append(self.products[p])
        seller_lines = {s: _toll_free(rng, "877", self.used_numbers) for s in _SELLERS}
        for i, (path, name) in enumerate(self.products):
            page = self.add(Page(path, name))
            page.body.append(f"<p>${rng.randint(9, 399)}.{rng.choice(['00', '49', '99'])} · "
                             f"{rng.choice(['Free delivery', 'In stock', 'Ships in 2 days', 'Low stock'])}</p>"
                             f'<p><button type="button" class="{self.cls}btn">Add to bag</button></p>')
            if i % 6 == 3:  # a marketplace item: the seller's own line is not customer service
                seller = _SELLERS[i % len(_SELLERS)]
                printed, e164 = seller_lines[seller]
                page.body.append(f"<p>Sold and shipped by {seller}. Seller phone (merchant line): {printed}</p>")
                if e164 not in self.decoys:
                    self.decoys.append(e164)
            page.links.append((f"/shop/{_slug(cats[i % len(cats)])}/", f"More in {cats[i % len(cats)]}"))
            for j in rng.sample(range(n), 6):
                if j != i:
                    page.links.append(self.products[j])
            page.links.append(("/help/", "Questions? Visit the Help Centre"))

    def info_pages(self) -> None:
        """Footer targets: company, business (the decoys), legal, accessibility (the shortcut variant)."""
        rng = self.rng
        sales_printed, sales = _toll_free(rng, "888", self.used_numbers)
        partner_printed, partner = _toll_free(rng, "877", self.used_numbers)
        self.decoys += [sales, partner]
        sales_page = self.add(Page("/business/sales/", "Contact sales"))
        sales_page.body.append(
            f"<p>Buying for a team or a business? Our sales team can help with volume pricing.</p>"
            f"<p>Sales enquiries: {sales_printed} (Mon–Fri 9:00–17:00)</p>"
            f'<p><button type="button" class="{self.cls}btn" data-contact-start="sales_chat">'
            f"Chat with a sales advisor</button></p>")
        partners = self.add(Page("/partners/", "Sell with us"))
        partners.body.append(f"<p>Reach millions of {self.brand} shoppers.</p>"
                             f"<p>Merchant and partner line: {partner_printed}</p>")
        access = self.add(Page("/accessibility/", "Accessibility"))
        access.body.append(f"<p>{self.brand} wants everyone to be able to use our website and apps. "
                           "We test with screen readers and follow WCAG 2.2 AA.</p>")
        if self.footer_shortcut:
            services = self.add(Page("/accessibility/services/", "Accessible services"))
            access.links.append(("/accessibility/services/", "Accessible services"))
            services.body.append("<p>Large print, audio and braille documents, and relay calls.</p>")
            if self.shortcut_depth == 2:
                self.phone_block(services, " (TTY and relay calls welcome)")
            else:
                relay = self.add(Page("/accessibility/services/relay/", "Relay and text phone"))
                services.links.append(("/accessibility/services/relay/", "Relay and text phone"))
                relay.body.append("<p>Use your relay service of choice to reach our team.</p>")
                self.phone_block(relay, " (TTY and relay calls welcome)")
        else:
            access.body.append("<p>Tell us about a barrier you found: we read every report.</p>")
        blog = self.add(Page("/blog/", f"The {self.brand} blog"))
        posts = []
        for i in range(90):
            title = f"{rng.choice(['Ten ways to', 'How we', 'Why you should', 'A guide to'])} " \
                    f"{rng.choice(_VERBS).lower()} {rng.choice(_NOUNS)}"
            posts.append((f"/blog/post-{i + 1}.html", title))
        for i, (path, title) in enumerate(posts):
            blog.links.append((path, title))
            page = self.add(Page(path, title))
            page.body.append("<p>" + " ".join(rng.choice(_NOUNS) for _ in range(20)) + ".</p>")
            for j in (i - 1, i + 1, rng.randrange(len(posts))):
                if 0 <= j < len(posts) and j != i:
                    page.links.append(posts[j])
        plain = ["About us", "Careers", "Press", "Investors", "Sustainability", "Leadership", "Our story", "Awards",
                 "Affiliate programme", "Advertise with us", "Corporate gifts", "Bulk orders", "Suppliers",
                 "Developers", "Brand assets", "Privacy notice", "Terms of use", "Cookie policy",
                 "Modern slavery statement", "Product recalls", "Security", "Sitemap", "Licences", "Imprint",
                 "Size guide", "Store locator", "Delivery charges", "Price promise", "Student discount", "Reviews"]
        self.plain = []
        for label in plain:
            path = f"/info/{_slug(label)}/"
            page = self.add(Page(path, label))
            page.body.append(f"<p>{html.escape(label)} at {self.brand}. " +
                             " ".join(rng.choice(_NOUNS) for _ in range(12)) + ".</p>")
            self.plain.append((path, label))

    def chrome(self) -> None:
        """Header, mega-menu and the 60-link footer shared by every page."""
        rng = self.rng
        self.header = [("/", self.brand), ("/help/", "Help"), ("/search/", "Search"), ("/account/", "Sign in"),
                       ("/cart/", "Bag"), ("/shop/", "Shop all"), ("/blog/", "Blog")]
        cats = [p for p in self.mega if p[0].startswith("/help/") and p[0].count("/") == 3]
        shop_cats = [p for p in self.mega if p[0].startswith("/shop/")]
        help_col = [("/help/", "Help Centre"), ("/help/", rng.choice(["Contact us", "Customer service"])),
                    *cats[:5], ("/accessibility/", "Accessibility"), ("/info/size-guide/", "Size guide"),
                    ("/info/store-locator/", "Store locator")]
        plain = dict((label, path) for path, label in self.plain)
        company = [(plain[k], k) for k in ["About us", "Careers", "Press", "Investors", "Sustainability",
                                           "Leadership", "Our story", "Awards", "Reviews"]] + [("/blog/", "Blog")]
        business = [("/business/sales/", "Contact sales"), ("/partners/", "Sell with us")] + \
            [(plain[k], k) for k in ["Affiliate programme", "Advertise with us", "Corporate gifts", "Bulk orders",
                                     "Suppliers", "Developers", "Brand assets", "Student discount"]]
        legal = [(plain[k], k) for k in ["Privacy notice", "Terms of use", "Cookie policy", "Modern slavery statement",
                                         "Product recalls", "Security", "Sitemap", "Licences", "Imprint",
                                         "Price promise"]]
        shop_col = shop_cats[:10]
        social = [(f"https://www.{net}.com/{_slug(self.brand)}", net.capitalize()) for net in
                  ["facebook", "instagram", "youtube", "tiktok", "pinterest", "linkedin", "x", "threads"]] + \
            [(f"https://apps.apple.com/app/{_slug(self.brand)}", "App Store"),
             (f"https://play.google.com/store/apps/details?id=com.{_slug(self.brand)}", "Google Play")]
        columns = [("Help", help_col), ("Company", company), ("Business", business), ("Legal", legal),
                   ("Shop", shop_col), ("Follow us", social)]
        rng.shuffle(columns)
        self.footer_columns = columns
        self.footer = [link for _, col in columns for link in col]
        assert len(self.footer) == 60, len(self.footer)

    def home(self) -> None:
        home = self.add(Page("/", f"{self.name}", has_copies=True))
        home.body.append(f"<p>{self.rng.choice(['New season, new favourites.', 'Everything for your home.', 'Free delivery over $50.'])}</p>")
        feed = self.rng.sample(self.products, self.rng.randint(20, 28))
        home.links.extend(feed)

    # --- rendering ----------------------------------------------------------------------------

    def translate(self, path: str, lang: str) -> str:
        """A link target on a /<lang>/ copy: that language's copy when one exists, else the page itself."""
        page = self.pages.get(path)
        return f"/{lang}{path}" if page is not None and page.has_copies else path

    def chrome_html(self, lang: str) -> tuple[str, list[tuple[str, str]], str, list[tuple[str, str]]]:
        """Mega-menu and footer of one language (the same on every page: rendered once)."""
        if lang in self._chrome_cache:
            return self._chrome_cache[lang]
        c = self.cls
        words = {"en": ("Help topics", "Shop"), "es": ("Temas de ayuda", "Tienda"),
                 "fr": ("Rubriques d'aide", "Boutique")}[lang]
        prefix = {"en": "", "es": "ES · ", "fr": "FR · "}[lang]
        links: list[tuple[str, str]] = []

        def a(href: str, label: str) -> str:
            target = href if lang == "en" else self.translate(href, lang)
            links.append((target, label))
            return _a(target, label)

        cats = [p for p in self.mega if p[0].count("/") == 3 and p[0].startswith("/help/")]
        mega = [f'<nav class="{c}mega" aria-label="{words[0]}"><h2>{words[0]}</h2>']
        for cpath, cat in cats:
            subs = [t for t in self.topics_in_menu if t[0].startswith(cpath)]
            mega.append(f"<div><h3>{a(cpath, prefix + cat)}</h3><ul>" +
                        "".join(f"<li>{a(t, prefix + label)}</li>" for t, label in subs) + "</ul></div>")
        mega.append(f"<h2>{words[1]}</h2><ul>" + "".join(
            f"<li>{a(p, label)}</li>" for p, label in self.mega if p.startswith("/shop/")) + "</ul></nav>")
        mega_links, links = links, []
        foot = [f'<footer class="{c}foot">']
        for title, col in self.footer_columns:
            foot.append(f"<div><h3>{title}</h3><ul>" + "".join(
                f"<li>{a(h, label)}</li>" for h, label in col) + "</ul></div>")
        foot.append(f"<p>© 2025 {html.escape(self.name)}</p></footer>")
        self._chrome_cache[lang] = ("\n".join(mega), mega_links, "\n".join(foot), links)
        return self._chrome_cache[lang]

    def render(self, page: Page, lang: str = "en") -> tuple[str, list[tuple[str, str]]]:
        """The HTML of a page (or of its language copy) and every link on it."""
        c = self.cls
        words = {"en": ("Help topics", "Shop", "Popular right now", "Language"),
                 "es": ("Temas de ayuda", "Tienda", "Lo más popular", "Idioma"),
                 "fr": ("Rubriques d'aide", "Boutique", "Tendances", "Langue")}[lang]
        prefix = {"en": "", "es": "ES · ", "fr": "FR · "}[lang]

        def tr(href: str) -> str:
            return href if lang == "en" else self.translate(href, lang)

        links: list[tuple[str, str]] = []

        def a(href: str, label: str, raw: bool = False) -> str:
            target = href if raw else tr(href)
            links.append((target, label))
            return _a(target, label)

        here = page.path
        alt = {"en": here, "es": f"/es{here}", "fr": f"/fr{here}"} if page.has_copies else \
            {"en": here, "es": "/es/", "fr": "/fr/"}
        head = [f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{html.escape(prefix + page.title)} | {html.escape(self.brand)}</title>"]
        if page.has_copies:
            for hl, href in alt.items():
                head.append(f'<link rel="alternate" hreflang="{hl}" href="{href}">')
            head.append(f'<link rel="alternate" hreflang="x-default" href="{here}">')
        fg, bg = self.theme
        head.append(f"<style>body{{font-family:sans-serif;margin:0;background:{bg}}}"
                    f".{c}top,.{c}foot{{padding:8px}}.{c}top a{{margin-right:8px}}"
                    f".{c}mega ul,.{c}foot ul{{list-style:none;padding:0;margin:0}}"
                    f".{c}mega li,.{c}foot li{{display:inline-block;margin:2px 6px}}"
                    f"main{{padding:8px 12px}}a{{color:{fg}}}.{c}btn{{background:{fg};color:#fff;border:0;"
                    f"padding:10px 14px;border-radius:6px}}.{c}cookies{{background:#222;color:#eee;padding:8px}}"
                    "</style>")
        head.append('<script src="/__probe.js"></script></head><body>')
        cookie_name = f"{_slug(self.brand)}_consent"
        banner = (f'<div id="{c}cookies" class="{c}cookies"><p>We use cookies to make {html.escape(self.brand)} '
                  'work and to understand how it is used.</p>'
                  f'<button type="button" id="{c}ok">Accept all</button> '
                  f'<button type="button" id="{c}no">Essential only</button></div>'
                  "<script>(function(){"
                  "document.cookie='region=us; Path=/; Max-Age=2592000; SameSite=Lax';"
                  f"var b=document.getElementById('{c}cookies');"
                  f"if(document.cookie.indexOf('{cookie_name}=')>=0){{b.remove();return;}}"
                  f"function set(v){{document.cookie='{cookie_name}='+v+'; Path=/; Max-Age=15552000; SameSite=Lax';b.remove();}}"
                  f"document.getElementById('{c}ok').addEventListener('click',function(){{set('all')}});"
                  f"document.getElementById('{c}no').addEventListener('click',function(){{set('essential')}});"
                  "})();</script>")
        top = [f'<header class="{c}top">'] + [a(h, label) for h, label in self.header]
        top.append(f'<span class="{c}lang" aria-label="{words[3]}">' + " ".join(
            f"<strong>{name}</strong>" if hl == lang else a(alt[hl], name, raw=True)
            for hl, name in (("en", "English"), ("es", "Español"), ("fr", "Français"))) + "</span></header>")
        mega_html, mega_links, foot_html, foot_links = self.chrome_html(lang)
        mega = [mega_html]
        links += mega_links
        main = [f"<main><h1>{html.escape(prefix + page.title)}</h1>"]
        main += [f"<p>{a(*part)}</p>" if isinstance(part, tuple) else part for part in page.body]
        if page.path == "/":
            main.append(f"<h2>{words[2]}</h2>")
        main.append('<ul class="' + c + 'links">' + "".join(
            f"<li>{a(h, label)}</li>" for h, label in page.links) + "</ul></main>")
        foot = [foot_html]
        links += foot_links
        if page.path == "/" and self.layout == "feed-first":
            parts = [*head, banner, *top, *main, *mega, *foot]
        elif self.layout == "split":
            parts = [*head, *top, banner, *mega, *main, *foot]
        else:
            parts = [*head, banner, *top, *mega, *main, *foot]
        return "\n".join(parts) + "\n</body></html>\n", links

    def build(self) -> LargeSite:
        self.help_centre()
        self.contact_route()
        self.shop()
        self.info_pages()
        self.home()
        self.chrome()
        files: dict[str, bytes] = {}
        graph: dict[str, list[tuple[str, str]]] = {}
        channel_pages: dict[str, dict[str, str]] = {}
        for page in self.pages.values():
            text, links = self.render(page)
            files[_file_of(page.path)] = text.encode()
            graph[page.path] = links
            if page.channels:
                channel_pages[page.path] = dict(page.channels)
            if page.has_copies:
                for lang in LANGS:
                    text, links = self.render(page, lang)
                    files[_file_of(f"/{lang}{page.path}")] = text.encode()
                    graph[f"/{lang}{page.path}"] = links
        for path in ("/search/", "/cart/", "/account/"):  # disallowed, but there (as on real sites)
            files[_file_of(path)] = (f"<!doctype html><html><head><title>{path.strip('/')}</title>"
                                     '<script src="/__probe.js"></script></head><body><form>'
                                     '<input name="q"></form></body></html>\n').encode()
        files["robots.txt"] = ("User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOWED) +
                               "\nUser-agent: GPTBot\nDisallow: /\n").encode()
        sid = "".join(self.rng.choice("0123456789abcdef") for _ in range(24))
        site_json = {"headers": {
            "/": {"Set-Cookie": f"{_slug(self.brand)}_sid={sid}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"},
            "/help/": {"Set-Cookie": f"hc_session={sid[:12]}; Path=/help/; "
                                     "Expires=Fri, 01 Jan 2038 00:00:00 GMT; HttpOnly; SameSite=Strict"},
        }}
        files["site.json"] = (json.dumps(site_json, indent=2, sort_keys=True) + "\n").encode()
        truth, depths = self.truth(graph, channel_pages)
        return LargeSite(self.id, self.name, self.seed, self.footer_shortcut, dict(sorted(files.items())), graph,
                         channel_pages, sorted(self.decoys), truth, len(graph["/"]), depths)

    # --- truth --------------------------------------------------------------------------------

    def truth(self, graph: dict[str, list[tuple[str, str]]],
              channel_pages: dict[str, dict[str, str]]) -> tuple[dict, dict[str, int]]:
        depth, parent = bfs(graph)
        channels: dict[str, dict] = {}
        where: dict[str, str] = {}
        for path, shown in channel_pages.items():
            if path not in depth:
                continue
            for ch, evidence in shown.items():
                if ch not in channels or depth[path] < channels[ch]["clicks"]:
                    channels[ch] = {"clicks": depth[path], "evidence": evidence}
                    where[ch] = path
        channels["phone"]["number"] = self.phone
        human = {ch: v["clicks"] for ch, v in channels.items() if ch in CHANNELS_HUMAN}
        best = min(human.values())
        human_channel = sorted(ch for ch, k in human.items() if k == best)
        route: list[str] = []
        node = where[human_channel[0]]
        while parent.get(node):
            prev, label = parent[node]
            route.append(label)
            node = prev
        patterns = ["large-site", "mega-menu", "product-feed", "footer-60", "language-copies", "robots-disallow",
                    "set-cookie", "script-cookie", "contact-sales-decoy", "merchant-phone-decoy", "service-hours"]
        if self.footer_shortcut:
            patterns.append("footer-shortcut")
        truth = {
            "patterns": patterns,
            "status": "found",
            "clicks_to_human": best,
            "human_channel": human_channel,
            "channels": {ch: channels[ch] for ch in sorted(channels)},
            "phone_numbers": [self.phone],
            "service_hours": self.hours,
            "path_to_human": route[::-1],
        }
        help_route = min(depth[p] for p, shown in channel_pages.items()
                         if not p.startswith("/accessibility/") and set(shown) & set(CHANNELS_HUMAN))
        depths = {"help": help_route}
        footer = [depth[p] for p in channel_pages if p.startswith("/accessibility/")]
        if footer:
            depths["footer"] = min(footer)
        return truth, depths


def bfs(graph: dict[str, list[tuple[str, str]]], start: str = "/",
        follow_copies: bool = False) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
    """Fewest link taps from `start` to every page; robots-disallowed pages, other hosts and (unless
    `follow_copies`) language copies are not followed. Returns depths and (parent, link label)."""
    depth = {start: 0}
    parent: dict[str, tuple[str, str]] = {}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for href, label in graph.get(node, []):
            if not href.startswith("/") or href in depth or is_disallowed(href):
                continue
            if is_language_copy(href) and not follow_copies:
                continue
            if href not in graph:
                continue
            depth[href] = depth[node] + 1
            parent[href] = (node, label)
            todo.append(href)
    return depth, parent


def generate(seed: int, footer_shortcut: bool = False) -> LargeSite:
    """One site from a seed: the same seed and flag give byte-identical files and the same truth."""
    site = _Builder(seed, footer_shortcut).build()
    robots = RobotFileParser()
    robots.parse(site.files["robots.txt"].decode().splitlines())
    assert not robots.can_fetch("reachability", "http://x/es/"), "robots.txt must disallow /es/"
    return site
