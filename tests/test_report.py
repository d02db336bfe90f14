"""`reachability report`: the static offline HTML report, its escaping, and it in a real browser."""

from __future__ import annotations

import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.dataset import DatasetWriter, screenshot_dir
from crawler.records import AppResult, ChannelHit, Step
from crawler.report import SORT_JS, build_report, csp, script_hash

RUN = "r1"
XSS_LABEL = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


def tiny_png(rgb: tuple[int, int, int] = (200, 30, 30), size: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def shot(root: Path, run: str, app: str, name: str) -> str:
    rel = f"{screenshot_dir(run, app)}/{name}"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(tiny_png())
    return rel


def make_results(root: Path, run: str = RUN, t: float = 1_795_000_000.0) -> list[AppResult]:
    s1, s2 = shot(root, run, "evil", "phone-step1.png"), shot(root, run, "evil", "phone-step2.png")
    final = shot(root, run, "evil", "phone-final.png")
    evil_steps = [
        Step(label=XSS_LABEL, role="link", selector="a[href='/x']", url_before="javascript:alert(1)",
             url_after="https://m.evil.example/help", screenshot=s1),
        Step(label=XSS_ATTR, role="button", selector="button.x", url_before="https://m.evil.example/help",
             url_after='https://m.evil.example/c?q="><script>alert(1)</script>', screenshot=s2),
    ]
    evil = AppResult(
        app_id="evil", app_name=XSS_LABEL, category=XSS_ATTR, region="US", device="mobile",
        start_url="javascript:alert(1)", status="found", crawled_at=t, human_reachable=True,
        clicks_to_human=2, human_channel="phone", clicks_to_contact=1,
        path_to_human=[XSS_LABEL, XSS_ATTR], phone_numbers=["+15551234567", XSS_LABEL],
        service_hours="<i>9-5</i>", bot_before_human=False, states_explored=9, clicks_performed=20,
        page_loads=5, duration_s=3.2, final_url="https://m.evil.example/c",
        offsite_links=["https://weibo.example/evil", "data:text/html,<script>alert(1)</script>"],
        channels=[
            ChannelHit(channel="chatbot", clicks=1, path=evil_steps[:1], url="https://m.evil.example/help",
                       evidence_text="bot", screenshot="../../../../etc/passwd"),
            ChannelHit(channel="phone", clicks=2, path=evil_steps, url="https://m.evil.example/c",
                       evidence_text="<b onmouseover=alert(1)>Call us</b> 555-123-4567", value="+15551234567",
                       screenshot=final, service_hours="<i>9-5</i>"),
        ],
    )
    calm_final = shot(root, run, "calm", "live_chat-final.png")
    calm = AppResult(
        app_id="calm", app_name="Calm Bank", category="bank", region="US", device="mobile",
        start_url="https://m.calm.example/", status="found", crawled_at=t + 1, human_reachable=True,
        clicks_to_human=1, human_channel="live_chat", clicks_to_contact=1, path_to_human=["Help"],
        bot_before_human=True, final_url="https://m.calm.example/help",
        channels=[ChannelHit(channel="live_chat", clicks=1, url="https://m.calm.example/help",
                             evidence_text="Talk to an agent", screenshot=calm_final,
                             path=[Step(label="Help", role="link", selector="a", url_before="https://m.calm.example/",
                                        url_after="https://m.calm.example/help",
                                        screenshot=shot(root, run, "calm", "live_chat-step1.png"))])],
    )
    none = AppResult(app_id="none", app_name="Nobody Air", category="airline", region="US", device="mobile",
                     start_url="https://m.none.example/", status="not_found", crawled_at=t + 2,
                     budget_exhausted=True, stop_reason="max_states",
                     load_errors=["https://m.none.example/contact?<script>alert(2)</script>: HTTP 503"])
    broken = AppResult(app_id="broken", app_name="Broken Shop", category="bank", region="US", device="mobile",
                       start_url="https://m.broken.example/", status="error", crawled_at=t + 3,
                       error=f"TimeoutError: {XSS_LABEL}")
    return [evil, calm, none, broken]


@pytest.fixture
def dataset(tmp_path) -> Path:
    root = tmp_path / "data"
    with DatasetWriter(root, RUN) as writer:
        writer.write(make_results(root))
    return root


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(path: Path) -> Tags:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_report_files_and_copied_screenshots(dataset, tmp_path):
    out = tmp_path / "report"
    res = build_report(dataset, out, "latest")
    assert res.run_id == RUN and res.apps == 4
    assert (out / "index.html").is_file()
    for app in ("evil", "calm", "none", "broken"):
        assert (out / "apps" / f"{app}.html").is_file()
    copied = sorted(p.relative_to(out).as_posix() for p in (out / "screenshots").rglob("*.png"))
    assert copied == ["screenshots/calm/live_chat-final.png", "screenshots/calm/live_chat-step1.png",
                      "screenshots/evil/phone-final.png", "screenshots/evil/phone-step1.png",
                      "screenshots/evil/phone-step2.png"]
    assert (out / copied[0]).read_bytes() == tiny_png()
    assert res.missing_screenshots == 1  # the ../../etc/passwd path is refused, not copied
    assert not list(out.rglob("passwd"))
    # every image the pages reference exists inside the report folder
    for page in [out / "index.html", *(out / "apps").glob("*.html")]:
        for tag, attrs in parse(page).tags:
            if tag == "img":
                target = (page.parent / attrs["src"]).resolve()
                assert target.is_file() and target.is_relative_to(out.resolve())
    evil = (out / "apps" / "evil.html").read_text(encoding="utf-8")
    assert evil.count('src="../screenshots/evil/phone-step1.png"') == 2  # phone and chatbot trails, one copy
    assert "screenshot missing" in evil  # the refused chatbot screenshot
    # pre-sorted by clicks: calm (1), evil (2), then the apps without a human channel
    index = (out / "index.html").read_text(encoding="utf-8")
    order = re.findall(r'href="apps/([a-z]+)\.html"', index)
    assert order == ["calm", "evil", "broken", "none"]
    assert "<svg" in index and 'class="bar"' in index
    none = (out / "apps" / "none.html").read_text(encoding="utf-8")
    assert "stopped: state limit (max_states)" in none and "lower bound" in none
    assert "Pages that failed to load" in none and "contact?&lt;script&gt;alert(2)&lt;/script&gt;: HTTP 503" in none
    assert "Pages that failed to load" not in evil and "stopped:" not in evil


def test_hostile_text_is_escaped_and_csp_strict(dataset, tmp_path):
    out = tmp_path / "report"
    build_report(dataset, out)
    pages = [out / "index.html", *(out / "apps").glob("*.html")]
    assert len(pages) == 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        assert "<img src=x" not in text and "<b onmouseover" not in text and "<i>9-5" not in text
        tags = parse(page)
        metas = [a for t, a in tags.tags if t == "meta" and (a.get("http-equiv") or "").lower()
                 == "content-security-policy"]
        assert len(metas) == 1
        policy = metas[0]["content"]
        assert "default-src 'none'" in policy and "img-src 'self' data:" in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        for tag, attrs in tags.tags:
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)  # no event handlers
            if tag == "img":
                assert attrs["src"] != "x"
            for name in ("src", "href"):
                value = (attrs.get(name) or "").strip().lower()
                if tag in ("link", "script", "img", "iframe", "source", "object", "embed"):
                    assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
        # the only script is the sort script, allowed by its hash
        if page.name == "index.html":
            assert tags.scripts == [SORT_JS]
            assert f"'{script_hash(SORT_JS)}'" in policy and policy == csp(SORT_JS)
        else:
            assert tags.scripts == [] and "script-src 'none'" in policy
    evil = (out / "apps" / "evil.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in evil
    assert 'href="javascript:' not in evil
    assert "javascript:alert(1)</span>" in evil  # shown as text
    assert 'href="https://m.evil.example/help"' in evil and 'rel="noopener noreferrer nofollow"' in evil
    assert "data:text/html,&lt;script&gt;" in evil and 'href="data:' not in evil


def test_cli_report_and_latest_run(dataset, tmp_path, capsys):
    with DatasetWriter(dataset, "a-older") as writer:  # sorts first by id but crawled later
        writer.write(make_results(dataset, "a-older", t=1_796_000_000.0)[:2])
    out = tmp_path / "rep"
    assert main(["report", "--output", str(dataset), "--out", str(out)]) == 0
    assert "run a-older" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "apps").iterdir()) == ["calm.html", "evil.html"]
    # a new report replaces the old one in the same folder
    assert main(["report", "--output", str(dataset), "--run", RUN, "--out", str(out)]) == 0
    assert len(list((out / "apps").iterdir())) == 4
    assert "Run r1" in (out / "index.html").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rep")]  # no temp folders left


