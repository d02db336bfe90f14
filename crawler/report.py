"""`reachability report`: a static, self-contained HTML report of one run.

    reachability report [--output DIR] [--run latest|RUN_ID] [--out report/]

The report folder works offline and can be zipped and sent: every screenshot is copied
into it, CSS and the small table-sorting script are inline, the chart is an SVG drawn
here, and nothing is loaded from the network. A strict Content-Security-Policy forbids
everything else.

Everything taken from the dataset (labels, evidence, URLs, names) comes from crawled,
possibly hostile pages: it is HTML-escaped everywhere, and only http(s) URLs become
links.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import html
import math
import os
import re
import shutil
import statistics
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .dataset import list_runs, read_table, validate_run_id
from .labels import how_sure
from .records import CHANNELS, HUMAN_CHANNELS

__all__ = ["ReportError", "add_report_command", "build_report", "chart_svg", "cmd_report", "resolve_run"]

#: Written into every report folder; only folders carrying it are replaced by a new report.
MARKER = ".reachability-report"
#: Clicks shown as their own bar in the chart (at least 0..8, more if the data has more).
CHART_MIN_MAX_CLICKS = 8
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}

CHANNEL_NAMES = {
    "phone": "phone",
    "live_chat": "live chat",
    "callback": "callback",
    "email": "e-mail",
    "web_form": "web form",
    "chatbot": "chatbot",
}
STATUS_NAMES = {"found": "found", "not_found": "not found", "login_wall": "login wall", "error": "error"}
STOP_WORDS = {"all_channels_found": "every channel found",
              "answer_complete": "human minimum proven and 4 more levels searched",
              "explored_all": "nothing left to tap",
              "max_clicks": "click depth limit (max_clicks)", "max_states": "state limit (max_states)",
              "time_limit": "time limit (time_limit_s)",
              "restore_failed": "some states could not be restored (their taps were not tried)"}
#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


class ReportError(Exception):
    """Bad input for the report (no dataset, unknown run, unusable --out)."""


# --------------------------------------------------------------------------- escaping

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: Any) -> str:
    """Text for HTML/SVG text and attribute values: escaped, control characters dropped."""
    if value is None:
        return ""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain absolute http(s) URL (safe as an href), else None."""
    if not isinstance(url, str) or not url or len(url) > 4000:
        return None
    if _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def url_html(url: Any, css: str = "url") -> str:
    """An http(s) URL as a link (opening nothing from here), anything else as plain text."""
    if url is None or url == "":
        return '<span class="muted">—</span>'
    ok = safe_url(url)
    if ok is None:
        return f'<span class="{css}">{esc(url)}</span>'
    return f'<a class="{css}" href="{esc(ok)}" rel="noopener noreferrer nofollow">{esc(ok)}</a>'


def _safe_name(text: str, fallback: str = "x") -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._")[:80]
    return name or fallback


# --------------------------------------------------------------------------- data


