"""What produced a run: versions, config hash, device profiles, time span, apps planned and done.

One JSON file per writer (process) under `<root>/runs/run_id=<id>/`, replaced atomically
at the start and at the end of the crawl, so a killed run still says what it planned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import socket
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .browser import chromium_path, chromium_version


def config_sha256(source: str) -> str | None:
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()
    except OSError:
        return None


def _versions() -> dict[str, str]:
    out = {"crawler": __version__, "python": platform.python_version(), "chromium": chromium_version()}
    for mod in ("scrapy", "scrapy_playwright", "playwright", "pyarrow"):
        try:
            from importlib.metadata import version

            out[mod] = version(mod.replace("_", "-"))
        except Exception:  # noqa: BLE001 - provenance is best effort, never fatal
            pass
    return out


def run_record(spider, started_at: dt.datetime, finished_at: dt.datetime | None, done: list[str]) -> dict[str, Any]:
    config = getattr(spider, "config", None)
    apps = getattr(spider, "apps", [])
    return {
        "run_id": spider.run_id,
        "writer_id": f"{socket.gethostname()}-{os.getpid()}",
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat() if finished_at else None,
        "versions": _versions(),
        "chromium_path": chromium_path(),
        "config": getattr(config, "source", None),
        "config_sha256": config_sha256(config.source) if config else None,
        "devices": sorted({a.device for a in apps}),
        "settings": config.settings.model_dump() if config else None,
        "shard": "/".join(map(str, spider.shard)) if getattr(spider, "shard", None) else None,
        "apps_planned": list(getattr(spider, "planned", [])),
        "apps_skipped_as_done": list(getattr(spider, "skipped", [])),
        "apps_done": done,
        "argv": sys.argv,
    }


def write_run_record(root: Path, record: dict[str, Any]) -> Path:
    directory = Path(root) / "runs" / f"run_id={record['run_id']}"
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{record['writer_id']}.json"
    tmp = directory / f".tmp-{final.name}"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, final)
    return final
