"""Faults: broken and hostile sites end with an honest status, the others are unaffected, and
the browser killed mid-crawl (kill -9) costs one retry of the current app, never the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import ROOT, write_config

from crawler.bench import descendants
from crawler.dataset import read_table
from crawler.faultbench import FAULTS, HEALTHY, problems, run_faults, table

pytestmark = pytest.mark.browser


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_browser_killed_mid_crawl_retries_the_app_and_loses_nothing(tmp_path, sites_server):
    sites = ["t-links", "t-slow", "t-bot-gate", "t-select"]
    cfg = write_config(tmp_path / "apps.yaml", sites_server, sites,
                       extra="settings: {concurrent_apps: 1, pages_per_local_app: 1}")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", str(cfg), "--output", str(out),
                             "--run-id", "k1", "--log-level", "INFO"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    killed = []
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None and not killed:
        if (out / "reachability" / "run_id=k1").exists() and list((out / "reachability" / "run_id=k1").glob("*.parquet")):
            time.sleep(1.5)  # the next app is being explored now
            for pid in descendants(proc.pid):
                if "chrom" in cmdline(pid).lower() and "--type=" not in cmdline(pid):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
        time.sleep(0.2)
    stdout, stderr = proc.communicate(timeout=600)
    assert killed, "the browser was not found to kill"
    assert proc.returncode == 0, stderr[-3000:]
    rows = read_table(out, "reachability", "k1")
    assert sorted(rows.app_id) == sorted(sites)  # every app exactly once
    assert "retrying this app once" in stderr
    assert (rows.status == "found").sum() >= 3


def test_broken_pages_and_hostile_scripts_do_not_stop_the_app(crawl_site):
    """500/503 pages, a redirect loop, a page that never answers, a popup storm, throwing
    handlers, a self-updating clock and a button that leaves the site: the answer stays right."""
    started = time.time()
    r = crawl_site("f-faults", time_limit_s=120)
    assert (r.status, r.clicks_to_human, r.human_channel) == ("found", 1, "phone"), r.error
    assert r.phone_numbers == ["+18005550131"]
    assert not [x for x in crawl_site.server.requests if x[1].startswith("t-offsite.")]
    assert r.states_explored < 40  # the clock does not make new states
    assert time.time() - started < 150


def test_fault_corpus_each_app_ends_with_an_honest_status(tmp_path):
    """One real crawl (`reachability crawl`) over every f-* fault app and two healthy apps:
    statuses and reasons as expected, healthy apps unaffected, no off-domain request, no
    POST, no download saved (the crawl's TMPDIR and output are searched for the files)."""
    run = run_faults(tmp_path, concurrency=2)
    print(table(run))  # the fault -> outcome table, kept in the test log
    assert problems(run) == []
    rows = run.rows.set_index("app_id")
    assert len(rows) == len(FAULTS) + len(HEALTHY)
    # a page that never answers costs its load timeout, not the app's whole time limit
    assert rows.loc["f-hang", "duration_s"] < 60
    # the inner faults of f-faults are reported, not hidden
    errors = " ".join(rows.loc["f-faults", "load_errors"])
    assert "HTTP 503" in errors and "ERR_TOO_MANY_REDIRECTS" in errors and "timeout" in errors
    # the trap apps stopped on their budget and still have the shallow answer
    assert rows.loc["f-infinite", "budget_exhausted"] or rows.loc["f-infinite", "states_explored"] <= 120