def _clean(value: Any) -> Any:
    """pandas/numpy cell → plain Python (None for NA, list for arrays, int/float/bool)."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy arrays and scalars
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def _records(df) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in df.to_dict("records")]


@dataclass
class Trail:
    """Channels reached by one and the same replayed path (ties share screenshots)."""

    channels: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    clicks: int


@dataclass
class App:
    row: dict[str, Any]
    page: str  # file name under apps/
    channels: list[dict[str, Any]] = field(default_factory=list)
    steps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def clicks(self) -> int | None:
        return self.row.get("clicks_to_human")


def _load(root: Path, run_id: str) -> list[App]:
    try:
        reach = _records(read_table(root, "reachability", run_id))
        chans = _records(read_table(root, "channels", run_id))
        steps = _records(read_table(root, "steps", run_id))
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ReportError(f"cannot read run {run_id!r} in {root}: {exc}") from None
    pages: set[str] = set()
    apps: list[App] = []
    for row in reach:
        base = _safe_name(row.get("app_id") or "app", "app")
        page, n = base, 1
        while page.lower() in pages:  # ids are unique per run; sanitising could merge two
            n += 1
            page = f"{base}-{n}"
        pages.add(page.lower())
        apps.append(App(row=row, page=f"{page}.html"))
    by_id = {a.row["app_id"]: a for a in apps}
    for ch in chans:
        if ch.get("app_id") in by_id:
            by_id[ch["app_id"]].channels.append(ch)
    for st in steps:
        app = by_id.get(st.get("app_id"))
        if app is not None:
            app.steps.setdefault(st.get("channel"), []).append(st)
    for app in apps:
        app.channels.sort(key=lambda c: (c.get("clicks") is None, c.get("clicks") or 0, _channel_rank(c)))
        for lst in app.steps.values():
            lst.sort(key=lambda s: s.get("step") or 0)
    apps.sort(key=_default_order)
    return apps


def _sure_title(app: App) -> str:
    text = how_sure(app.clicks, app.row.get("min_proven"), app.row.get("states_explored"))
    return f' title="{esc(text)}"' if text else ""


def _channel_rank(ch: dict[str, Any]) -> int:
    name = ch.get("channel")
    return CHANNELS.index(name) if name in CHANNELS else len(CHANNELS)


def _default_order(app: App) -> tuple:
    c = app.clicks
    return (c is None, c if c is not None else 0, str(app.row.get("app_id")))


def resolve_run(root: str | os.PathLike[str], run: str = "latest") -> str:
    """The run id to report: `latest` (most recent crawl time) or a given id that exists."""
    root = Path(root)
    if not root.exists():
        raise ReportError(f"dataset root {root} does not exist (pass --output DIR, the crawl's output directory)")
    if not root.is_dir():
        raise ReportError(f"dataset root {root} is not a directory")
    try:
        runs = list_runs(root)
    except OSError as exc:
        raise ReportError(f"cannot read dataset root {root}: {exc}") from None
    if not runs:
        raise ReportError(f"no runs in {root}: no reachability/run_id=*/part-*.parquet files "
                          "(run `reachability crawl` or `reachability demo` first)")
    if run in (None, "", "latest"):
        return _latest(root, runs)
    try:
        validate_run_id(run)
    except ValueError as exc:
        raise ReportError(f"--run: {exc}") from None
    if run not in runs:
        shown = ", ".join(runs[-10:]) + (" …" if len(runs) > 10 else "")
        raise ReportError(f"no run {run!r} in {root}; runs there: {shown}")
    return run


def _latest(root: Path, runs: list[str]) -> str:
    """The run whose last app was crawled most recently (ids need not sort by time)."""
    try:
        df = read_table(root, "reachability")
        newest = df.groupby("run_id")["crawled_at"].max()
        return str(max(runs, key=lambda r: (newest.get(r, dt.datetime.min.replace(tzinfo=dt.UTC)), r)))
    except (OSError, ValueError, KeyError):
        return runs[-1]


# --------------------------------------------------------------------------- screenshots


class Shots:
    """Copies screenshots referenced by the tables into the report, once each."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root = root.resolve()
        self.out = out
        self.copied: dict[Path, str] = {}
        self.used_names: set[str] = set()
        self.missing: set[str] = set()

    def get(self, rel: Any, app: App) -> str | None:
        """Path of the copy relative to the report folder, or None if unusable/missing."""
        if not isinstance(rel, str) or not rel:
            return None
        try:
            src = (self.root / rel).resolve()
        except (OSError, ValueError):
            self.missing.add(rel)
            return None
        if not src.is_relative_to(self.root) or src.suffix.lower() not in IMAGE_SUFFIXES or not src.is_file():
            self.missing.add(rel)  # outside the dataset root, not an image, or gone
            return None
        if src in self.copied:
            return self.copied[src]
        folder = app.page.removesuffix(".html")
        stem, suffix = _safe_name(src.stem, "shot"), src.suffix.lower()
        name, n = f"screenshots/{folder}/{stem}{suffix}", 1
        while name.lower() in self.used_names:
            n += 1
            name = f"screenshots/{folder}/{stem}-{n}{suffix}"
        self.used_names.add(name.lower())
        dest = self.out / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(src, dest)
        except OSError:
            self.missing.add(rel)
            return None
        self.copied[src] = name
        return name


def _img(shots: Shots, rel: Any, app: App, alt: str, prefix: str, css: str = "shot") -> str:
    copy = shots.get(rel, app)
    if copy is None:
        why = "no screenshot" if not rel else "screenshot missing"
        return f'<div class="noshot {css}">{why}</div>'
    href = prefix + quote(copy)
    return (f'<a href="{esc(href)}" class="shotlink"><img class="{css}" src="{esc(href)}" '
            f'alt="{esc(alt)}" loading="lazy"></a>')


# --------------------------------------------------------------------------- page chrome

