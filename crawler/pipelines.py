"""Scrapy item pipeline: every finished app is written to the Parquet dataset at once.

Writing per app (atomically) means an interrupted run keeps everything already measured.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.dataset import DatasetWriter
from crawler.provenance import run_record, write_run_record
from crawler.records import AppResult

logger = logging.getLogger(__name__)


class DatasetPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.writer: DatasetWriter | None = None
        self.results: list[AppResult] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.started_at = dt.datetime.now(dt.UTC)
        if getattr(spider, "config_error", None):
            return
        self.writer = DatasetWriter(Path(spider.output), spider.run_id)
        write_run_record(Path(spider.output), run_record(spider, self.started_at, None, []))

    async def process_item(self, item):
        if isinstance(item, AppResult) and self.writer is not None:
            await maybe_deferred_to_future(deferToThread(self.writer.write, [item]))
            self.results.append(item)
        return item

    def close_spider(self) -> None:
        spider = self.crawler.spider
        if self.writer is not None:
            self.writer.close()
            done = [r.app_id for r in self.results]
            write_run_record(Path(spider.output), run_record(spider, self.started_at, dt.datetime.now(dt.UTC), done))
        spider.results = self.results
