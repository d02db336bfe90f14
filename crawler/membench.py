"""Memory over a long run: N apps in one crawl process, peak memory at 10 and at N apps.

    python -m crawler.membench [--apps 100] [--concurrency 2] [--output DIR]

The apps are the bundled demo help centres, repeated under distinct ids (each one is a
full exploration in a fresh browser context). The crawl is the real one (`reachability
crawl` in a subprocess); every second the script samples the crawl's process tree:
RSS summed over processes (overstates: Chromium processes share pages), PSS (shared pages
divided among their users: the honest total) and the crawler's own Python RSS (where a leak
of ours would show). It prints the peaks up to the 10th app written and up to the last.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .bench import descendants
from .demo.server import FixtureServer, sites_root

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONFIG = ROOT / "configs" / "demo.yaml"


@dataclass
class Sample:
    t: float
    apps_done: int
    tree_rss: int
    tree_pss: int
    python_rss: int
    processes: int


@dataclass(eq=False)  # a thread must stay hashable
class Sampler(threading.Thread):
    pid: int
    parts: Path
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            pids = [self.pid, *descendants(self.pid)]
            done = len(list(self.parts.glob("*.parquet"))) if self.parts.is_dir() else 0
            self.samples.append(Sample(time.monotonic() - self.started, done,
                                       sum(_status(p, "VmRSS") for p in pids),
                                       sum(_pss(p) for p in pids), _status(self.pid, "VmRSS"), len(pids)))


def _status(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def write_config(path: Path, server: FixtureServer, n_apps: int, concurrency: int) -> Path:
    demo = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8"))
    base = demo["apps"]
    apps = []
    for i in range(n_apps):
        app = dict(base[i % len(base)])
        site = app["id"]
        app["id"] = f"{site}-{i:03d}"
        app["start_url"] = server.url(site)
        apps.append(app)
    # budgets kept small: the figure of interest is memory over many explorations, not depth
    defaults = {**demo.get("defaults", {}), "max_states": 80, "time_limit_s": 90}
    config = {"defaults": defaults, "settings": {"concurrent_apps": concurrency}, "apps": apps}
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def peak(samples: list[Sample], upto_apps: int) -> Sample | None:
    window = [s for s in samples if s.apps_done <= upto_apps]
    if not window:
        return None
    return Sample(window[-1].t, upto_apps, max(s.tree_rss for s in window), max(s.tree_pss for s in window),
                  max(s.python_rss for s in window), max(s.processes for s in window))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.membench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--output", default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args(argv)
    mib = 2**20
    with tempfile.TemporaryDirectory(prefix="membench-") as tmp, FixtureServer(sites_root()).start() as server:
        work = Path(args.output or tmp)
        work.mkdir(parents=True, exist_ok=True)
        cfg = write_config(work / "apps.yaml", server, args.apps, args.concurrency)
        out = work / "out"
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", str(cfg), "--output", str(out),
                                 "--run-id", "mem", "--log-level", "WARNING"], cwd=work,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        sampler = Sampler(proc.pid, out / "reachability" / "run_id=mem")
        sampler.start()
        _, stderr = proc.communicate()
        sampler.stop.set()
        sampler.join()
        wall = time.monotonic() - started
        done = len(list((out / "reachability" / "run_id=mem").glob("*.parquet")))
    print(f"{done} of {args.apps} apps written in {wall:.0f}s (concurrency {args.concurrency}); exit {proc.returncode}")
    print(f"{'apps written':>12}  {'time':>6}  {'tree RSS':>9}  {'tree PSS':>9}  {'python RSS':>10}  {'processes':>9}")
    marks = sorted({m for m in (1, 10, 25, 50, args.apps) if m <= args.apps})
    for m in marks:
        p = peak(sampler.samples, m)
        if p is not None:
            print(f"{'<= ' + str(m):>12}  {p.t:>5.0f}s  {p.tree_rss / mib:>6.0f} MiB  {p.tree_pss / mib:>6.0f} MiB  "
                  f"{p.python_rss / mib:>7.0f} MiB  {p.processes:>9}")
    if proc.returncode != 0:
        print(stderr[-2000:], file=sys.stderr)
    return 0 if proc.returncode == 0 and done == args.apps else 1


if __name__ == "__main__":
    raise SystemExit(main())
