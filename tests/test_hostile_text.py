"""Hostile page text, end to end: crawl → Parquet → CSV/XLSX export → HTML report in Chromium.

The fixture site `t-hostile` (tests/sites/t-hostile) reaches its phone number (1-800-555-0141)
through ONE link whose label is as hostile as page text gets: a leading spreadsheet formula,
HTML that must display literally, a right-to-left override, emoji with ZWJ sequences, flags
and astral characters, Arabic, C0/C1 control characters and DEL, every kind of Unicode
whitespace, and a 4,800-character tail without a break opportunity. So the label lands in
`path_to_human`, the `steps` table, the export's path cell and the report's click trail.

What each stage is expected to do with it (the documented behaviour, asserted exactly):

* the browser (HTML parser): `&#x85;` is remapped to U+2026 and `&#0;` to U+FFFD (HTML spec);
  a literal U+0085 byte sequence stays U+0085; other numeric references are kept as is;
* the crawler (crawler/js/agent.js `norm` + `.slice(0, 300)`): runs of JavaScript whitespace
  (`\\s`, which includes U+2028/2029, U+FEFF and NBSP, plus U+200B) become one space, the label
  is trimmed and cut to 300 UTF-16 code units; everything else — controls, U+0085, bidi
  overrides, ZWJ, emoji, HTML text — is kept byte for byte into Parquet;
* export (crawler/export.py): CSV in UTF-8 with BOM; a text cell starting with = + - @ tab or
  CR gets a leading `'`; nothing else is changed;
* report (crawler/report.py `esc`): HTML-escaped, C0 controls and DEL dropped, the rest kept.

`cut.html` and `lone.html` (not linked from the start page, crawled as apps of their own) hold
text whose UTF-16 form has a lone surrogate. Four tests guard bugs this site found (export
--xlsx on control characters, a wide apps table, half an emoji or a lone surrogate failing
an app).
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from test_cli import ROOT, write_config

from crawler.dataset import read_table

pytestmark = pytest.mark.browser

SITE = "t-hostile"
RUN = "hostile-1"
PHONE = "+18005550141"

HTML_TEXTS = ["<b>Contact</b>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
              '"><svg onload=alert(1)>']
#: The contact link's text as Chromium exposes it (textContent), before the crawler touches it.
LABEL_HEAD = ("=cmd|' /C calc'!A0 <b>Contact</b> \u202eus 📞 👩\u200d👩\u200d👧\u200d👦 𝕳 🇺🇸 ❤\ufe0f "
              "<script>alert(1)</script> <img src=x onerror=alert(1)> \"><svg onload=alert(1)> اتصل بنا ")
CONTROLS = "[\x01\x1b\x1f\x85\u2026\ufffd\x7f]"  # &#1; &#27; &#31; U+0085 &#x85; &#0; &#127;
SPACES = "\t\x0b\x0c\r\u2028\u2029\ufeff\u200b\xa0"  # &#9; &#11; &#12; &#13; … &#xA0;
TAIL = "W" * 4800
BROWSER_TEXT = LABEL_HEAD + CONTROLS + " a" + SPACES + "b " + TAIL

#: crawler/js/agent.js: `norm` folds runs of JavaScript `\s` (and U+200B) into one space.
JS_SPACE = re.compile("[\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b]+")
LABEL_MAX_UTF16 = 300  # agent.js: accessibleName(el).slice(0, 300)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPORT_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # report.esc: "control characters dropped"


def js_cut(text: str, units: int) -> str:
    """JavaScript's `text.slice(0, units)`: counts UTF-16 code units (may split a surrogate pair)."""
    return text.encode("utf-16-le", "surrogatepass")[: 2 * units].decode("utf-16-le", "surrogatepass")


def crawler_label(text: str) -> str:
    return js_cut(JS_SPACE.sub(" ", text).strip(" "), LABEL_MAX_UTF16)