CSS = """
:root{--fg:#1d232b;--muted:#5d6875;--line:#dde2e8;--bg:#f6f7f9;--card:#fff;--accent:#0b63b5;
--ok:#1d7a43;--warn:#a35a00;--bad:#b3261e;--human:#0b63b5}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.45;
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei",sans-serif}
header.top{background:#16324f;color:#fff;padding:18px 24px}
header.top a{color:#cfe3ff}
header.top h1{margin:0 0 4px;font-size:22px}
header.top p{margin:0;color:#c9d6e3}
main{max-width:1200px;margin:0 auto;padding:20px 24px 48px}
h2{font-size:18px;margin:28px 0 10px}
h3{font-size:16px;margin:18px 0 8px}
a{color:var(--accent)}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .k{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:600;margin-top:2px;overflow-wrap:anywhere}
.card .sub{font-size:13px;color:var(--muted);margin-top:4px;line-height:1.35}
.tablewrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:7px 10px;border-bottom:1px solid var(--line)}
th{background:#eef1f5;font-weight:600}
table.cats td.num,table.cats th{white-space:nowrap}
table.cats th,table.cats td{padding:6px 8px;font-size:13px}
table.cats td{overflow-wrap:break-word}
caption{text-align:left;padding:8px 10px;font-weight:600;font-size:14px}
#apps td:first-child{min-width:130px}
#apps td:nth-child(4){white-space:nowrap}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover{background:#f2f7fd}
td.num,th.num{text-align:right}
td.path{min-width:180px;overflow-wrap:anywhere}
td .id{display:block;font-size:12px;color:var(--muted)}
table.js-sort th{cursor:pointer;user-select:none}
table.js-sort th::after{content:" \\2195";color:#9aa5b1;font-weight:400}
table.js-sort th[aria-sort=ascending]::after{content:" \\25B2";color:var(--fg)}
table.js-sort th[aria-sort=descending]::after{content:" \\25BC";color:var(--fg)}
th:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;
background:#e6e9ee;color:#38424d}
.badge.s-found{background:#dcf1e3;color:var(--ok)}
.badge.s-not_found{background:#fde9d2;color:var(--warn)}
.badge.s-login_wall{background:#efe3f7;color:#6b2f8f}
.badge.s-error{background:#fbdedb;color:var(--bad)}
.chan{white-space:nowrap}
.chan.human{color:var(--human);font-weight:600}
.url{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere;
word-break:break-all}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere;
word-break:break-all;color:var(--muted)}
figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
figure.chart{overflow-x:auto}
figure.chart svg{width:100%;min-width:560px;height:auto;display:block;max-width:900px}
figure.chart figcaption{font-size:13px;color:var(--muted);margin-top:6px}
.split{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;align-items:start}
@media (min-width:1100px){.split{grid-template-columns:minmax(0,2fr) minmax(320px,1fr)}}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0;background:var(--card);
border:1px solid var(--line);border-radius:8px;padding:14px 16px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.trail{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(210px,40vw),1fr));gap:14px;padding:0;margin:0;
list-style:none}
.step{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;display:flex;
flex-direction:column;gap:6px;min-width:0}
.step.final{border:2px solid var(--ok)}
.step .n{font-size:12px;font-weight:700;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.step.final .n{color:var(--ok)}
.step .label{font-weight:600;font-size:15px;overflow-wrap:anywhere}
.step .role{font-size:12px;color:var(--muted)}
.step .urls{font-size:12px}
.step .arrow{color:var(--muted);margin:0 2px}
img.shot{width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:6px;background:#fafafa}
.noshot{display:flex;align-items:center;justify-content:center;min-height:120px;border:1px dashed var(--line);
border-radius:6px;color:var(--muted);font-size:13px;background:#fafafa}
.evidence{display:grid;grid-template-columns:minmax(200px,300px) 1fr;gap:16px;align-items:start;margin-top:8px}
.evidence h3{margin:0 0 6px}
.evidence h3~h3{margin-top:14px}
h3.visible{color:var(--ok);margin-top:20px}
@media (max-width:640px){.evidence{grid-template-columns:1fr}}
.quote{background:#f3f6f9;border-left:3px solid var(--accent);padding:6px 10px;margin:4px 0;
white-space:pre-wrap;overflow-wrap:anywhere}
.error{background:#fbdedb;border:1px solid #f0b3ad;color:#6e1a14;padding:10px 12px;border-radius:8px;
white-space:pre-wrap;overflow-wrap:anywhere}
ul.load-errors{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
details.other{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:10px 0}
details.other summary{cursor:pointer;font-weight:600}
details.other[open] summary{margin-bottom:10px}
.section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:10px 0}
nav.crumbs{font-size:14px;margin-bottom:6px}
footer{color:var(--muted);font-size:12px;margin-top:36px}
@media (max-width:600px){main{padding:14px 12px 36px}header.top{padding:14px 12px}}
"""

#: The only script: sorts the summary table when a header is clicked (no inline handlers).
SORT_JS = """(function () {
  var table = document.getElementById("apps");
  if (!table || !table.tHead) { return; }
  var heads = table.tHead.rows[0].cells;
  table.classList.add("js-sort");
  function key(cell, numeric) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent.trim(); }
    if (v === "") { return null; }
    return numeric ? parseFloat(v) : v.toLowerCase();
  }
  function sortBy(index) {
    var th = heads[index];
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var pos = new Map(rows.map(function (r, n) { return [r, n]; }));
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      if (x === null || y === null) {
        return (x === null) - (y === null) || pos.get(a) - pos.get(b);
      }
      var c = numeric ? x - y : x.localeCompare(y);
      return c * dir || pos.get(a) - pos.get(b);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(heads, function (th, index) {
    th.tabIndex = 0;
    th.title = "sort by this column";
    th.addEventListener("click", function () { sortBy(index); });
    th.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); sortBy(index); }
    });
  });
})();"""


