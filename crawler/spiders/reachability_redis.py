"""The reachability spider fed by a Redis queue (scrapy-redis), for workers on several machines.

    reachability enqueue CONFIG --run-id ID --redis-url URL      # once
    reachability worker CONFIG --run-id ID --redis-url URL       # on every machine, any number
    scrapy crawl reachability-redis -a config=CONFIG -a run_id=ID -s REDIS_URL=URL   # the same

The queue ``reachability:<run_id>:apps`` holds app ids; the app itself (start URL, budgets,
device) comes from the worker's config, which must be the same file everywhere. The search,
the request and the result are the ReachabilitySpider's. See crawler/distributed.py for the
claims and heartbeats that let ``enqueue`` re-queue the apps of a worker that died.
"""

from __future__ import annotations

import json
import logging
import time

import redis
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy_redis.spiders import RedisSpider
from twisted.internet.task import LoopingCall

from crawler.dataset import done_app_ids
from crawler.distributed import (
    CLAIM_SCRIPT,
    HEARTBEAT_TTL_S,
    MAX_IDLE_S,
    claims_key,
    connect,
    meta_key,
    new_worker_id,
    queue_key,
    worker_key,
)
from crawler.provenance import config_sha256
from crawler.records import AppResult
from crawler.spiders.reachability import ReachabilitySpider

logger = logging.getLogger(__name__)


