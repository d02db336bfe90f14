"""notebooks/analysis.ipynb runs top to bottom and prints the headline figures.

The main test crawls three demo help centres for real (found, not_found, login_wall) and
executes the notebook against that dataset; two quick tests use datasets written with the
project's own DatasetWriter: one where nothing was found, one with no run at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.dataset import DatasetWriter, read_table
from crawler.records import AppResult, ChannelHit, Step

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[dev]' (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[dev]' (nbclient)")
pytest.importorskip("ipykernel", reason="pip install -e '.[dev]' (ipykernel)")
pytest.importorskip("matplotlib", reason="pip install -e '.[dev]' (matplotlib)")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "analysis.ipynb"


def execute(monkeypatch, output: Path, run_id: str | None) -> tuple[str, int]:
    """Run the notebook in a python3 kernel; returns (all text output, number of images)."""
    monkeypatch.setenv("REACHABILITY_OUTPUT", str(output))
    if run_id is None:
        monkeypatch.delenv("REACHABILITY_RUN", raising=False)
    else:
        monkeypatch.setenv("REACHABILITY_RUN", run_id)
    monkeypatch.delenv("REACHABILITY_FIGURES", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    texts: list[str] = []
    images = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            if out["output_type"] == "stream":
                texts.append(out["text"])
            data = out.get("data", {})
            if "image/png" in data:
                images += 1
            elif "text/plain" in data:
                texts.append(data["text/plain"])
    return "\n".join(texts), images


def taps_text(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def test_notebook_is_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:  # committed without outputs: they would hold someone's data
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_on_real_demo_crawl(tmp_path, monkeypatch):
    out = tmp_path / "out"
    apps = ["jinqiao-bank", "xinghe-tickets", "quill-social"]
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "demo", "--port", "0", "--output", str(out), "--run-id", "nb",
         "--apps", ",".join(apps), "--log-level", "WARNING"],
        capture_output=True, text=True, timeout=900, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    reach = read_table(out, "reachability", "nb")
    assert sorted(reach["app_id"]) == sorted(apps)

    text, images = execute(monkeypatch, out, None)  # the newest (only) run is picked by itself

    n_found = int(reach["human_reachable"].sum())
    taps = reach["clicks_to_human"].dropna().astype(float)
    assert "HEADLINE FIGURES — run nb" in text
    assert re.search(r"apps surveyed:\s+3\b", text)
    assert re.search(rf"human channel visible:\s+{n_found} of 3 apps", text)
    median = taps_text(taps.median()) if len(taps) else "n/a"
    assert re.search(rf"median taps to a human:\s+{re.escape(median)}\b", text), text
    for status in ("found", "not_found", "login_wall", "error"):
        count = int((reach["status"] == status).sum())
        assert re.search(rf"\b{status} {count}\b", text), status
    assert "bot before the human:" in text and "human service 24/7:" in text
    assert "DuckDB cross-check: OK" in text
    assert "DuckDB per-category cross-check: OK" in text
    for app in apps:
        assert app in text
    assert images == 2  # histogram and by-category plot


def _result(app_id: str, category: str, status: str, when: dt.datetime, **kw) -> AppResult:
    return AppResult(app_id=app_id, app_name=app_id.title(), category=category, region="CN", device="mobile",
                     start_url=f"https://{app_id}.example/", status=status, crawled_at=when.timestamp(), **kw)


def test_notebook_when_nothing_was_found(tmp_path, monkeypatch):
    t0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
    hit = ChannelHit(channel="phone", clicks=4, url="https://old-air.example/c", evidence_text="客服热线 95539",
                     value="+8695539", service_hours="24小时",
                     path=[Step(label=f"t{i}", role="link", selector="a", url_before="https://old-air.example/",
                                url_after="https://old-air.example/c") for i in range(4)])
    # An older run (its id sorts last) where a human was found ...
    with DatasetWriter(tmp_path, "z-older", writer_id="t") as writer:
        writer.write([_result("old-air", "airline", "found", t0, human_reachable=True, clicks_to_human=4,
                              human_channel="phone", clicks_to_contact=4,
                              path_to_human=["t0", "t1", "t2", "t3"], phone_numbers=["+8695539"],
                              service_hours="24小时", bot_before_human=False, channels=[hit])])
    # ... and the newest run by crawl time, where nothing was found.
    later = t0 + dt.timedelta(days=20)
    with DatasetWriter(tmp_path, "a-newest", writer_id="t") as writer:
        writer.write([
            _result("bot-only", "bank", "not_found", later, clicks_to_contact=0,
                    channels=[ChannelHit(channel="chatbot", clicks=0, path=[], url="https://bot-only.example/",
                                         evidence_text="我是智能客服")]),
            _result("needs-login", "telecom", "login_wall", later),
            _result("broken", "ticketing", "error", later, error="TimeoutError: page.goto"),
        ])

    text, images = execute(monkeypatch, tmp_path, None)
    assert "HEADLINE FIGURES — run a-newest" in text
    assert re.search(r"human channel visible:\s+0 of 3 apps \(0%\)", text)
    assert re.search(r"among apps crawled without error: 0 of 2", text)
    assert re.search(r"median taps to a human:\s+n/a", text)
    assert "found 0, not_found 1, login_wall 1, error 1" in text
    assert "DuckDB cross-check: OK" in text
    assert images == 2

    text, _ = execute(monkeypatch, tmp_path, "z-older")  # a chosen run
    assert re.search(r"human channel visible:\s+1 of 1 apps \(100%\)", text)
    assert re.search(r"median taps to a human:\s+4\b", text)
    assert re.search(r"human service 24/7:\s+1 of 1", text)


def test_notebook_without_any_run(tmp_path, monkeypatch):
    text, images = execute(monkeypatch, tmp_path / "missing", None)
    assert "runs found: 0" in text
    assert re.search(r"apps surveyed:\s+0\b", text)
    assert "DuckDB cross-check: skipped" in text
    assert images == 2
