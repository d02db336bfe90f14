"""Fault benchmark: one run over broken and hostile fixture apps plus healthy ones.

    python -m crawler.faultbench [--sites tests/sites] [--concurrency 2] [--output DIR]

Each fault app has one fault (a page that never answers, 503, a connection reset, a redirect
loop, a redirect off the allowed domains, alert() loops, pages that navigate by themselves,
a DOM that never stops changing, infinite URL spaces, a page of 5,000 links, downloads and
file:/javascript: links). The run is the real one (`reachability crawl` in a subprocess);
the script prints fault -> outcome (status, reason, taps, time) and checks that every app
ended with the expected status, that the healthy apps were unaffected, that no off-domain
host was requested, nothing was POSTed and no download was saved to disk. Exit 1 if not.
The same run is a test (tests/test_faults.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .bench import TreeMemory
from .dataset import read_table
from .demo.server import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SITES = ROOT / "tests" / "sites"
OFFSITE_HOST = "t-offsite.localhost"  # the decoy every off-domain fault points at
DOWNLOAD_MARKERS = (b"%PDF-1.4\n1 0 obj<</Type/Catalog", b"PK\x03\x04 not really an apk")


@dataclass(frozen=True)
class Fault:
    site: str
    fault: str
    status: str  # expected status
    clicks: int | None = None  # expected clicks_to_human (found only)
    reason: str = ""  # expected words in `error` (error only)
    start_path: str = "/"
    settings: dict = field(default_factory=dict)  # per-app budget overrides


FAULTS: tuple[Fault, ...] = (
    Fault("f-hang", "start page never answers", "error", reason="timeout", start_path="/help/"),
    Fault("f-5xx", "start page answers 503 (Retry-After: 1), also after a retry", "error",
          reason="HTTP 503", start_path="/help/"),
    Fault("f-reset", "start page resets the connection (TCP RST), also after a retry", "error",
          reason="ERR_CONNECTION_RESET", start_path="/help/"),
    Fault("f-loop", "start page redirects in a loop", "error", reason="ERR_TOO_MANY_REDIRECTS", start_path="/help/"),
    Fault("f-away", "every URL (robots.txt too) redirects off-domain", "error",
          reason="redirects off the allowed domains"),
    Fault("f-faults", "inner 500/503, redirect loop, 60 s hang, popup storm, throwing handlers, clock, "
          "JS navigation and window.open() off-domain", "found", clicks=1),
    Fault("f-alerts", "alert() every 400 ms; a page stuck in while(true) alert()", "found", clicks=1),
    Fault("f-selfnav", "pages navigate and reload themselves on timers", "found", clicks=1),
    Fault("f-churn", "carousel, ticker, random feed, endless spinner: the DOM never rests", "found", clicks=1),
    Fault("f-infinite", "calendar, ?page=N+1 and a new session id in every URL", "found", clicks=2,
          settings={"max_states": 120}),
    Fault("f-huge", "5,000 links and 1,000 paragraphs on one page", "found", clicks=1,
          settings={"max_states": 60}),
    Fault("f-files", "PDF/APK downloads, file:, javascript:, data:, view-source: links", "found", clicks=1),
)
HEALTHY: tuple[Fault, ...] = (
    Fault("t-links", "healthy app in the same run", "found", clicks=1),
    Fault("t-select", "healthy app in the same run", "found", clicks=1),
)


@dataclass
class FaultRun:
    rows: pd.DataFrame
    requests: list[tuple[str, str, str]]
    saved_downloads: list[str]
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stderr: str


def write_config(path: Path, server: FixtureServer, faults: tuple[Fault, ...], concurrency: int) -> Path:
    apps = []
    for f in faults:
        apps.append({"id": f.site, "name": f.site, "category": "test", "region": "US",
                     "start_url": server.url(f.site, f.start_path), "allowed_domains": [f"{f.site}.localhost"],
                     **f.settings})
    config = {
        "defaults": {"device": "mobile", "max_clicks": 6, "max_states": 150, "time_limit_s": 120},
        "settings": {"concurrent_apps": concurrency, "pages_per_local_app": 2},
        "apps": apps,
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_faults(work: Path, sites: Path = DEFAULT_SITES, concurrency: int = 2, run_id: str = "faults",
               faults: tuple[Fault, ...] = FAULTS + HEALTHY) -> FaultRun:
    """Crawl every fault app (and the healthy ones) in one run, as a user would."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / "out"
    # the crawl's TMPDIR: a download saved anywhere temporary would land here (short: Chromium
    # puts sockets there, and a unix socket path must stay under 108 bytes)
    tmp = Path(tempfile.mkdtemp(prefix="fb-"))
    with FixtureServer(sites).start() as server:
        cfg = write_config(work / "faults.yaml", server, faults, concurrency)
        started = time.monotonic()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
        with TreeMemory() as mem:
            proc = subprocess.run(
                [sys.executable, "-m", "crawler", "crawl", str(cfg), "--output", str(out), "--run-id", run_id],
                cwd=work, env=env, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
        wall = time.monotonic() - started
        requests = list(server.requests)
    rows = read_table(out, "reachability", run_id) if (out / "reachability").exists() else pd.DataFrame()
    saved = _saved_downloads([work, tmp])
    shutil.rmtree(tmp, ignore_errors=True)
    return FaultRun(rows=rows, requests=requests, saved_downloads=saved, wall_s=wall,
                    peak_rss_mb=mem.peak / 2**20, returncode=proc.returncode, stderr=proc.stderr)


def _saved_downloads(dirs: list[Path]) -> list[str]:
    found = []
    for base in dirs:
        for path in base.rglob("*"):
            try:
                if path.is_file() and path.stat().st_size < 10_000:
                    head = path.read_bytes()[:64]
                    if any(head.startswith(m[:16]) and m[:16] in head for m in DOWNLOAD_MARKERS):
                        found.append(str(path))
            except OSError:
                continue
    return found


def problems(run: FaultRun, faults: tuple[Fault, ...] = FAULTS + HEALTHY) -> list[str]:
    """Everything that is not as it must be; empty when the run is right."""
    out: list[str] = []
    if run.returncode != 0:
        out.append(f"crawl exited {run.returncode}: {run.stderr[-500:]}")
    if "Traceback" in run.stderr:
        out.append("a traceback was printed")
    by_app = {r.app_id: r for r in run.rows.itertuples()} if len(run.rows) else {}
    if len(run.rows) != len(faults):
        out.append(f"{len(run.rows)} rows for {len(faults)} apps")
    for f in faults:
        r = by_app.get(f.site)
        if r is None:
            out.append(f"{f.site}: no row")
            continue
        error = r.error if isinstance(r.error, str) else ""
        if r.status != f.status:
            out.append(f"{f.site}: status {r.status} (expected {f.status}; error={error!r})")
        if f.clicks is not None and (pd.isna(r.clicks_to_human) or r.clicks_to_human != f.clicks):
            out.append(f"{f.site}: clicks_to_human {r.clicks_to_human} (expected {f.clicks})")
        if f.status == "error" and f.reason not in error:
            out.append(f"{f.site}: reason {error!r} lacks {f.reason!r}")
        if f.status != "error" and error:
            out.append(f"{f.site}: unexpected error {error!r}")
    offsite = [x for x in run.requests if x[1] == OFFSITE_HOST]
    if offsite:
        out.append(f"off-domain requests: {offsite[:3]}")
    posts = [x for x in run.requests if x[0] != "GET" and x[0] != "HEAD"]
    if posts:
        out.append(f"non-GET requests: {posts[:3]}")
    taps = contact_taps(run)
    if taps:
        out.append(f"taps on contact-starting controls: {taps[:3]}")
    local = [x for x in run.requests if x[2].startswith(("/files/", "/get-app"))]
    if any(x[2].endswith((".pdf", ".apk")) for x in local):
        out.append(f"file URLs with a download extension were requested: {local}")
    if run.saved_downloads:
        out.append(f"downloads saved to disk: {run.saved_downloads}")
    return out


def contact_taps(run: FaultRun) -> list[tuple[str, str, str]]:
    """Taps the fixtures' probe reported on controls marked data-contact-start (must be none)."""
    return [x for x in run.requests if x[2].startswith("/__contact-tap")]


def table(run: FaultRun, faults: tuple[Fault, ...] = FAULTS + HEALTHY) -> str:
    by_app = {r.app_id: r for r in run.rows.itertuples()} if len(run.rows) else {}
    lines = [f"{'app':<10}  {'fault':<62}  {'status':<9}  {'taps':>4}  {'states':>6}  {'time':>6}  reason / load errors",
             "-" * 150]
    for f in faults:
        r = by_app.get(f.site)
        if r is None:
            lines.append(f"{f.site:<10}  {f.fault[:62]:<62}  {'(no row)':<9}")
            continue
        taps = "-" if pd.isna(r.clicks_to_human) else str(r.clicks_to_human)
        errors = list(r.load_errors) if isinstance(r.load_errors, (list, tuple)) or hasattr(r.load_errors, "tolist") else []
        error = r.error if isinstance(r.error, str) else ""
        why = error or (f"{len(errors)} load errors: " + ", ".join(sorted({e.rsplit(': ', 1)[-1] for e in errors}))
                        if errors else "")
        if r.budget_exhausted:
            why = (why + "; " if why else "") + f"stopped: {r.stop_reason}"
        lines.append(f"{f.site:<10}  {f.fault[:62]:<62}  {r.status:<9}  {taps:>4}  {r.states_explored:>6}  "
                     f"{r.duration_s:>5.1f}s  {why[:120]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.faultbench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default=str(DEFAULT_SITES), help="fixture sites folder (default: tests/sites)")
    parser.add_argument("--concurrency", type=int, default=2, help="apps at once (default 2)")
    parser.add_argument("--output", default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if not Path(args.sites, "f-faults").is_dir():
        print(f"no fault sites in {args.sites}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="faultbench-") as tmp:
        work = Path(args.output) if args.output else Path(tmp)
        run = run_faults(work, Path(args.sites), args.concurrency)
        print(table(run))
        print()
        posts = [x for x in run.requests if x[0] not in ("GET", "HEAD")]
        print(f"contact-starting taps: {len(contact_taps(run))}; POST requests: {len(posts)}")
        print(f"wall time: {run.wall_s:.0f}s for {len(FAULTS) + len(HEALTHY)} apps (concurrency {args.concurrency}); "
              f"peak memory (tree RSS): {run.peak_rss_mb:.0f} MiB")
        found = problems(run)
        print("checks: " + ("all passed (statuses, healthy apps unaffected, no off-domain request, no POST, "
                            "no contact-starting tap, no download saved)" if not found else f"{len(found)} FAILED"))
        for p in found:
            print(f"  - {p}")
        return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