class ReachabilityRedisSpider(RedisSpider, ReachabilitySpider):
    """`scrapy crawl reachability-redis -a config=PATH -a run_id=ID [-a output=DIR] [-a redis_url=URL]`

    Takes at most as many apps as it explores at once (PLAYWRIGHT_MAX_CONTEXTS) and takes
    the next one as soon as one is written, so apps spread over the workers. Closes when
    the queue has stayed empty for MAX_IDLE_TIME_BEFORE_CLOSE seconds (``-a max_idle=S``;
    default 60; 0 never closes).
    """

    name = "reachability-redis"

    def __init__(self, config=None, output: str = "output", run_id: str | None = None,
                 redis_url: str | None = None, max_idle: str | int | None = None,
                 heartbeat_s: str | int | None = None, *args, **kwargs) -> None:
        unsupported = sorted(k for k in ("apps", "shard", "resume") if kwargs.pop(k, None))
        super().__init__(config, output, run_id, *args, **kwargs)
        self.redis_url = redis_url
        self._max_idle_arg = max_idle
        self.heartbeat_s = int(heartbeat_s or HEARTBEAT_TTL_S)
        self.worker_id = new_worker_id()
        self.in_flight: set[str] = set()
        self.taken: list[str] = []
        self._idle_since = time.monotonic()
        self._beat: LoopingCall | None = None
        if self.config_error:
            return
        if not run_id:
            self.config_error = ("missing the run id: every worker of a run reads the queue of that run "
                                 "(-a run_id=ID, reachability worker --run-id ID)")
        elif unsupported:
            self.config_error = (f"{', '.join(unsupported)}: not for reachability-redis, the queue decides "
                                 "which apps are crawled (see reachability enqueue)")
        self.redis_key = queue_key(self.run_id)

    # ------------------------------------------------------------------ Redis set-up

    def setup_redis(self, crawler=None) -> None:
        """Like RedisMixin.setup_redis, with a str-returning client and our own signals."""
        if self.server is not None:
            return
        crawler = crawler or getattr(self, "crawler", None)
        if crawler is None:
            raise ValueError("crawler is required")
        if self.config_error:
            return  # start() reports it and closes the spider
        settings = crawler.settings
        self.server = connect(self.redis_url or settings.get("REDIS_URL"))
        self.capacity = max(1, settings.getint("PLAYWRIGHT_MAX_CONTEXTS", 2))
        self.redis_batch_size = self.capacity
        self.redis_encoding = "utf-8"
        self.count_size = self.server.llen
        self._claim = self.server.register_script(CLAIM_SCRIPT)
        max_idle = self._max_idle_arg
        if max_idle is None:
            max_idle = settings.get("MAX_IDLE_TIME_BEFORE_CLOSE")
        self.max_idle_time = int(MAX_IDLE_S if max_idle is None else max_idle)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self._on_opened, signal=signals.spider_opened)
        crawler.signals.connect(self._on_closed, signal=signals.spider_closed)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._on_item, signal=signal)
        crawler.signals.connect(self._on_spider_error, signal=signals.spider_error)
        logger.info("worker %s reads app ids from redis key %s (%d at once, closes after %ss idle)",
                    self.worker_id, self.redis_key, self.capacity, self.max_idle_time or "never")

    # ------------------------------------------------------------------ requests

    async def start(self):
        if self.config_error:
            logger.error("%s", self.config_error)
            raise CloseSpider("config error")
        self._heartbeat()  # alive before the first claim
        self._check_meta()
        for request in self.next_requests():
            yield request

    def next_requests(self):
        """Claim app ids while there is room (atomically: pop + claim) and yield their requests."""
        if self.server is None or self.config_error:
            return
        while len(self.in_flight) < self.capacity and self._accepting():
            try:
                ids = self._claim(keys=[self.redis_key, claims_key(self.run_id)],
                                  args=[self.capacity - len(self.in_flight), self.worker_id])
            except redis.RedisError as exc:
                logger.warning("cannot read the queue %s: %s", self.redis_key, exc)
                return
            if not ids:
                return
            self._idle_since = time.monotonic()
            done = done_app_ids(self.output, self.run_id)  # re-queued twice, or written meanwhile
            for app_id in ids:
                if app_id in done:
                    logger.info("%s: already has a row in run %s, skipped", app_id, self.run_id)
                    self._release(app_id)
                    continue
                try:
                    app = self.config.app(app_id)
                except KeyError as exc:
                    logger.error("queued app %s is not in this worker's config: %s", app_id, exc)
                    self._release(app_id)
                    continue
                self.in_flight.add(app_id)
                self.taken.append(app_id)
                logger.info("%s: taken from %s by %s", app_id, self.redis_key, self.worker_id)
                yield self.app_request(app)

    def spider_idle(self) -> None:
        """Take more apps; close once the queue stayed empty for max_idle_time seconds."""
        if self.server is None:
            return  # config error: let the spider close
        self.schedule_next_requests()
        if self.in_flight:
            self._idle_since = time.monotonic()
            raise DontCloseSpider
        idle = time.monotonic() - self._idle_since
        if self.max_idle_time and idle >= self.max_idle_time:
            logger.info("queue %s empty for %.0fs: worker %s closes", self.redis_key, idle, self.worker_id)
            return
        raise DontCloseSpider

    def _accepting(self) -> bool:
        """False once the crawl is stopping (Ctrl-C, SIGTERM): take no more apps then."""
        engine = getattr(getattr(self, "crawler", None), "engine", None)
        return engine is None or bool(getattr(engine, "running", True))

    # ------------------------------------------------------------------ bookkeeping

    def _release(self, app_id: str) -> None:
        try:
            self.server.hdel(claims_key(self.run_id), app_id)
        except redis.RedisError as exc:
            logger.warning("%s: could not release the claim: %s", app_id, exc)

    def _finish(self, app_id: str) -> None:
        if app_id not in self.in_flight:
            return
        self.in_flight.discard(app_id)
        self._release(app_id)  # after the pipeline wrote the row (or failed to: then enqueue re-queues it)
        self._idle_since = time.monotonic()
        self.schedule_next_requests()

    def _on_item(self, item, response=None, spider=None, **kwargs) -> None:
        if isinstance(item, AppResult):
            self._finish(item.app_id)

    def _on_spider_error(self, failure, response=None, spider=None, **kwargs) -> None:
        app_id = getattr(response, "meta", {}).get("app_id") if response is not None else None
        if app_id:
            logger.error("%s: the callback failed, released for re-queueing: %s", app_id, failure.getErrorMessage())
            self._finish(app_id)

    def _heartbeat(self) -> None:
        if self.server is None:
            return
        value = json.dumps({"in_flight": sorted(self.in_flight), "taken": len(self.taken), "at": time.time()})
        try:
            self.server.set(worker_key(self.run_id, self.worker_id), value, ex=self.heartbeat_s)
        except redis.RedisError as exc:
            logger.warning("heartbeat failed: %s", exc)

    def _check_meta(self) -> None:
        try:
            meta = self.server.hgetall(meta_key(self.run_id))
        except redis.RedisError:
            return
        mine = config_sha256(self.config.source) or ""
        if meta.get("config_sha256") and meta["config_sha256"] != mine:
            logger.warning("this worker's config %s differs from the one enqueued (%s): the app ids come from "
                           "there, their settings from here", self.config.source, meta.get("config"))

    def _on_opened(self, spider=None) -> None:
        if self.server is None:
            return
        self._beat = LoopingCall(self._heartbeat)
        self._beat.start(max(1.0, self.heartbeat_s / 3), now=True)

    def _on_closed(self, spider=None, reason=None) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        if self.server is None:
            return
        try:
            unfinished = sorted(self.in_flight)
            if unfinished:  # a graceful stop (Ctrl-C, SIGTERM): give the apps back at the head of the queue
                done = done_app_ids(self.output, self.run_id)
                back = [a for a in unfinished if a not in done]
                with self.server.pipeline(transaction=True) as pipe:
                    if back:
                        pipe.lpush(self.redis_key, *reversed(back))
                    pipe.hdel(claims_key(self.run_id), *unfinished)
                    pipe.execute()
                if back:
                    logger.info("gave back %d unfinished apps to %s: %s", len(back), self.redis_key, ", ".join(back))
            self.server.delete(worker_key(self.run_id, self.worker_id))
        except redis.RedisError as exc:
            logger.warning("could not clean up in redis: %s", exc)
