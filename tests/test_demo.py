"""The README's main job: `reachability demo` crawls the bundled help centres offline and
measures exactly the documented truth (crawler/demo/truth.yaml)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler.bench import compare, runs_from_dataset
from crawler.demo import TRUTH_FILE

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.browser
@pytest.mark.slow
def test_demo_matches_truth(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "crawler", "demo", "--port", "0", "--output", str(out),
                           "--run-id", "demo", "--concurrency", "3", "--log-level", "WARNING"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    truth = yaml.safe_load(Path(TRUTH_FILE).read_text(encoding="utf-8"))
    rows, totals = compare(truth, runs_from_dataset(out, "demo"))
    report = "\n".join(" | ".join(r) for r in rows)
    n = totals["sites"]
    assert totals["status_ok"] == n and totals["clicks_ok"] == n, report
    assert totals["ch_ok"] == totals["ch_total"], report
    assert totals["decoys"] == 0 and totals["fp"] == 0 and totals["fn"] == 0, report
    assert "jinqiao-bank" in proc.stdout  # the summary table
    shots = list((out / "screenshots" / "run_id=demo").rglob("*.png"))
    assert len(shots) >= 20
