"""The `reachability` command and the Scrapy-native spider, end to end on fixture sites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from crawler.cli import main
from crawler.dataset import read_table
from crawler.sharding import in_shard

ROOT = Path(__file__).resolve().parent.parent


def write_config(path: Path, server, sites: list[str], extra: str = "") -> Path:
    lines = ["defaults: {device: mobile, max_clicks: 4, max_states: 60, time_limit_s: 120}", extra, "apps:"]
    for site in sites:
        lines += [f"  - id: {site}", f"    name: {site}", "    category: test", "    region: US",
                  f"    start_url: {server.url(site)}", f"    allowed_domains: [{site}.localhost]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text,words",
    [
        ("apps:\n  - id: a\n    name: A\n", ["apps[0]", "category", "missing"]),
        ("apps: [\n", ["YAML syntax error", "line"]),
        ("defaults: {colour: red}\napps: []\n", ["colour"]),
    ],
)
def test_bad_config_exit_2_without_traceback(tmp_path, capsys, text, words):
    cfg = tmp_path / "apps.yaml"
    cfg.write_text(text, encoding="utf-8")
    assert main(["crawl", str(cfg), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for w in words:
        assert w in err
    assert not (tmp_path / "out" / "reachability").exists()


def test_missing_config_file(tmp_path, capsys):
    assert main(["check-config", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_bad_run_id_and_unknown_app(tmp_path, capsys, sites_server):
    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-links"])
    assert main(["crawl", str(cfg), "--run-id", "../evil"]) == 2
    assert main(["crawl", str(cfg), "--apps", "nope"]) == 2
    err = capsys.readouterr().err
    assert "run" in err and "nope" in err


def test_check_config_ok(tmp_path, capsys, sites_server):
    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-links", "t-form"])
    assert main(["check-config", str(cfg)]) == 0
    assert "2 apps" in capsys.readouterr().out


@pytest.mark.browser
def test_reachability_crawl_writes_the_dataset(tmp_path, sites_server):
    """`reachability crawl` in a subprocess: the whole stack (Scrapy, scrapy-playwright, pipeline)."""
    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-links", "t-login", "t-bot-gate"])
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", str(cfg), "--output", str(out),
                           "--run-id", "r1", "--log-level", "WARNING"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = read_table(out, "reachability", "r1").set_index("app_id")
    assert rows.loc["t-links", "status"] == "found" and rows.loc["t-links", "clicks_to_human"] == 1
    assert rows.loc["t-login", "status"] == "login_wall"
    assert rows.loc["t-bot-gate", "human_channel"] == "live_chat"
    steps = read_table(out, "steps", "r1")
    assert set(steps[steps.app_id == "t-bot-gate"].label) >= {"在线客服", "人工客服"}
    for shot in steps.screenshot.dropna():
        assert (out / shot).exists()
    # the same dataset from DuckDB and pyarrow
    n = duckdb.sql(f"select count(*) from read_parquet('{out}/reachability/*/*.parquet', hive_partitioning=true,"
                   " hive_types={'run_id': VARCHAR})").fetchall()[0][0]
    assert n == 3
    assert ds.dataset(out / "channels", partitioning="hive").count_rows() >= 4


@pytest.mark.browser
def test_scrapy_native_command(tmp_path, sites_server):
    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-select"])
    out = tmp_path / "out"
    proc = subprocess.run(["scrapy", "crawl", "reachability", "-a", f"config={cfg}", "-a", f"output={out}",
                           "-a", "run_id=s1", "-s", "LOG_LEVEL=WARNING"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = read_table(out, "reachability", "s1")
    assert rows.iloc[0]["clicks_to_human"] == 1


def test_scrapy_native_bad_config_is_one_clear_line(tmp_path):
    cfg = tmp_path / "apps.yaml"
    cfg.write_text("apps: 3\n", encoding="utf-8")
    proc = subprocess.run(["scrapy", "crawl", "reachability", "-a", f"config={cfg}"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "apps" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.browser
def test_resume_skips_apps_already_written(tmp_path, sites_server):
    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-links", "t-overlay-soft"])
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "crawler", "crawl", str(cfg), "--output", str(out), "--run-id", "r3",
            "--log-level", "INFO"]
    first = subprocess.run([*base, "--apps", "t-links"], capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    second = subprocess.run([*base, "--resume"], capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "already in run r3 are skipped: t-links" in second.stderr
    rows = read_table(out, "reachability", "r3")
    assert sorted(rows.app_id) == ["t-links", "t-overlay-soft"]  # every app once, none lost
    records = [json.loads(p.read_text()) for p in (out / "runs" / "run_id=r3").glob("*.json")]
    assert any(r["apps_skipped_as_done"] == ["t-links"] and r["apps_done"] == ["t-overlay-soft"] for r in records)
    assert all(r["versions"]["chromium"] and r["config_sha256"] and r["finished_at"] for r in records)


def test_resume_needs_a_run_id_and_shard_syntax(tmp_path, sites_server, capsys):
    cfg = write_config(tmp_path / "apps.yaml", sites_server, ["t-links"])
    assert main(["crawl", str(cfg), "--resume"]) == 2
    assert main(["crawl", str(cfg), "--shard", "4/4"]) == 2
    err = capsys.readouterr().err
    assert "--run-id" in err and "0 <= I < N" in err


def test_shards_are_stable_and_disjoint():
    ids = [f"app-{i}" for i in range(200)]
    parts = [[a for a in ids if in_shard(a, i, 4)] for i in range(4)]
    assert sorted(sum(parts, [])) == sorted(ids)
    assert all(len(p) > 20 for p in parts)
    assert [a for a in ids + ["new-app"] if in_shard(a, 1, 4)][: len(parts[1])] == parts[1]
