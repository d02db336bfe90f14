"""Benchmark: crawl a corpus of help centres with ground truth and print how close we are.

    python -m crawler.bench ../shared/bench [--apps a,b] [--concurrency N] [--output DIR]

The corpus folder holds serve.py, sites/, apps.yaml and truth.yaml (see its README). The
script serves it, runs the real crawl (the same spider as `reachability crawl`), then
prints per site truth vs measured, and totals: exact-match rates, per-channel accuracy,
phone-number precision/recall, decoys counted, wall time, states, peak memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd
import yaml

from .config import CrawlConfig, load_config
from .dataset import read_table

PROBE_HOST = "bench-probe.localhost"  # the readiness probe of the corpus server, not a crawl request


class TreeMemory(threading.Thread):
    """Peak resident memory of this process and all its descendants (Chromium included)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, _tree_rss(os.getpid()))

    def __enter__(self) -> TreeMemory:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()


def _tree_rss(root: int) -> int:
    total = 0
    for pid in (root, *descendants(root)):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                total += int(fh.read().rsplit(")", 1)[1].split()[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def descendants(root: int) -> list[int]:
    """Every process below `root` (children, grandchildren, ...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _serve(corpus: Path, port: int, log: Path) -> subprocess.Popen:
    # a corpus without its own server uses its sibling's (bench2 is served by ../bench/serve.py)
    serve = next((p for p in (corpus / "serve.py", corpus.parent / "bench" / "serve.py") if p.is_file()),
                 corpus / "serve.py")
    proc = subprocess.Popen([sys.executable, str(serve), "--port", str(port),
                             "--root", str(corpus / "sites"), "--log", str(log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": PROBE_HOST})
            urllib.request.urlopen(req, timeout=1)
        except urllib.error.HTTPError:
            return proc
        except OSError:
            time.sleep(0.1)
            continue
        return proc
    proc.kill()
    raise SystemExit(f"bench: the corpus server did not start on port {port}")


def compare(truth: dict, runs: dict) -> tuple[list[list[str]], dict]:
    """Rows of the per-site table and the totals."""
    rows = []
    tot = {"sites": 0, "status_ok": 0, "clicks_ok": 0, "ch_total": 0, "ch_ok": 0, "tp": 0, "fp": 0, "fn": 0,
           "decoys": 0, "states": 0, "per_channel": {}}
    for site, t in truth["sites"].items():
        m = runs.get(site)
        tot["sites"] += 1
        if m is None:
            rows.append([site, t["status"], "missing", str(t.get("clicks_to_human")), "-", "", "", ""])
            continue
        st_ok = m["status"] == t["status"]
        clicks = m["clicks_to_human"]
        cl_ok = (clicks is None and t.get("clicks_to_human") is None) or clicks == t.get("clicks_to_human")
        tot["status_ok"] += st_ok
        tot["clicks_ok"] += cl_ok
        tot["states"] += m["states_explored"]
        t_ch = {k: v["clicks"] for k, v in (t.get("channels") or {}).items()}
        m_ch = m["channels"]
        diffs = []
        for ch in sorted(set(t_ch) | set(m_ch)):
            ok = t_ch.get(ch) == m_ch.get(ch)
            pc = tot["per_channel"].setdefault(ch, [0, 0])
            pc[0] += ok
            pc[1] += 1
            tot["ch_total"] += 1
            tot["ch_ok"] += ok
            if not ok:
                diffs.append(f"{ch}:{t_ch.get(ch, '-')}→{m_ch.get(ch, '-')}")
            if ch not in t_ch:
                tot["decoys"] += 1
        t_ph, m_ph = set(t.get("phone_numbers") or []), set(m["phone_numbers"])
        tot["tp"] += len(t_ph & m_ph)
        tot["fp"] += len(m_ph - t_ph)
        tot["fn"] += len(t_ph - m_ph)
        tot["decoys"] += len(m_ph - t_ph)
        human = "|".join(sorted(t.get("human_channel") or []))
        rows.append([
            site, f"{t['status']} / {m['status']}" + ("" if st_ok else " ✗"),
            f"{t.get('clicks_to_human')} / {clicks}" + ("" if cl_ok else " ✗"),
            f"{human or '-'} / {m['human_channel'] or '-'}",
            "ok" if not diffs else " ".join(diffs),
            f"{len(t_ph & m_ph)}/{len(t_ph)}" + (f" +{len(m_ph - t_ph)}" if m_ph - t_ph else ""),
            str(m["states_explored"]), f"{m['duration_s']:.0f}s",
        ])
    return rows, tot


def runs_from_dataset(root: Path, run_id: str) -> dict:
    """Measured figures per app, as `compare` wants them, read back from the dataset."""
    rep = read_table(root, "reachability", run_id)
    chans = read_table(root, "channels", run_id)
    runs = {}
    for r in rep.to_dict("records"):
        ch = chans[chans.app_id == r["app_id"]]
        clicks = r["clicks_to_human"]
        runs[r["app_id"]] = {
            "status": r["status"],
            "clicks_to_human": None if clicks is None or clicks is pd.NA else int(clicks),
            "human_channel": r["human_channel"] if isinstance(r["human_channel"], str) else None,
            "channels": {c: int(k) for c, k in zip(ch.channel, ch.clicks, strict=True)},
            "phone_numbers": list(r["phone_numbers"]) if r["phone_numbers"] is not None else [],
            "states_explored": int(r["states_explored"]), "duration_s": float(r["duration_s"]),
        }
    return runs


#: Labels that start a contact or send something on the corpora, whatever the site: the
#: instrument of the bench (the crawler's own rules are in its lexicons). A tap on one of these,
#: or on a channel entry point of the truth (live chat, callback), is a contact-starting tap.
CONTACT_START_WORDS = ("提交", "发送", "送出", "傳送", "发 送", "submit", "send", "enviar", "envoyer", "senden", "absenden",
                       "invia", "gönder", "отправить", "送信", "보내기", "전송", "gửi", "kirim", "hantar", "إرسال")


def contact_taps(output: Path, run_id: str, truth: dict) -> dict[str, list[str]]:
    """Per app: taps of the run's audit (screenshots/.../taps.jsonl) on contact-starting controls,
    and queues the crawler reached."""
    import json

    out: dict[str, list[str]] = {}
    for site, t in truth["sites"].items():
        entry = {v.get("evidence", "").strip().lower() for ch, v in (t.get("channels") or {}).items()
                 if ch in ("live_chat", "callback") and v.get("evidence")}
        audit = output / "screenshots" / f"run_id={run_id}" / site / "taps.jsonl"
        if not audit.exists():
            continue
        bad = []
        for line in audit.read_text(encoding="utf-8").splitlines():
            tap = json.loads(line)
            label = " ".join(str(tap.get("label", "")).split()).lower()
            if tap.get("kind") == "queue" or label in entry or label in CONTACT_START_WORDS or any(
                    e and e in label and len(label) <= len(e) + 6 for e in entry):
                bad.append(f"{tap.get('kind')}: {label[:80]}")
        out[site] = bad
    return out


def _print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))


def crawl_corpus(corpus: Path, config: CrawlConfig, truth: dict, output: Path, apps: str | None,
                 concurrency: int) -> tuple[str, float, int]:
    """Serve the corpus and crawl it with the real spider (as `reachability crawl` does); the
    server's request log is output/server-requests.log. Returns (run id, wall seconds, peak tree RSS)."""
    log = output / "server-requests.log"
    output.mkdir(parents=True, exist_ok=True)
    server = _serve(corpus, int(truth.get("port", 8765)), log)
    run_id = "bench-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    started = time.time()
    try:
        from .cli import _run_spider

        with TreeMemory() as mem:
            _run_spider(config, output, run_id, apps, concurrency, "WARNING")
        wall = time.time() - started
    finally:
        server.terminate()
    return run_id, wall, mem.peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="folder with serve.py, sites/, apps.yaml, truth.yaml")
    ap.add_argument("--apps", help="comma-separated subset of app ids")
    ap.add_argument("--concurrency", type=int, default=3, help="apps explored at once (default 3)")
    ap.add_argument("--output", type=Path, help="dataset root (default: a temporary folder)")
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()
    truth = yaml.safe_load((corpus / "truth.yaml").read_text(encoding="utf-8"))
    config = load_config(corpus / "apps.yaml")
    if args.apps:
        wanted = set(args.apps.split(","))
        truth["sites"] = {k: v for k, v in truth["sites"].items() if k in wanted}
    output = args.output or Path(tempfile.mkdtemp(prefix="reachability-bench-"))
    log = output / "server-requests.log"
    run_id, wall, peak = crawl_corpus(corpus, config, truth, output, args.apps, args.concurrency)
    runs = runs_from_dataset(output, run_id)
    rows, tot = compare(truth, runs)
    _print_table(rows, ["site", "status truth/measured", "clicks_to_human", "human channel",
                        "channels (truth→measured)", "phones", "states", "time"])
    off = 0  # requests the corpus server received for hosts of no app (off-domain decoys)
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            host = parts[1].split(":")[0] if len(parts) > 1 else ""
            if host not in ("-", "", PROBE_HOST) and not any(app.is_allowed(f"http://{host}/") for app in config.apps):
                off += 1
    posts = 0
    if log.exists():
        posts = sum(1 for line in log.read_text(encoding="utf-8").splitlines() if '"POST ' in line)
    taps = contact_taps(output, run_id, truth)
    n_taps = sum(len(v) for v in taps.values())
    n = tot["sites"]
    prec = tot["tp"] / (tot["tp"] + tot["fp"]) if tot["tp"] + tot["fp"] else 1.0
    rec = tot["tp"] / (tot["tp"] + tot["fn"]) if tot["tp"] + tot["fn"] else 1.0
    print()
    print(f"status exact:           {tot['status_ok']}/{n}")
    print(f"clicks_to_human exact:  {tot['clicks_ok']}/{n}")
    print(f"channels exact:         {tot['ch_ok']}/{tot['ch_total']}  " + ", ".join(
        f"{c} {ok}/{all_}" for c, (ok, all_) in sorted(tot["per_channel"].items())))
    print(f"phone numbers:          precision {prec:.2f}, recall {rec:.2f}")
    print(f"decoys counted:         {tot['decoys']} (requests to off-domain hosts: {off})")
    print(f"contact-starting taps:  {n_taps} (POST requests: {posts})" + "".join(
        f"\n    {site}: {', '.join(v[:5])}" for site, v in taps.items() if v))
    print(f"wall time:              {wall:.0f}s for {n} sites (concurrency {args.concurrency})")
    print(f"states explored:        {tot['states']}")
    print(f"peak memory (tree RSS): {peak / 2**20:.0f} MiB")
    print(f"dataset:                {output} (run {run_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