LABEL = crawler_label(BROWSER_TEXT)


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def crawled(sites_server, tmp_path_factory) -> Path:
    """One real crawl through the CLI: t-hostile, plus its two lone-surrogate pages as own apps."""
    tmp = tmp_path_factory.mktemp("hostile")
    cfg = write_config(tmp / "apps.yaml", sites_server, [SITE], "settings: {concurrent_apps: 3}")
    with cfg.open("a", encoding="utf-8") as f:
        for page in ("cut", "lone"):
            f.write(f"  - id: {SITE}-{page}\n    name: {SITE}-{page}\n    category: test\n    region: US\n"
                    f"    start_url: {sites_server.url(SITE)}{page}.html\n    allowed_domains: [{SITE}.localhost]\n")
    out = tmp / "out"
    proc = run_cli("crawl", str(cfg), "--output", str(out), "--run-id", RUN, "--log-level", "WARNING", timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def hostile_row(out: Path) -> dict:
    rows = read_table(out, "reachability", RUN)
    return rows[rows.app_id == SITE].iloc[0].to_dict()


# --------------------------------------------------------------------------- the browser


def test_the_browser_exposes_the_label_as_written(sites_server):
    """Pins down the input: what Chromium's HTML parser makes of the page (independent of the crawler)."""
    from playwright.sync_api import sync_playwright

    from crawler.browser import launch_options

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        try:
            page = browser.new_page()
            page.goto(sites_server.url(SITE))
            assert page.eval_on_selector("a[href='contact.html']", "a => a.textContent") == BROWSER_TEXT
            assert page.locator("script, img, svg, b").count() == 0  # the HTML is text, not elements
        finally:
            browser.close()


# --------------------------------------------------------------------------- Parquet


def test_parquet_keeps_the_label_byte_for_byte(crawled):
    row = hostile_row(crawled)
    assert row["status"] == "found" and row["clicks_to_human"] == 1 and row["human_channel"] == "phone"
    assert list(row["phone_numbers"]) == [PHONE]
    path = list(row["path_to_human"])
    assert path == [LABEL]
    label = path[0]
    # emoji, ZWJ sequences, flags, astral characters, the RTL override, Arabic and HTML text: untouched
    assert label.startswith(LABEL_HEAD)
    for text in HTML_TEXTS:
        assert text in label
    # control characters (C0, C1, DEL) are kept, not stripped; every kind of whitespace is one space
    assert CONTROLS in label and " a b W" in label
    assert not any(c in label for c in SPACES)
    # cut at 300 UTF-16 code units (the tail is plain ASCII, so no surrogate pair is split here)
    assert len(label.encode("utf-16-le")) == 2 * LABEL_MAX_UTF16
    assert label.endswith("W") and label.count("W") < len(TAIL)

    # the same label in the per-channel and per-step tables
    channels = read_table(crawled, "channels", RUN)
    phone = channels[(channels.app_id == SITE) & (channels.channel == "phone")].iloc[0]
    assert list(phone["path"]) == [LABEL] and phone["value"] == PHONE and phone["clicks"] == 1
    steps = read_table(crawled, "steps", RUN)
    step = steps[(steps.app_id == SITE) & (steps.channel == "phone")]
    assert step["label"].tolist() == [LABEL]
    assert (crawled / step["screenshot"].iloc[0]).is_file()

    # and straight from pyarrow: valid UTF-8 throughout, the same Python strings
    table = ds.dataset(crawled / "reachability", partitioning="hive").to_table()
    table.validate(full=True)
    rows = {r["app_id"]: r for r in table.to_pylist()}
    assert rows[SITE]["path_to_human"] == [LABEL]
    assert rows[SITE]["phone_numbers"] == [PHONE]


# --------------------------------------------------------------------------- CSV / XLSX


def test_csv_export_is_literal_and_formula_guarded(crawled, tmp_path):
    out_csv = tmp_path / "export.csv"
    proc = run_cli("export", "--output", str(crawled), "--run", RUN, "--csv", str(out_csv))
    assert proc.returncode == 0, proc.stderr[-2000:]
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    apps = read_table(crawled, "reachability", RUN)
    assert len(rows) == apps.app_id.nunique() == 3  # no control character split a record
    row = next(r for r in rows if r["app"] == SITE)
    assert row["path"] == "'" + LABEL  # guarded (it starts with '='), otherwise verbatim
    for text in HTML_TEXTS:
        assert text in row["path"]
    assert CONTROLS in row["path"]
    assert row["phone numbers"] == "'" + PHONE  # '+' starts a formula too: guarded as documented
    assert row["clicks to a human"] == "1" and row["status"] == "found"
    for r in rows:
        for cell in r.values():
            assert not cell.startswith(FORMULA_START), cell[:80]


def test_xlsx_export_holds_strings_not_formulas(crawled, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out_xlsx = tmp_path / "export.xlsx"
    proc = run_cli("export", "--output", str(crawled), "--run", RUN, "--xlsx", str(out_xlsx))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-1500:]
    sheet = openpyxl.load_workbook(out_xlsx).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == 3
    for r in rows:
        for cell in r.values():
            assert cell.data_type != "f", cell.value  # no formula anywhere
    row = next(r for r in rows if r["app"].value == SITE)
    path = row["path"]
    assert path.data_type == "s" and path.value.startswith("'=cmd|")
    for text in HTML_TEXTS:
        assert text in path.value
    assert row["phone numbers"].value == "'" + PHONE


# --------------------------------------------------------------------------- HTML report


@pytest.fixture(scope="module")
def report(crawled, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile-report") / "report"
    proc = run_cli("report", "--output", str(crawled), "--run", RUN, "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_report_shows_the_label_as_text_in_chromium(report):
    from playwright.sync_api import sync_playwright

    from crawler.browser import launch_options
    from crawler.report import SORT_JS

    index, app = report / "index.html", report / "apps" / f"{SITE}.html"
    for page_file in (index, app):
        source = page_file.read_text(encoding="utf-8")
        assert "<script>alert" not in source and "<svg onload" not in source and "<img src=x" not in source
        assert "<b>Contact" not in source and "&lt;b&gt;Contact&lt;/b&gt;" in source
    shown = REPORT_DROPPED.sub("", LABEL)  # C0 controls and DEL dropped; U+0085, bidi, emoji kept
    assert shown == LABEL.replace("\x01", "").replace("\x1b", "").replace("\x1f", "").replace("\x7f", "")

    problems: list[str] = []
    dialogs: list[str] = []
    no_handlers = ("() => Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)"
                   ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        try:
            for width in (1280, 390):  # desktop, and a phone (where reporters read it too)
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                        if m.type in ("error", "warning") else None)
                page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.on("request", lambda r: problems.append(f"request: {r.url}")
                        if not r.url.startswith("file://") else None)

                page.goto(index.as_uri())
                page.wait_for_load_state("load")
                assert page.eval_on_selector_all("script", "els => els.map(e => e.textContent)") == [SORT_JS]
                assert page.evaluate(no_handlers) == []
                assert page.locator("#apps svg, #apps img, #apps b").count() == 0
                row = page.locator("#apps tbody tr", has=page.locator(f"a[href='apps/{SITE}.html']"))
                assert row.locator("td.path").text_content() == shown
                assert "<script>alert(1)</script>" in row.inner_text()
                assert page.get_by_text("<script>alert(1)</script>", exact=False).count() >= 1
                # the 300-character unbreakable label scrolls inside the table, not the page
                assert page.evaluate("document.documentElement.scrollWidth") <= width

                page.goto(app.as_uri())
                page.wait_for_load_state("load")
                assert page.locator("script").count() == 0
                assert page.evaluate(no_handlers) == []
                assert page.locator("main svg, main b, img:not(.shot)").count() == 0
                steps = page.locator("ol.trail li.step")
                assert steps.count() == 1
                assert steps.first.locator(".label").text_content() == f"“{shown}”"
                for text in HTML_TEXTS:
                    assert text in steps.first.inner_text()
                assert PHONE in page.locator("main").inner_text()
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                label_box = steps.first.locator(".label").bounding_box()
                assert label_box and label_box["width"] <= width
                loaded = page.evaluate(
                    "Promise.all(Array.from(document.querySelectorAll('img.shot')).map(i => {"
                    " i.loading = 'eager'; return i.decode().then(() => i.naturalWidth > 0, () => false); }))")
                assert loaded and all(loaded)
                page.close()
        finally:
            browser.close()
    assert dialogs == []
    assert problems == []


def test_report_wraps_a_long_label_in_the_apps_table(report):
    from playwright.sync_api import sync_playwright

    from crawler.browser import launch_options

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((report / "index.html").as_uri())
            page.wait_for_load_state("load")
            table, wrap = page.evaluate("() => { const t = document.querySelector('#apps');"
                                        " return [t.scrollWidth, t.closest('.tablewrap').clientWidth]; }")
        finally:
            browser.close()
    assert table <= wrap, f"the apps table is {table} px wide in a {wrap} px box"


# --------------------------------------------------------------------------- lone surrogates


def test_a_cut_through_an_emoji_does_not_fail_the_app(crawled):
    rows = read_table(crawled, "reachability", RUN).set_index("app_id")
    row = rows.loc[f"{SITE}-cut"]
    assert row["status"] == "found", row["error"]
    assert row["clicks_to_human"] == 1 and list(row["phone_numbers"]) == [PHONE]
    label = list(row["path_to_human"])[0]
    assert label.rstrip("\ufffd") == "x" + "😀" * 149  # whole emoji only (or a replacement mark)
    label.encode("utf-8")


def test_a_lone_surrogate_in_page_text_does_not_fail_the_app(crawled):
    rows = read_table(crawled, "reachability", RUN).set_index("app_id")
    row = rows.loc[f"{SITE}-lone"]
    assert row["status"] == "found", row["error"]
    assert row["clicks_to_human"] == 1 and list(row["phone_numbers"]) == [PHONE]