def script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def csp(script: str | None) -> str:
    scripts = f"'{script_hash(script)}'" if script else "'none'"
    return ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"script-src {scripts}; base-uri 'none'; form-action 'none'")


def page_html(title: str, heading: str, subtitle: str, body: str, script: str | None = None,
              crumbs: str = "") -> str:
    """A complete page; heading/subtitle/body are already-escaped HTML, title is text."""
    script_tag = f"<script>{script}</script>\n" if script else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp(script))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="reachability report">
<title>{esc(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top">{crumbs}<h1>{heading}</h1><p>{subtitle}</p></header>
<main>
{body}
<footer>Generated by <code>reachability report</code> on {esc(_now())}. Clicks are the fewest taps
from the help centre's start page until a contact channel's entry point is visible; the tap that
would start the call or chat is not counted.</footer>
</main>
{script_tag}</body>
</html>
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------- formatting


def _fmt_time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)


def _run_dates(apps: list[App]) -> str:
    times = [a.row.get("crawled_at") for a in apps if isinstance(a.row.get("crawled_at"), dt.datetime)]
    if not times:
        return "—"
    first, last = min(times), max(times)
    if first.date() == last.date():
        return f"{first.astimezone(dt.UTC):%Y-%m-%d}"
    return f"{first.astimezone(dt.UTC):%Y-%m-%d} – {last.astimezone(dt.UTC):%Y-%m-%d}"


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _channels_html(value: Any) -> str:
    if not value:
        return '<span class="muted">—</span>'
    names = [c for c in str(value).split("|") if c]
    return ", ".join(_chan_name(c) for c in names)


def _chan_name(channel: Any) -> str:
    human = " human" if channel in HUMAN_CHANNELS else ""
    return f'<span class="chan{human}">{esc(CHANNEL_NAMES.get(channel, channel))}</span>'


def _path_html(path: Any) -> str:
    if path is None:
        return '<span class="muted">—</span>'
    if not path:
        return '<span class="muted">(start page, no tap)</span>'
    # each label isolated: a right-to-left override in one label cannot flip the others
    return " › ".join(f"<bdi>{esc(p)}</bdi>" for p in path)


def _status_html(status: Any) -> str:
    css = status if status in STATUS_NAMES else "other"
    return f'<span class="badge s-{css}">{esc(STATUS_NAMES.get(status, status))}</span>'


def _bool_html(value: Any) -> str:
    if value is None:
        return '<span class="muted">—</span>'
    return "yes" if value else "no"


def _lines(values: Any) -> str:
    if not values:
        return '<span class="muted">—</span>'
    return "<br>".join(esc(v) for v in values)


def _text_or_dash(value: Any) -> str:
    return '<span class="muted">—</span>' if value in (None, "") else esc(value)


# --------------------------------------------------------------------------- chart


@dataclass
class _Bin:
    label: str
    counts: Counter


def _text_width(text: str, size: float) -> float:
    """Rough rendered width of text (wide CJK glyphs count double)."""
    units = sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in text)
    return units * size


def _color(index: int) -> str:
    if index < len(PALETTE):
        return PALETTE[index]
    return f"hsl({(index * 47) % 360},55%,45%)"


