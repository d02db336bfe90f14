"""Distributed runs: a Redis queue of app ids, workers on any machine, the dataset as the record.

    reachability enqueue CONFIG --run-id ID --redis-url redis://HOST:6379/0 [--output DIR]
    reachability worker  CONFIG --run-id ID --redis-url redis://HOST:6379/0 [--output DIR]

``enqueue`` pushes onto the Redis list ``reachability:<run_id>:apps`` the ids of the apps that
have no row yet in the dataset for that run (:func:`crawler.dataset.done_app_ids`). Each
``worker`` runs the ``reachability-redis`` spider (a scrapy-redis ``RedisSpider``): it takes
app ids from the list, explores them and writes its rows to the shared dataset, then closes
once the list has stayed empty for ``--max-idle`` seconds.

A worker records each app it took in the hash ``reachability:<run_id>:claims`` (app id ->
worker id) until the app's row is written, and keeps ``reachability:<run_id>:worker:<id>``
alive (a key with a short time-to-live, refreshed while it runs). Re-running ``enqueue`` is
always safe: apps with a row, apps still waiting in the list and apps claimed by a live
worker are not pushed again; apps claimed by a worker whose heartbeat has expired (killed,
machine lost) and that have no row are pushed again. So after a worker died, ``enqueue``
once more (after the heartbeat time-to-live) and any worker completes the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import uuid
from pathlib import Path
from typing import Any

from .cli import UsageError, _summary
from .config import CrawlConfig, load_config
from .dataset import done_app_ids, validate_run_id
from .provenance import config_sha256
from .records import AppResult

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
#: Seconds a worker's heartbeat key lives without being refreshed (refreshed every third).
HEARTBEAT_TTL_S = 30
#: Seconds a worker waits on an empty queue (nothing in flight) before it closes.
MAX_IDLE_S = 60


# --------------------------------------------------------------------------- Redis keys


def queue_key(run_id: str) -> str:
    """The list of app ids waiting to be crawled (the spider's ``redis_key``)."""
    return f"reachability:{run_id}:apps"


def claims_key(run_id: str) -> str:
    """Hash app id -> worker id of the apps a worker took and has not written yet."""
    return f"reachability:{run_id}:claims"


def worker_key(run_id: str, worker_id: str) -> str:
    """A worker's heartbeat: exists while the worker is alive."""
    return f"reachability:{run_id}:worker:{worker_id}"


def meta_key(run_id: str) -> str:
    """Hash describing the run as enqueued (config path and hash, output, time)."""
    return f"reachability:{run_id}:meta"


def lock_key(run_id: str) -> str:
    return f"reachability:{run_id}:enqueue-lock"


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def connect(redis_url: str | None):
    """A Redis client returning str, with timeouts that fail fast when Redis is unreachable."""
    import redis

    return redis.Redis.from_url(redis_url or DEFAULT_REDIS_URL, decode_responses=True,
                                socket_connect_timeout=10, socket_timeout=30, retry_on_timeout=True)


#: Atomically take up to ARGV[1] app ids from the head of the queue and claim them for ARGV[2].
CLAIM_SCRIPT = """
local ids = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #ids > 0 then
  redis.call('LTRIM', KEYS[1], #ids, -1)
  for _, id in ipairs(ids) do redis.call('HSET', KEYS[2], id, ARGV[2]) end
end
return ids
"""


def live_workers(server, run_id: str, worker_ids: set[str]) -> set[str]:
    """Those of these workers whose heartbeat key still exists."""
    ids = sorted(worker_ids)
    if not ids:
        return set()
    with server.pipeline(transaction=False) as pipe:
        for worker in ids:
            pipe.exists(worker_key(run_id, worker))
        alive = pipe.execute()
    return {worker for worker, exists in zip(ids, alive, strict=True) if exists}


# --------------------------------------------------------------------------- enqueue


def enqueue(config: str | os.PathLike[str] | CrawlConfig, run_id: str, redis_url: str | None,
            output: str | os.PathLike[str], resume: bool = True) -> dict[str, Any]:
    """Push the ids of the apps of ``config`` that still need crawling in run ``run_id``.

    With ``resume`` (the default) an app is pushed only if it has no reachability row in
    the dataset at ``output`` for the run; without it the dataset is not consulted. In
    both cases an app already waiting in the queue or claimed by a live worker is not
    pushed again. Returns the counts (see the keys of the dict).
    """
    import redis

    config = config if isinstance(config, CrawlConfig) else load_config(config)
    run_id = validate_run_id(run_id)
    server = connect(redis_url)
    token = uuid.uuid4().hex
    try:
        if not server.set(lock_key(run_id), token, nx=True, ex=120):
            raise UsageError(f"another enqueue for run {run_id} is running (lock {lock_key(run_id)})")
    except redis.RedisError as exc:
        raise UsageError(f"cannot reach Redis at {redis_url or DEFAULT_REDIS_URL}: {exc}") from None
    try:
        # Redis first, the dataset second: a worker writes an app's row before it releases
        # the claim, so an app seen unclaimed here is seen as done below if it was written.
        with server.pipeline(transaction=True) as pipe:
            pipe.lrange(queue_key(run_id), 0, -1)
            pipe.hgetall(claims_key(run_id))
            waiting_list, claims = pipe.execute()
        waiting = set(waiting_list)
        alive = live_workers(server, run_id, set(claims.values()))
        done = done_app_ids(output, run_id) if resume else set()

        counts = {"planned": 0, "done": 0, "waiting": 0, "in_progress": 0, "lost": 0, "pushed": 0}
        push: list[str] = []
        stale: list[str] = []
        for app in config.apps:
            counts["planned"] += 1
            if app.id in done:
                counts["done"] += 1
                if app.id in claims and claims[app.id] not in alive:
                    stale.append(app.id)  # written, then the worker died before releasing it
            elif app.id in waiting:
                counts["waiting"] += 1
            elif app.id in claims and claims[app.id] in alive:
                counts["in_progress"] += 1
            else:
                if app.id in claims:  # taken by a worker that is gone, never written: lost
                    counts["lost"] += 1
                    stale.append(app.id)
                push.append(app.id)
        with server.pipeline(transaction=True) as pipe:
            if stale:
                pipe.hdel(claims_key(run_id), *stale)
            if push:
                pipe.rpush(queue_key(run_id), *push)
            pipe.hset(meta_key(run_id), mapping={
                "config": str(config.source),
                "config_sha256": config_sha256(config.source) or "",
                "output": str(Path(output).resolve()),
                "enqueued_at": dt.datetime.now(dt.UTC).isoformat(),
                "planned": str(counts["planned"]),
            })
            pipe.llen(queue_key(run_id))
            queue_length = pipe.execute()[-1]
        counts["pushed"] = len(push)
        return {"run_id": run_id, "queue": queue_key(run_id), **counts, "queue_length": queue_length,
                "pushed_ids": push}
    except redis.RedisError as exc:
        raise UsageError(f"Redis error at {redis_url or DEFAULT_REDIS_URL}: {exc}") from None
    finally:
        try:
            if server.get(lock_key(run_id)) == token:
                server.delete(lock_key(run_id))
        except redis.RedisError:
            pass


# --------------------------------------------------------------------------- worker


def run_worker(config: CrawlConfig, output: Path, run_id: str, redis_url: str, concurrency: int | None = None,
               log_level: str = "INFO", max_idle_s: int = MAX_IDLE_S,
               heartbeat_s: int = HEARTBEAT_TTL_S) -> list[AppResult]:
    """Run the reachability-redis spider in this process until the queue stays empty."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from .spiders.reachability_redis import ReachabilityRedisSpider

    settings = get_project_settings()
    settings.set("LOG_LEVEL", log_level)
    settings.set("PLAYWRIGHT_MAX_CONTEXTS", concurrency or config.settings.concurrent_apps)
    settings.set("REDIS_URL", redis_url)
    settings.set("MAX_IDLE_TIME_BEFORE_CLOSE", max_idle_s)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReachabilityRedisSpider)
    process.crawl(crawler, config=config, output=str(output), run_id=run_id, heartbeat_s=heartbeat_s)
    process.start()
    return list(getattr(crawler.spider, "results", []) or [])


def _check_redis(redis_url: str) -> None:
    import redis

    try:
        connect(redis_url).ping()
    except redis.RedisError as exc:
        raise UsageError(f"cannot reach Redis at {redis_url}: {exc}") from None


# --------------------------------------------------------------------------- CLI


def cmd_enqueue(args: argparse.Namespace) -> int:
    counts = enqueue(args.config, args.run_id, args.redis_url, args.output, resume=not args.no_resume)
    if args.json:
        print(json.dumps(counts))
    else:
        print(f"run {counts['run_id']}: {counts['planned']} apps planned, {counts['done']} done, "
              f"{counts['waiting']} already waiting, {counts['in_progress']} in progress, "
              f"{counts['lost']} lost by dead workers; pushed {counts['pushed']} → {counts['queue']} "
              f"({counts['queue_length']} waiting)")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    run_id = validate_run_id(args.run_id)
    if args.max_idle < 0 or args.heartbeat < 3:
        raise UsageError("--max-idle must be >= 0 and --heartbeat >= 3 seconds")
    _check_redis(args.redis_url)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    results = run_worker(config, output, run_id, args.redis_url, args.concurrency, args.log_level,
                         max_idle_s=args.max_idle, heartbeat_s=args.heartbeat)
    _summary(results, output, run_id)
    return 0


def add_commands(sub) -> None:
    """The `enqueue` and `worker` subcommands of `reachability`."""
    default_url = os.environ.get("REACHABILITY_REDIS_URL", DEFAULT_REDIS_URL)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("config", help="YAML app list (the same file on every machine)")
        p.add_argument("--run-id", required=True, help="the run to fill, e.g. 2026-11")
        p.add_argument("--redis-url", default=default_url,
                       help=f"Redis holding the queue (default: $REACHABILITY_REDIS_URL or {DEFAULT_REDIS_URL})")
        p.add_argument("--output", default="output", help="dataset root shared by all workers (default: output/)")

    p = sub.add_parser("enqueue", help="queue the apps of a run that have no row yet, for `reachability worker`")
    common(p)
    p.add_argument("--no-resume", action="store_true",
                   help="do not consult the dataset: queue every app not already waiting or in progress")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=cmd_enqueue)

    p = sub.add_parser("worker", help="crawl apps taken from the run's Redis queue until it stays empty")
    common(p)
    p.add_argument("--concurrency", type=int, help="apps explored at once (default: from config)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--max-idle", type=int, default=MAX_IDLE_S,
                   help=f"close after the queue stayed empty this many seconds; 0: never (default: {MAX_IDLE_S})")
    p.add_argument("--heartbeat", type=int, default=HEARTBEAT_TTL_S,
                   help="seconds after which a silent worker counts as dead and its apps are re-queued by "
                        f"enqueue (default: {HEARTBEAT_TTL_S})")
    p.set_defaults(func=cmd_worker)
