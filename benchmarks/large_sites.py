"""Benchmark on help centres at real size: generated sites of 1,000+ pages with exact ground truth.

    python benchmarks/large_sites.py [--sites 6] [--output DIR] [--concurrency 3]

The hand-made corpora are a few dozen pages each; real help centres have a mega-menu, a product
feed, a 60-link footer and language copies in front of the human, 4-6 taps deep. This script
generates such sites with fixed seeds (tests/largesite.py; two of them the "footer shortcut"
variant whose shortest route is an unlikely-looking footer link), writes them as a corpus
(sites/, apps.yaml with remote politeness on loopback, truth.yaml, serve.py), crawls it exactly
as `python -m crawler.bench` does, and prints truth vs measured with the search's own figures.
"""

from __future__ import annotations

import argparse
import math
import socket
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from largesite import LargeSite, generate  # noqa: E402

from crawler.bench import _print_table, compare, contact_taps, crawl_corpus, runs_from_dataset  # noqa: E402
from crawler.config import load_config  # noqa: E402
from crawler.dataset import read_table  # noqa: E402

#: (seed, footer_shortcut): human by the help route at 5, 4, 6, 6, 6, 4 taps; the two variants
#: have it at 3 and 2 through the footer. The first two make the short run (--sites 2).
SEEDS = [(11, False), (23, True), (37, False), (41, True), (53, False), (67, False)]

#: Remote politeness on loopback; budgets are the config defaults (max_states, time_limit_s).
SETTINGS = {"polite_local_hosts": True, "pages_per_app": 1, "download_delay_s": 0.5}