def chart_svg(apps: list[App]) -> str:
    """Inline SVG: apps per number of taps to a human, bars stacked by category."""
    categories = sorted({str(a.row.get("category") or "?") for a in apps})
    colors = {c: _color(i) for i, c in enumerate(categories)}
    top = max([CHART_MIN_MAX_CLICKS] + [a.clicks for a in apps if a.clicks is not None])
    bins = [_Bin(str(k), Counter()) for k in range(top + 1)] + [_Bin("not found", Counter())]
    for a in apps:
        cat = str(a.row.get("category") or "?")
        index = a.clicks if a.clicks is not None and a.clicks >= 0 else len(bins) - 1
        bins[index].counts[cat] += 1
    highest = max([sum(b.counts.values()) for b in bins] + [1])
    step = max(1, math.ceil(highest / 5))
    ymax = math.ceil(highest / step) * step
    if ymax - highest < step / 2:  # room above the tallest bar for its total
        ymax += step

    width, left, right = 760, 46, 12
    # legend rows first: they decide the height of the top margin
    legend, x, y, size = [], left, 18, 12.5
    for cat in categories:
        shown = cat if len(cat) <= 28 else cat[:27] + "…"
        n = sum(1 for a in apps if str(a.row.get("category") or "?") == cat)
        text = f"{shown} ({n})"
        w = 14 + 6 + _text_width(text, size) + 18
        if x + w > width - right and x > left:
            x, y = left, y + 20
        legend.append(
            f'<g class="legend-item"><title>{esc(cat)}: {n} apps</title>'
            f'<rect x="{x}" y="{y - 10}" width="14" height="14" rx="2" fill="{colors[cat]}"></rect>'
            f'<text x="{x + 20}" y="{y + 1}" font-size="{size}">{esc(text)}</text></g>')
        x += w
    plot_top = y + 34
    plot_h = 230
    bottom = plot_top + plot_h
    height = bottom + 52
    plot_w = width - left - right
    slot = plot_w / len(bins)
    bar_w = min(52.0, slot * 0.72)

    def ypos(v: float) -> float:
        return bottom - v / ymax * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="chart-title" class="clicks-chart" font-family="system-ui,sans-serif">',
             '<title id="chart-title">Apps by number of taps until a human channel is visible, '
             'stacked by category</title>']
    parts += legend
    for v in range(0, ymax + 1, step):  # grid and y axis labels
        yy = ypos(v)
        parts.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" '
                     f'stroke="{"#9aa5b1" if v == 0 else "#e3e7ec"}" stroke-width="1"></line>')
        parts.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" font-size="12" text-anchor="end" '
                     f'fill="#5d6875">{v}</text>')
    sep = left + slot * (len(bins) - 1)
    parts.append(f'<line x1="{sep:.1f}" y1="{plot_top - 6}" x2="{sep:.1f}" y2="{bottom}" stroke="#c4ccd5" '
                 'stroke-dasharray="4 3"></line>')
    found = [a.clicks for a in apps if a.clicks is not None]
    if found:
        med = statistics.median(found)
        mx = left + slot * med + slot / 2
        parts.append(f'<line class="median" x1="{mx:.1f}" y1="{plot_top - 8}" x2="{mx:.1f}" y2="{bottom}" '
                     'stroke="#b3261e" stroke-width="1.5" stroke-dasharray="5 3"></line>')
        parts.append(f'<text x="{mx:.1f}" y="{plot_top - 12}" font-size="11.5" text-anchor="middle" fill="#b3261e">'
                     f'median {_fmt_num(med)}</text>')
    for i, b in enumerate(bins):
        cx = left + slot * i + slot / 2
        y0 = bottom
        total = sum(b.counts.values())
        for cat in categories:
            n = b.counts.get(cat, 0)
            if not n:
                continue
            h = n / ymax * plot_h
            what = "no human channel found" if b.label == "not found" else f"{b.label} taps"
            parts.append(f'<rect class="bar" data-category="{esc(cat)}" data-clicks="{esc(b.label)}" '
                         f'x="{cx - bar_w / 2:.1f}" y="{y0 - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{colors[cat]}" stroke="#fff" stroke-width="1">'
                         f'<title>{esc(cat)}: {n} app{"s" if n != 1 else ""}, {esc(what)}</title></rect>')
            y0 -= h
        if total:
            parts.append(f'<text x="{cx:.1f}" y="{y0 - 5:.1f}" font-size="12" font-weight="600" '
                         f'text-anchor="middle" fill="#1d232b">{total}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{bottom + 17}" font-size="12" text-anchor="middle" '
                     f'fill="#1d232b">{esc(b.label)}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{bottom + 40}" font-size="12.5" text-anchor="middle" '
                 'fill="#5d6875">taps until a human channel (phone, live chat, callback) is visible</text>')
    parts.append(f'<text transform="translate(13 {plot_top + plot_h / 2:.1f}) rotate(-90)" font-size="12.5" '
                 'text-anchor="middle" fill="#5d6875">apps</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- index page


def _summary_cards(run_id: str, apps: list[App]) -> str:
    found = [a for a in apps if a.clicks is not None]
    rate = f"{len(found) / len(apps):.0%}" if apps else "—"
    median = _fmt_num(statistics.median(a.clicks for a in found)) if found else "—"
    statuses = Counter(a.row.get("status") for a in apps)
    order = list(STATUS_NAMES)
    status_line = ", ".join(f"{n} {esc(STATUS_NAMES.get(s, s))}" for s, n in
                            sorted(statuses.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order
                                                                     else len(order), str(kv[0]))))
    bots = sum(1 for a in found if a.row.get("bot_before_human"))
    cards = [
        ("run", esc(run_id), ""),
        ("date", esc(_run_dates(apps)), ""),
        ("apps", str(len(apps)), status_line),
        ("human reachable", rate, f"{len(found)} of {len(apps)} apps"),
        ("median taps to a human", median, "over apps where one was found"),
        ("bot before human", str(bots), "apps where a chatbot stands in the way"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="k">{k}</div><div class="v">{v}</div>'
        + (f'<div class="sub">{sub}</div>' if sub else "") + "</div>"
        for k, v, sub in cards) + "</div>"


def _category_table(apps: list[App]) -> str:
    rows = []
    for cat in sorted({str(a.row.get("category") or "?") for a in apps}):
        members = [a for a in apps if str(a.row.get("category") or "?") == cat]
        found = [a.clicks for a in members if a.clicks is not None]
        med = _fmt_num(statistics.median(found)) if found else "—"
        rng = f"{min(found)}–{max(found)}" if found else "—"
        rows.append(f"<tr><td>{esc(cat)}</td><td class=num>{len(members)}</td><td class=num>{len(found)}</td>"
                    f"<td class=num>{med}</td><td class=num>{rng}</td></tr>")
    return ('<div class="tablewrap"><table class="cats"><caption>Taps to a human, by category</caption><thead><tr><th>category</th><th class=num>apps</th>'
            '<th class=num title="apps where a human channel was found">found</th>'
            '<th class=num title="median taps to a human">median</th>'
            '<th class=num title="fewest–most taps to a human">range</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _apps_table(apps: list[App]) -> str:
    heads = [("app", "text", ""), ("category", "text", ""), ("status", "text", ""),
             ("clicks to a human", "num", "num"), ("channel", "text", ""), ("path", "text", ""),
             ("phone numbers", "text", ""), ("service hours", "text", ""), ("bot before human", "text", "")]
    th = "".join(
        f'<th scope="col" data-type="{t}"{f" class={c}" if c else ""}'
        f'{" aria-sort=ascending" if name == "clicks to a human" else ""}>{name}</th>'
        for name, t, c in heads)
    rows = []
    for a in apps:
        r = a.row
        clicks = a.clicks
        bot = r.get("bot_before_human")
        rows.append(
            "<tr>"
            f'<td data-sort="{esc(r.get("app_name") or r.get("app_id"))}"><a href="apps/{esc(quote(a.page))}">'
            f'{esc(r.get("app_name") or r.get("app_id"))}</a><span class="id">{esc(r.get("app_id"))}</span></td>'
            f"<td>{esc(r.get('category'))}</td>"
            f'<td data-sort="{esc(r.get("status"))}">{_status_html(r.get("status"))}</td>'
            f'<td class="num" data-sort="{"" if clicks is None else clicks}"'
            f'{_sure_title(a)}>{"<span class=muted>—</span>" if clicks is None else clicks}'
            f'{"<span class=muted>*</span>" if r.get("min_proven") is False else ""}</td>'
            f'<td data-sort="{esc(r.get("human_channel") or "")}">{_channels_html(r.get("human_channel"))}</td>'
            f'<td class="path">{_path_html(r.get("path_to_human"))}</td>'
            f'<td data-sort="{esc(" ".join(r.get("phone_numbers") or []))}">{_lines(r.get("phone_numbers"))}</td>'
            f'<td data-sort="{esc(r.get("service_hours") or "")}">{_text_or_dash(r.get("service_hours"))}</td>'
            f'<td data-sort="{"" if bot is None else ("yes" if bot else "no")}">{_bool_html(bot)}</td>'
            "</tr>")
    return (f'<div class="tablewrap"><table id="apps"><thead><tr>{th}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def index_html(run_id: str, apps: list[App]) -> str:
    body = [
        _summary_cards(run_id, apps),
        "<h2>How many taps to a human?</h2>",
        '<div class="split"><figure class="chart">', chart_svg(apps),
        "<figcaption>Each bar counts the apps whose first human channel (phone, live chat or "
        "callback) became visible after that many taps, stacked by category. “not found” includes "
        "login walls and failed crawls.</figcaption></figure>",
        f"<div>{_category_table(apps)}</div></div>",
        "<h2>Apps</h2>",
        '<p class="muted">Sorted by taps to a human; click a column header to sort by it. '
        "Click an app for its click trail and screenshots. A count marked * is the shortest route "
        "found, not a proven minimum: the budget ran out before every shorter route was ruled out.</p>",
        _apps_table(apps),
    ]
    return page_html(f"Reachability report — run {run_id}", "How many taps to reach a human?",
                     f"Run {esc(run_id)} · {esc(_run_dates(apps))} · {len(apps)} apps",
                     "\n".join(body), script=SORT_JS)


# --------------------------------------------------------------------------- app pages


def _trails(app: App) -> list[Trail]:
    """Channels grouped by identical replayed path, in order of clicks (ties share one trail)."""
    groups: dict[tuple, Trail] = {}
    for ch in app.channels:
        steps = app.steps.get(ch.get("channel"), [])
        if not steps and ch.get("path"):
            steps = [{"step": i, "label": label, "role": None, "selector": None, "url_before": None,
                      "url_after": None, "screenshot": None} for i, label in enumerate(ch["path"], 1)]
        key = (tuple((s.get("label"), s.get("screenshot"), s.get("url_before"), s.get("url_after"))
                     for s in steps), ch.get("screenshot"), ch.get("clicks"))
        if key in groups:
            groups[key].channels.append(ch)
        else:
            groups[key] = Trail(channels=[ch], steps=steps, clicks=ch.get("clicks") or 0)
    return list(groups.values())


def _trail_html(app: App, trail: Trail, shots: Shots) -> str:
    names = [c.get("channel") for c in trail.channels]
    name_text = ", ".join(CHANNEL_NAMES.get(n, str(n)) for n in names)
    total = len(trail.steps)
    items = []
    for k, s in enumerate(trail.steps, 1):
        label = s.get("label") or ""
        role = s.get("role")
        sel = s.get("selector")
        urls = ""
        if s.get("url_before") or s.get("url_after"):
            same = s.get("url_before") == s.get("url_after")
            urls = (f'<div class="urls">{url_html(s.get("url_before"))}<span class="arrow">→</span>'
                    + ("<span class=muted>same page</span>" if same else url_html(s.get("url_after")))
                    + "</div>")
        items.append(
            f'<li class="step"><div class="n">tap {k} of {total}</div>'
            + _img(shots, s.get("screenshot"), app, f"before tap {k}: {label}", "../")
            + f'<div class="label">“<bdi>{esc(label)}</bdi>”</div>'
            + (f'<div class="role">{esc(role)}' + (f" · <code>{esc(sel)}</code>" if sel else "") + "</div>"
               if role or sel else "")
            + urls + "</li>")
    final = trail.channels[0]
    evidence = []
    for ch in trail.channels:
        rows = [("evidence", f'<div class="quote">{esc(ch.get("evidence_text"))}</div>')]
        if ch.get("value"):
            rows.append(("number / value", esc(ch.get("value"))))
        rows.append(("service hours", _text_or_dash(ch.get("service_hours"))))
        rows.append(("page", url_html(ch.get("url"))))
        evidence.append(f"<h3>{_chan_name(ch.get('channel'))}</h3>"
                        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
    if total:
        intro = ('<p class="muted">Each screenshot shows the page before the tap, with the tapped control '
                 f'outlined.</p><ol class="trail">{"".join(items)}</ol>')
        when = f"After {total} tap{'s' if total != 1 else ''}"
    else:
        intro, when = "", "On the start page, without any tap"
    final_shot = _img(shots, final.get("screenshot"), app, f"final state: {name_text} visible", "../")
    return (intro + f'<h3 class="visible">{when}: {", ".join(_chan_name(n) for n in names)} visible</h3>'
            f'<div class="evidence"><div class="step final">{final_shot}</div>'
            f'<div>{"".join(evidence)}</div></div>')


def app_html(run_id: str, app: App, shots: Shots) -> str:
    r = app.row
    name = r.get("app_name") or r.get("app_id") or "?"
    facts = [
        ("app id", esc(r.get("app_id"))),
        ("category", esc(r.get("category"))),
        ("status", _status_html(r.get("status"))
         + (' <span class="muted">(search budget exhausted: a lower bound)</span>'
            if r.get("budget_exhausted") else "")),
        ("taps to a human", _text_or_dash(how_sure(app.clicks, r.get("min_proven"), r.get("states_explored"))
                                          or app.clicks)),
        ("search depth", _text_or_dash(None if r.get("levels_complete") is None else
                                       f"every state within {r.get('levels_complete')} taps examined")),
        ("human channel", _channels_html(r.get("human_channel"))),
        ("path", _path_html(r.get("path_to_human"))),
        ("taps to any contact", _text_or_dash(r.get("clicks_to_contact"))),
        ("phone numbers", _lines(r.get("phone_numbers"))),
        ("service hours", _text_or_dash(r.get("service_hours"))),
        ("bot before human", _bool_html(r.get("bot_before_human"))),
        ("start page", url_html(r.get("start_url"))),
        ("final page", url_html(r.get("final_url"))),
        ("region · locale · device", esc(" · ".join(str(x) for x in
                                                    (r.get("region"), r.get("locale") or "—", r.get("device"))))),
        ("crawled", esc(_fmt_time(r.get("crawled_at")))),
        ("search", esc(f"{r.get('states_explored')} states, {r.get('clicks_performed')} taps, "
                       f"{r.get('page_loads')} page loads, {_fmt_num(round(r.get('duration_s') or 0, 1))} s"
                       + (f"; stopped: {STOP_WORDS.get(r.get('stop_reason'), r.get('stop_reason'))}"
                          if r.get("stop_reason") else ""))),
    ]
    body = ['<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"]
    if r.get("error"):
        body.append(f'<h2>Error</h2><div class="error">{esc(r.get("error"))}</div>')
    load_errors = list(r.get("load_errors") if r.get("load_errors") is not None else [])
    if load_errors:
        body.append("<h2>Pages that failed to load</h2><p class=\"muted\">A channel behind one of them may have "
                    "been missed.</p><ul class=\"load-errors\">"
                    + "".join(f"<li>{esc(e)}</li>" for e in load_errors) + "</ul>")
    trails = _trails(app)
    best = [t for t in trails if app.clicks is not None and t.clicks == app.clicks
            and any(c.get("channel") in HUMAN_CHANNELS for c in t.channels)]
    others = [t for t in trails if t not in best]
    body.append("<h2>Shortest path to a human</h2>")
    if best:
        for t in best:
            body.append(f'<div class="section">{_trail_html(app, t, shots)}</div>')
    else:
        why = {"login_wall": "a login was required before any human channel appeared",
               "error": "the crawl failed"}.get(r.get("status"), "no human channel became visible within the budget")
        body.append(f'<p class="muted">None: {esc(why)}.</p>')
    if others:
        body.append("<h2>Other channels</h2>")
        for t in others:
            names = ", ".join(_chan_name(c.get("channel")) for c in t.channels)
            body.append(f'<details class="other"><summary>{names} · {t.clicks} tap{"s" if t.clicks != 1 else ""}'
                        f"</summary>{_trail_html(app, t, shots)}</details>")
    if r.get("offsite_links"):
        links = "".join(f"<li>{url_html(u)}</li>" for u in r["offsite_links"])
        body.append(f'<details class="other"><summary>Off-site links seen, not followed '
                    f'({len(r["offsite_links"])})</summary><ul>{links}</ul></details>')
    crumbs = f'<nav class="crumbs"><a href="../index.html">← run {esc(run_id)}</a></nav>'
    clicks = "no human channel found" if app.clicks is None else f"{app.clicks} taps to a human"
    return page_html(f"{name} — reachability run {run_id}", esc(name),
                     f"{esc(r.get('category'))} · {esc(clicks)}", "\n".join(body), crumbs=crumbs)


# --------------------------------------------------------------------------- build


@dataclass
class ReportResult:
    out: Path
    run_id: str
    apps: int
    screenshots: int
    missing_screenshots: int


def _check_out(out: Path, root: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} exists and is not a directory")
    o, r = out.resolve(), root.resolve()
    if o == r or r.is_relative_to(o):
        raise ReportError(f"--out {out} would contain the dataset itself; choose another folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ReportError(f"--out {out} is not empty and not a previous report; choose a new or empty folder")


def build_report(root: str | os.PathLike[str], out: str | os.PathLike[str], run: str = "latest") -> ReportResult:
    """Write the report of one run into `out` (replacing an earlier report there)."""
    root, out = Path(root), Path(out)
    run_id = resolve_run(root, run)
    _check_out(out, root)
    apps = _load(root, run_id)
    if not apps:
        raise ReportError(f"run {run_id!r} in {root} has no apps")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        shots = Shots(root, tmp)
        (tmp / "apps").mkdir()
        for app in apps:
            (tmp / "apps" / app.page).write_text(app_html(run_id, app, shots), encoding="utf-8")
        (tmp / "index.html").write_text(index_html(run_id, apps), encoding="utf-8")
        (tmp / MARKER).write_text(f"reachability report of run {run_id}\n", encoding="utf-8")
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReportResult(out=out, run_id=run_id, apps=len(apps), screenshots=len(shots.copied),
                        missing_screenshots=len(shots.missing))


def _replace_dir(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    try:
        new.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- command


def cmd_report(args: argparse.Namespace) -> int:
    from .cli import UsageError

    try:
        res = build_report(args.output, args.out, args.run)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # e.g. --out not writable, disk full
        raise UsageError(f"cannot write the report to {args.out}: {exc}") from None
    missing = f", {res.missing_screenshots} screenshots missing" if res.missing_screenshots else ""
    print(f"report of run {res.run_id}: {res.apps} apps, {res.screenshots} screenshots{missing} "
          f"→ {res.out / 'index.html'}")
    return 0


def add_report_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a static, offline HTML report of one run",
                       description="Write a self-contained HTML report (summary, chart, one page per app "
                                   "with its click trail and screenshots) that works offline.")
    p.add_argument("--output", default="output", help="dataset root to read (default: output/)")
    p.add_argument("--run", default="latest",
                   help="run id to report, or 'latest' (the most recently crawled run; default)")
    p.add_argument("--out", default="report", help="folder to write the report into (default: report/)")
    p.set_defaults(func=cmd_report)
