"""Do repeated runs give the same dataset? Compares the measured columns of runs, timestamps aside.

    python -m crawler.stability OUTPUT [RUN_ID ...]      # default: every run in OUTPUT

A count a journalist prints must not depend on which page of a parallel search finished
first: every app's status, taps, channels (taps, evidence, value, hours), numbers, hours and
path must be identical from run to run. Durations, state and load counts may differ (they
are costs, not findings). Exit 1 when runs differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .dataset import read_table

#: what a run found (not what it cost): must be equal over runs
APP_COLUMNS = ("status", "clicks_to_human", "human_channel", "phone_numbers", "service_hours", "path_to_human",
               "login_wall", "error")
CHANNEL_COLUMNS = ("channel", "clicks", "evidence_text", "value", "service_hours")


def _plain(value):
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "tolist"):
        return tuple(value.tolist())
    if isinstance(value, list):
        return tuple(value)
    return value


def fingerprint(root: Path, run_id: str) -> dict[str, dict]:
    """Per app: the findings of one run, as comparable plain values."""
    apps = read_table(root, "reachability", run_id)
    chans = read_table(root, "channels", run_id)
    out = {}
    for r in apps.to_dict("records"):
        ch = chans[chans.app_id == r["app_id"]].sort_values("channel")
        out[r["app_id"]] = {
            **{c: _plain(r.get(c)) for c in APP_COLUMNS if c in r},
            "channels": tuple(tuple(_plain(x[c]) for c in CHANNEL_COLUMNS if c in x) for x in ch.to_dict("records")),
        }
    return out


def differences(prints: dict[str, dict[str, dict]]) -> list[str]:
    """'app: column: run -> value' lines wherever runs disagree."""
    runs = list(prints)
    if len(runs) < 2:
        return []
    out = []
    apps = sorted(set().union(*(set(p) for p in prints.values())))
    for app in apps:
        rows = {run: prints[run].get(app) for run in runs}
        columns = sorted(set().union(*(set(r or {}) for r in rows.values())))
        for col in columns:
            values = {run: (r or {}).get(col) for run, r in rows.items()}
            if len({repr(v) for v in values.values()}) > 1:
                out.append(f"{app}: {col}: " + "; ".join(f"{run} -> {v!r}"[:300] for run, v in values.items()))
    return out


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__)
        return 2
    root = Path(args[0])
    run_ids = args[1:] or sorted(p.name.split("=", 1)[1] for p in (root / "reachability").glob("run_id=*"))
    prints = {run: fingerprint(root, run) for run in run_ids}
    diffs = differences(prints)
    apps = len(set().union(*(set(p) for p in prints.values()))) if prints else 0
    print(f"{len(run_ids)} runs, {apps} apps: " + ("identical findings" if not diffs else f"{len(diffs)} differences"))
    for d in diffs:
        print("  " + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