@pytest.mark.parametrize("case", ["missing", "empty", "unknown-run", "bad-run", "out-is-file", "out-foreign"])
def test_cli_errors_exit_2_one_line(dataset, tmp_path, capsys, case):
    root, out, run = dataset, tmp_path / "rep", "latest"
    if case == "missing":
        root = tmp_path / "nope"
    elif case == "empty":
        root = tmp_path / "empty"
        (root / "reachability").mkdir(parents=True)
    elif case == "unknown-run":
        run = "r2"
    elif case == "bad-run":
        run = "../etc"
    elif case == "out-is-file":
        out.write_text("x")
    elif case == "out-foreign":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    assert main(["report", "--output", str(root), "--run", run, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    if case == "out-foreign":
        assert (out / "notes.txt").read_text() == "mine"
    if case in ("missing", "empty"):
        assert str(root) in err


@pytest.mark.browser
def test_report_in_browser(dataset, tmp_path):
    from playwright.sync_api import sync_playwright

    from crawler.browser import launch_options

    out = tmp_path / "report"
    build_report(dataset, out)
    problems: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                    else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.url}"))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: problems.append(f"request: {r.url}")
                    if not r.url.startswith("file://") else None)

            page.goto((out / "index.html").as_uri())
            page.wait_for_load_state("load")

            def app_order() -> list[str]:
                return page.eval_on_selector_all("#apps tbody tr td:first-child .id", "els => els.map(e => e.textContent)")

            assert app_order() == ["calm", "evil", "broken", "none"]
            first_row = page.inner_text("#apps tbody tr:first-child")
            assert "Calm Bank" in first_row and "live chat" in first_row
            assert XSS_LABEL in page.inner_text("#apps")  # shown as text
            assert page.locator("table#apps.js-sort").count() == 1  # the script ran under the CSP

            page.click("#apps th:has-text('clicks to a human')")  # was ascending → descending
            assert app_order() == ["evil", "calm", "broken", "none"]
            page.click("#apps th:has-text('app')")
            assert app_order() == ["evil", "broken", "calm", "none"]  # by display name; "<script…" first
            page.click("#apps th:has-text('app')")
            assert app_order() == ["none", "calm", "broken", "evil"]

            assert page.locator("svg.clicks-chart").count() == 1
            bars = page.locator("svg.clicks-chart rect.bar")
            assert bars.count() >= 4
            assert page.locator("svg.clicks-chart rect.bar[data-clicks='not found']").count() == 2
            box = bars.first.bounding_box()
            assert box and box["height"] > 10 and box["width"] > 5
            index_png = tmp_path / "index.png"
            page.screenshot(path=str(index_png), full_page=True)
            assert index_png.stat().st_size > 1000

            page.click("a[href='apps/evil.html']")
            page.wait_for_load_state("load")
            assert page.url.endswith("/apps/evil.html")
            assert page.locator("h1").inner_text() == XSS_LABEL
            trail = page.locator(".section ol.trail li.step")
            assert trail.count() == 2
            assert XSS_ATTR in trail.nth(1).inner_text()
            loaded = page.evaluate(  # lazy images: load them all, then check they decoded
                "Promise.all(Array.from(document.querySelectorAll('img.shot')).map(i => {"
                " i.loading = 'eager'; return i.decode().then(() => i.naturalWidth > 0, () => false); }))")
            assert loaded and all(loaded)  # screenshots load from the copied files under file://
            other = page.locator("details.other").first
            assert other.get_attribute("open") is None
            other.locator("summary").click()
            assert other.get_attribute("open") is not None
            app_png = tmp_path / "app.png"
            page.screenshot(path=str(app_png), full_page=True)
            assert app_png.stat().st_size > 1000
        finally:
            browser.close()
    assert dialogs == []
    assert problems == []
