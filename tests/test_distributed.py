"""Scheduling for real: Scrapyd (deploy + schedule.json) and scrapy-redis workers (kill one, resume).

Every server is started and stopped here, on 127.0.0.1 and free ports: `scrapyd` (PyPI) and
`redis-server` (Debian); scripts/setup.sh installs both. The figures of the kill-and-resume
run (apps planned, done, lost, re-queued, duplicated) are kept in FIGURES and written as JSON
to the session's pytest temp directory (distributed-figures.json).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from crawler.dataset import done_app_ids, read_table
from crawler.distributed import claims_key, enqueue, queue_key

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Figures of the distributed runs of this session (also written to distributed-figures.json).
FIGURES: dict[str, dict] = {}

#: Fast fixture sites and what they must give (clicks_to_human, None for no human channel).
SITES = {"t-links": ("US", 1), "t-select": ("US", 1), "t-form": ("US", None), "t-overlay-soft": ("US", 0),
         "t-icon": ("US", 1), "t-tw": ("TW", 1), "t-login": ("US", None), "t-details": ("US", 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path: Path, server, sites: list[str]) -> Path:
    lines = ["defaults: {device: mobile, max_clicks: 4, max_states: 60, time_limit_s: 120}", "apps:"]
    for site in sites:
        lines += [f"  - id: {site}", f"    name: {site}", "    category: test", f"    region: {SITES[site][0]}",
                  f"    start_url: {server.url(site)}", f"    allowed_domains: [{site}.localhost]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(tmp_path_factory, name: str, figures: dict) -> None:
    FIGURES[name] = figures
    target = tmp_path_factory.getbasetemp() / "distributed-figures.json"
    target.write_text(json.dumps(FIGURES, indent=2), encoding="utf-8")
    print(f"\n{name}: {json.dumps(figures)}\n(written to {target})")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop a process started with start_new_session=True, and everything it started."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)


def tail(path: Path, n: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError:
        return ""


def http_json(url: str, data: dict | None = None, timeout: float = 30) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=timeout) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read().decode())


# --------------------------------------------------------------------------- Scrapyd


@pytest.fixture
def scrapyd_url(tmp_path):
    exe = shutil.which("scrapyd")
    if not exe or not shutil.which("scrapyd-deploy"):
        pytest.skip("scrapyd / scrapyd-deploy not installed (pip install -e '.[dev]'; scripts/setup.sh does it)")
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\njobs_dir =\npoll_interval = 1.0\nmax_proc = 2\n",
        encoding="utf-8")
    log = home / "scrapyd.out"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    with open(log, "wb") as fh:
        proc = subprocess.Popen([exe], cwd=home, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_json(url + "daemonstatus.json", timeout=5)["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"scrapyd did not start:\n{tail(log)}")
            time.sleep(0.3)
        yield url, home
    finally:
        stop(proc)


def deploy(url: str, workdir: Path) -> dict:
    """`scrapyd-deploy` from a copy of the project (it builds in place), with a [deploy] url."""
    project = workdir / "project"
    shutil.copytree(ROOT / "crawler", project / "crawler",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    (project / "scrapy.cfg").write_text(
        f"[settings]\ndefault = crawler.settings\n\n[deploy:test]\nurl = {url}\nproject = reachability\n",
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    proc = subprocess.run([shutil.which("scrapyd-deploy"), "test", "-p", "reachability", "-v", "1"],
                          cwd=project, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    answer = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert answer["status"] == "ok", answer
    return answer


def test_scrapyd_deploy_schedule_and_dataset(tmp_path, sites_server, scrapyd_url):
    url, home = scrapyd_url
    answer = deploy(url, tmp_path)
    spiders = http_json(url + "listspiders.json?project=reachability")["spiders"]  # loaded from the egg
    assert {"reachability", "reachability-redis"} <= set(spiders) and answer["spiders"] == len(spiders)

    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-links", "t-select"])
    out = tmp_path / "out"
    job = http_json(url + "schedule.json", {"project": "reachability", "spider": "reachability",
                                            "config": str(cfg), "output": str(out), "run_id": "sd1"})
    assert job["status"] == "ok", job
    job_id = job["jobid"]
    log = home / "logs" / "reachability" / "reachability" / f"{job_id}.log"
    deadline = time.monotonic() + 300
    while True:
        jobs = http_json(url + "listjobs.json?project=reachability")
        if any(j["id"] == job_id for j in jobs["finished"]):
            break
        assert time.monotonic() < deadline, f"job {job_id} not finished after 300 s: {jobs}\n{tail(log)}"
        time.sleep(1)

    rows = read_table(out, "reachability", "sd1")
    assert sorted(rows.app_id) == ["t-links", "t-select"], tail(log)
    rows = rows.set_index("app_id")
    assert rows.loc["t-links", "clicks_to_human"] == 1 and rows.loc["t-select", "clicks_to_human"] == 1
    assert rows.loc["t-select", "phone_numbers"].tolist() == ["+18005550104"]
    assert "ERROR" not in tail(log, 100_000), tail(log)
    records = [json.loads(p.read_text()) for p in (out / "runs" / "run_id=sd1").glob("*.json")]
    assert len(records) == 1 and records[0]["finished_at"] and sorted(records[0]["apps_done"]) == ["t-links",
                                                                                                   "t-select"]


# --------------------------------------------------------------------------- scrapy-redis


@pytest.fixture
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("redis-server not installed (apt-get install redis-server; scripts/setup.sh does it)")
    import redis

    port = free_port()
    log = tmp_path / "redis.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--dir", str(tmp_path)], stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, decode_responses=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start:\n{tail(log)}")
            time.sleep(0.1)
        yield url
    finally:
        stop(proc)


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def start_worker(cfg: Path, run_id: str, url: str, out: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen([sys.executable, "-m", "crawler", "worker", str(cfg), "--run-id", run_id,
                                 "--redis-url", url, "--output", str(out), "--max-idle", "5", "--heartbeat", "6"],
                                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)


def enqueue_cli(cfg: Path, run_id: str, url: str, out: Path) -> dict:
    proc = cli("enqueue", str(cfg), "--run-id", run_id, "--redis-url", url, "--output", str(out), "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def wait_exit(proc: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc)
        pytest.fail(f"worker did not close within {timeout} s:\n{tail(log)}")
    assert proc.returncode == 0, tail(log)


def group_alive(pgid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,comm=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split() and "Z" not in line.split()[1]]


def test_redis_workers_kill_one_and_resume(tmp_path, tmp_path_factory, sites_server, redis_url):
    import redis

    sites = list(SITES)
    cfg = write_config(tmp_path / "apps.yaml", sites_server, sites)
    out = tmp_path / "out"
    run_id = "rd1"
    server = redis.Redis.from_url(redis_url, decode_responses=True)

    first = enqueue_cli(cfg, run_id, redis_url, out)
    assert first["pushed"] == len(sites) and first["queue_length"] == len(sites)
    assert server.lrange(queue_key(run_id), 0, -1) == sites
    again = enqueue_cli(cfg, run_id, redis_url, out)  # idempotent: nothing is queued twice
    assert again["pushed"] == 0 and again["waiting"] == len(sites)

    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers = [start_worker(cfg, run_id, redis_url, out, log) for log in logs]
    victim = None
    try:
        # When the first rows appear, SIGKILL a worker that holds apps not written yet (its whole
        # process group: Python, the Playwright driver and Chromium, as when a machine is lost).
        deadline = time.monotonic() + 240
        while True:
            done = done_app_ids(out, run_id)
            if done:
                holders = {w for a, w in server.hgetall(claims_key(run_id)).items() if a not in done}
                victim = next((i for i, proc in enumerate(workers)
                               if any(w.endswith(f"-{proc.pid}") for w in holders)), None)
                if victim is not None or len(done) == len(sites):
                    break
            assert time.monotonic() < deadline, "no row after 240 s:\n" + "\n".join(map(tail, logs))
            time.sleep(0.2)
        killed_at = {"done": sorted(done_app_ids(out, run_id)), "claims": server.hgetall(claims_key(run_id))}
        if victim is not None:
            stop(workers[victim], signal.SIGKILL)
            time.sleep(1)
            assert group_alive(workers[victim].pid) == [], "processes of the killed worker survived"
        survivor = workers[1 - (victim or 0)]
        wait_exit(survivor, logs[1 - (victim or 0)])
    finally:
        for proc in workers:
            stop(proc)

    after_kill = done_app_ids(out, run_id)
    held_by_victim = sorted(a for a, w in killed_at["claims"].items()
                            if victim is not None and w.endswith(f"-{workers[victim].pid}"))
    lost = sorted(set(sites) - after_kill)

    # Resume: re-queue the apps without a row once the dead worker's heartbeat expired.
    deadline = time.monotonic() + 60
    while True:
        resumed = enqueue_cli(cfg, run_id, redis_url, out)
        if resumed["in_progress"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert resumed["in_progress"] == 0, resumed
    assert sorted(resumed["pushed_ids"]) == lost, resumed
    assert resumed["done"] == len(sites) - len(lost)

    log_c = tmp_path / "worker-c.log"
    worker_c = start_worker(cfg, run_id, redis_url, out, log_c)
    try:
        wait_exit(worker_c, log_c)
    finally:
        stop(worker_c)

    rows = read_table(out, "reachability", run_id)
    counts = rows.app_id.value_counts()
    duplicated = sorted(counts[counts > 1].index)
    missing = sorted(set(sites) - set(rows.app_id))
    figures = {
        "apps_planned": len(sites),
        "done_when_killed": len(killed_at["done"]),
        "claimed_by_killed_worker_then": held_by_victim,
        "done_before_resume": len(after_kill),
        "lost_by_killed_worker": lost,
        "requeued_by_resume": resumed["pushed"],
        "lost_claims_seen_by_resume": resumed["lost"],
        "done_final": int(rows.app_id.nunique()),
        "rows_final": len(rows),
        "duplicated": duplicated,
        "lost_final": missing,
        "status": {r.app_id: r.status for r in rows.itertuples()},
        "errors": {r.app_id: r.error for r in rows.itertuples() if r.status == "error"},
    }
    record(tmp_path_factory, "kill_and_resume", figures)
    assert not duplicated and not missing, figures
    assert len(rows) == len(sites)
    assert lost, f"the killed worker lost nothing, the resume path was not exercised: {figures}"
    # The measurements themselves: an app that failed (status error, e.g. a page timeout on a
    # loaded machine) still has its one row; every other app gives its known number of taps.
    by_app = rows.set_index("app_id")
    for site, (_region, clicks) in SITES.items():
        row = by_app.loc[site]
        if row["status"] == "error":
            continue
        got = None if pd.isna(row["clicks_to_human"]) else int(row["clicks_to_human"])
        assert got == clicks, (site, got, row["status"], row["error"], row["states_explored"])
    # nothing left behind: empty queue, no claims, a final enqueue pushes nothing
    assert server.llen(queue_key(run_id)) == 0 and server.hlen(claims_key(run_id)) == 0
    final = enqueue(cfg, run_id, redis_url, out)
    assert final["pushed"] == 0 and final["done"] == len(sites)


@pytest.mark.skipif(not os.environ.get("REACHABILITY_MEASURE"),
                    reason="a measurement, not a check: set REACHABILITY_MEASURE=<repetitions> to run it")
def test_measure_one_vs_two_workers(tmp_path, tmp_path_factory, sites_server, redis_url):
    """Wall time of 1 worker vs 2 workers over the same 8 apps, until every row is written.

    Repeated REACHABILITY_MEASURE times, alternating 1 and 2 workers; the medians are compared.
    """
    cfg = write_config(tmp_path / "apps.yaml", sites_server, list(SITES))
    reps = max(1, int(os.environ["REACHABILITY_MEASURE"]))
    times: dict[int, list[float]] = {1: [], 2: []}
    loads = [os.getloadavg()[0]]
    for rep in range(reps):
        for n in (1, 2):
            run_id = f"w{n}-{rep}"
            out = tmp_path / run_id
            enqueue(cfg, run_id, redis_url, out)
            started = time.monotonic()
            logs = [tmp_path / f"{run_id}-{i}.log" for i in range(n)]
            procs = [start_worker(cfg, run_id, redis_url, out, log) for log in logs]
            try:
                while len(done_app_ids(out, run_id)) < len(SITES):
                    assert time.monotonic() - started < 500, "\n".join(map(tail, logs))
                    time.sleep(0.2)
                times[n].append(round(time.monotonic() - started, 1))
                for proc, log in zip(procs, logs, strict=True):
                    wait_exit(proc, log)
            finally:
                for proc in procs:
                    stop(proc)
            assert len(read_table(out, "reachability", run_id)) == len(SITES)
            loads.append(os.getloadavg()[0])
    median = {n: sorted(t)[len(t) // 2] for n, t in times.items()}
    record(tmp_path_factory, "one_vs_two_workers", {
        "apps": len(SITES), "cpus": os.cpu_count(), "seconds_until_all_rows_1_worker": times[1],
        "seconds_until_all_rows_2_workers": times[2], "median_1": median[1], "median_2": median[2],
        "ratio_1_over_2": round(median[1] / median[2], 2), "load_average_1min": [round(x, 1) for x in loads]})