SERVE_PY = '''#!/usr/bin/env python3
"""Serve this corpus with the project's FixtureServer: python serve.py --port P --root sites --log FILE."""
import sys

sys.path.insert(0, {repo!r})
from crawler.demo.server import main  # noqa: E402

raise SystemExit(main())
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_corpus(corpus: Path, sites: list[LargeSite], port: int) -> None:
    """sites/, apps.yaml, truth.yaml and serve.py, in the layout crawler.bench reads."""
    (corpus / "sites").mkdir(parents=True, exist_ok=True)
    for site in sites:
        site.write(corpus / "sites")
    apps = [{"id": s.id, "name": s.name, "category": "ecommerce", "region": "US", "locale": "en-US",
             "start_url": f"http://{s.id}.localhost:{port}/", "allowed_domains": [f"{s.id}.localhost"]}
            for s in sites]
    config = {"defaults": {"device": "mobile"}, "settings": SETTINGS, "apps": apps}
    (corpus / "apps.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    truth = {"port": port, "sites": {s.id: s.truth for s in sites}}
    (corpus / "truth.yaml").write_text(yaml.safe_dump(truth, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (corpus / "serve.py").write_text(SERVE_PY.format(repo=str(REPO)), encoding="utf-8")


def _value(row: dict, column: str) -> object:
    """A column of the reachability row, or None when the dataset lacks it or it is null."""
    value = row.get(column)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _show(value: object, fmt: str = "{}") -> str:
    return "-" if value is None else fmt.format(value)


def _server_log(log: Path) -> dict[str, dict[str, object]]:
    """Per host: contact-starting taps (GET /__contact-tap), POSTs, and page loads by first path segment."""
    out: dict[str, dict[str, object]] = {}
    if not log.exists():
        return out
    for line in log.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        host = parts[1].split(":")[0]
        entry = out.setdefault(host, {"taps": 0, "posts": 0, "loads": {}})
        method, path = parts[2].lstrip('"'), parts[3]
        if method == "POST":
            entry["posts"] += 1
        if method == "GET" and path.startswith("/__contact-tap"):
            entry["taps"] += 1
        page = path.split("?")[0]
        if method == "GET" and (page.endswith((".html", "/"))):
            section = "/" + page.strip("/").split("/")[0] if page != "/" else "/"
            if section in ("/es", "/fr"):
                section += "/"
            loads = entry["loads"]
            loads[section] = loads.get(section, 0) + 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=6, help=f"how many of the {len(SEEDS)} fixed seeds (default 6)")
    ap.add_argument("--output", type=Path, help="dataset root (default: a temporary folder); the corpus goes in corpus/")
    ap.add_argument("--concurrency", type=int, default=3, help="apps explored at once (default 3, as crawler.bench)")
    args = ap.parse_args(argv)
    if not 1 <= args.sites <= len(SEEDS):
        ap.error(f"--sites must be 1..{len(SEEDS)}")
    output = (args.output or Path(tempfile.mkdtemp(prefix="reachability-large-"))).resolve()
    corpus = output / "corpus"
    sites = [generate(seed, shortcut) for seed, shortcut in SEEDS[: args.sites]]
    assert len({s.id for s in sites}) == len(sites), "two seeds gave the same site id"
    port = _free_port()
    write_corpus(corpus, sites, port)
    pages = sum(sum(1 for rel in s.files if rel.endswith(".html")) for s in sites)
    print(f"corpus: {len(sites)} sites, {pages} pages, at {corpus} (port {port})", flush=True)

    config = load_config(corpus / "apps.yaml")
    truth = yaml.safe_load((corpus / "truth.yaml").read_text(encoding="utf-8"))
    run_id, wall, peak = crawl_corpus(corpus, config, truth, output, None, args.concurrency)

    runs = runs_from_dataset(output, run_id)
    _, tot = compare(truth, runs)
    rep = {r["app_id"]: r for r in read_table(output, "reachability", run_id).to_dict("records")}
    log = _server_log(output / "server-requests.log")
    budget = {app.id: app.time_limit_s for app in config.apps}
    rows, first_quarter, first_known = [], 0, False
    for site in sites:
        t, m, r = site.truth, runs.get(site.id), rep.get(site.id, {})
        served = log.get(f"{site.id}.localhost", {"taps": 0, "posts": 0})
        measured = m["clicks_to_human"] if m else "missing"
        ok = m is not None and measured == t["clicks_to_human"]
        first = _value(r, "seconds_to_first_route")
        first_known = first_known or "seconds_to_first_route" in r  # the column exists (null: no route)
        if first is not None:
            first_quarter += float(first) <= budget[site.id] / 4
        rows.append([
            site.id, "footer" if site.footer_shortcut else "help",
            f"{t['clicks_to_human']} / {measured}" + ("" if ok else " ✗"),
            f"{'|'.join(t['human_channel'])} / {(m or {}).get('human_channel') or '-'}",
            _show(_value(r, "min_proven")), _show(_value(r, "levels_complete")),
            _show(_value(r, "states_explored")), _show(_value(r, "page_loads")),
            _show(first, "{:.1f}"), _show(_value(r, "duration_s"), "{:.0f}"),
            _show(_value(r, "stop_reason")), str(served["taps"]), str(served["posts"]),
        ])
    _print_table(rows, ["site", "route", "clicks truth/measured", "human truth/measured", "min_proven",
                        "levels_complete", "states_explored", "page_loads", "seconds_to_first_route",
                        "duration_s", "stop_reason", "contact taps", "POSTs"])

    print("\npage loads by section (server log):")
    sections = sorted({sec for h in log.values() for sec in h["loads"]})
    _print_table([[s.id, *(str(log.get(f"{s.id}.localhost", {"loads": {}})["loads"].get(sec, 0)) for sec in sections)]
                  for s in sites], ["site", *sections])

    n = len(sites)
    audit = contact_taps(output, run_id, truth)
    print()
    print(f"clicks_to_human exact:       {tot['clicks_ok']}/{n}")
    print(f"first route within 1/4 time: {f'{first_quarter}/{n}' if first_known else '-'}")
    print(f"channels exact:              {tot['ch_ok']}/{tot['ch_total']}  " + ", ".join(
        f"{c} {ok}/{all_}" for c, (ok, all_) in sorted(tot["per_channel"].items())))
    print(f"decoys counted:              {tot['decoys']}")
    print(f"contact-starting taps:       {sum(h['taps'] for h in log.values())} by the probe, "
          f"{sum(len(v) for v in audit.values())} in the tap audit (POST requests: {sum(h['posts'] for h in log.values())})")
    print(f"wall time:                   {wall:.0f}s for {n} sites (concurrency {args.concurrency})")
    print(f"states explored:             {tot['states']}")
    print(f"peak memory (tree RSS):      {peak / 2**20:.0f} MiB")
    print(f"dataset:                     {output} (run {run_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
