"""The Parquet dataset: explicit schemas, an atomic multi-process writer and readers.

Layout (hive partitioning by run)::

    <root>/<table>/run_id=<id>/part-<writer_id>-<seq>-<uuid8>.parquet

``run_id`` is *not* stored inside the part files: it comes from the directory name, so
that hive-aware readers never see two conflicting ``run_id`` columns. Readers must be
told that the partition column is a string (otherwise "20261124" becomes an integer);
see docs/dataset.md for the snippets, or use :func:`read_table`.

One :meth:`DatasetWriter.write` call publishes one part file per table, all with the
same file name. ``reachability`` is renamed into place last and acts as the commit
marker: a ``channels``/``steps`` part without a ``reachability`` part of the same name is
debris of a hard crash, and :func:`read_table` ignores it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sys
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from crawler.records import CHANNELS, STATUSES, AppResult, ChannelHit

if TYPE_CHECKING:
    import pandas

__all__ = [
    "SCHEMAS",
    "SCHEMA_VERSION",
    "TABLES",
    "DatasetWriter",
    "SchemaError",
    "build_table",
    "done_app_ids",
    "file_schema",
    "list_runs",
    "new_run_id",
    "read_table",
    "rows_for",
    "schema_markdown",
    "screenshot_dir",
    "update_docs",
    "validate_run_id",
]

SCHEMA_VERSION = "1"
#: Table names, in the order the docs list them.
TABLES = ("reachability", "channels", "steps")
#: The partition column, present in every table, stored only in the directory name.
PARTITION = "run_id"
_RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_COMPRESSION = "zstd"

#: Named "element" like Parquet's LIST, so a written schema reads back exactly equal.
_LIST_STR = pa.list_(pa.field("element", pa.string()))
_TIMESTAMP = pa.timestamp("us", tz="UTC")


class SchemaError(ValueError):
    """Rows do not match the declared schema (a column added, dropped or mistyped)."""


def _field(
    name: str, type_: pa.DataType, description: str, example: str, nullable: bool = True
) -> pa.Field:
    return pa.field(
        name, type_, nullable=nullable, metadata={"description": description, "example": example}
    )


def _schema(table: str, fields: list[pa.Field]) -> pa.Schema:
    return pa.schema(fields, metadata={"table": table, "schema_version": SCHEMA_VERSION})


def _run_id_field() -> pa.Field:
    return _field(
        PARTITION,
        pa.string(),
        "Identifier of the crawl run. Comes from the partition directory name "
        "run_id=<id> and is not stored inside the part files; always read it as a string.",
        "20261124T071500Z",
        nullable=False,
    )


def _app_id_field() -> pa.Field:
    return _field(
        "app_id",
        pa.string(),
        "Stable identifier of the app, from the app list.",
        "acme-air",
        nullable=False,
    )


_CHANNEL_DESC = "Contact channel: one of " + ", ".join(CHANNELS) + "."

#: The logical schema of each table, as readers see it (``run_id`` first).
SCHEMAS: dict[str, pa.Schema] = {
    "reachability": _schema(
        "reachability",
        [
            _run_id_field(),
            _field(
                "crawled_at",
                _TIMESTAMP,
                "When the crawl of this app started, in UTC.",
                "2026-11-24 07:15:03.512000+00:00",
                nullable=False,
            ),
            _app_id_field(),
            _field("app_name", pa.string(), "Display name of the app.", "Acme Air", nullable=False),
            _field(
                "category",
                pa.string(),
                "Category slug from the app list.",
                "airline",
                nullable=False,
            ),
            _field(
                "region",
                pa.string(),
                "ISO 3166-1 alpha-2 region of the help center crawled; phone numbers are "
                "parsed for this region.",
                "CN",
                nullable=False,
            ),
            _field(
                "locale",
                pa.string(),
                "Language tag the browser asked for; null if the app list sets none.",
                "zh-CN",
            ),
            _field(
                "device",
                pa.string(),
                "Emulated device: mobile or desktop.",
                "mobile",
                nullable=False,
            ),
            _field(
                "start_url",
                pa.string(),
                "Help center page where counting starts (0 clicks).",
                "https://m.acme-air.example/help",
                nullable=False,
            ),
            _field(
                "status",
                pa.string(),
                "Outcome: found (a human channel became visible), not_found (none within "
                "the budget), login_wall (the way on needs an account), error (the crawl "
                "failed; see error).",
                "found",
                nullable=False,
            ),
            _field(
                "human_reachable",
                pa.bool_(),
                "True if a human channel (phone, live_chat or callback) became visible "
                "within the budget.",
                "true",
                nullable=False,
            ),
            _field(
                "clicks_to_human",
                pa.int32(),
                "Fewest taps from start_url until the entry point of a human channel is "
                "visible; null if none was found.",
                "3",
            ),
            _field(
                "human_channel",
                pa.string(),
                "Human channel(s) visible at clicks_to_human; ties joined by '|' in name "
                "order; null if none was found.",
                "live_chat|phone",
            ),
            _field(
                "clicks_to_contact",
                pa.int32(),
                "Fewest taps until any contact channel (human or not: chatbot, email, "
                "web_form too) is visible; null if none was found.",
                "1",
            ),
            _field(
                "path_to_human",
                _LIST_STR,
                "Labels of the elements tapped, in order, on the shortest path to the human "
                "channel; empty if visible on the start page; null if none was found.",
                "['我的', '帮助中心', '联系客服']",
            ),
            _field(
                "phone_numbers",
                _LIST_STR,
                "Phone numbers shown by the help center, E.164 where they could be parsed; "
                "empty if none.",
                "['+864001234567']",
                nullable=False,
            ),
            _field(
                "service_hours",
                pa.string(),
                "Opening hours shown with the human channel reached at the minimum, as displayed; "
                "null if it shows none (other channels keep theirs in `channels`).",
                "9:00-21:00",
            ),
            _field(
                "bot_before_human",
                pa.bool_(),
                "True if a chatbot stands between the user and the human channel; null if "
                "unknown or no human channel was found.",
                "true",
            ),
            _field(
                "states_explored",
                pa.int32(),
                "Distinct page states the search visited.",
                "57",
                nullable=False,
            ),
            _field(
                "clicks_performed",
                pa.int32(),
                "Taps the crawler performed in total, over all branches of the search.",
                "112",
                nullable=False,
            ),
            _field(
                "page_loads",
                pa.int32(),
                "Page loads (navigations) during the search.",
                "40",
                nullable=False,
            ),
            _field(
                "duration_s",
                pa.float64(),
                "Wall-clock seconds spent on this app.",
                "83.4",
                nullable=False,
            ),
            _field(
                "budget_exhausted",
                pa.bool_(),
                "True if max_clicks, max_states or time_limit_s stopped the search early; a "
                "not_found is then only a lower bound.",
                "false",
                nullable=False,
            ),
            _field(
                "error",
                pa.string(),
                "What went wrong, if status is error (or a non-fatal problem); else null.",
                "TimeoutError: page.goto: Timeout 30000ms exceeded",
            ),
            _field(
                "final_url",
                pa.string(),
                "URL of the page where the human channel was visible at the minimum; "
                "null if no human channel was found.",
                "https://m.acme-air.example/help/contact",
            ),
            _field(
                "offsite_links",
                _LIST_STR,
                "Links to other domains and app-scheme links (weixin:, intent:) that were seen but "
                "never followed; empty if none.",
                "['https://weibo.com/acmeair']",
                nullable=False,
            ),
            _field(
                "load_errors",
                _LIST_STR,
                "Pages that failed to load during the search, as 'URL: reason' (HTTP 5xx after one "
                "retry, net::ERR_CONNECTION_RESET, timeout, redirect loop); a not_found with load errors "
                "may have missed a channel behind them. Empty if none; null in runs written before "
                "this column existed.",
                "['https://m.acme-air.example/help/contact: HTTP 503']",
            ),
            _field(
                "stop_reason",
                pa.string(),
                "Why the search ended: all_channels_found (every channel type found at a proven "
                "minimum), answer_complete (human minimum proven and the levels up to 4 taps past it "
                "searched for the other channels), explored_all (nothing left to tap within "
                "max_clicks), max_clicks (taps left unexplored at the depth limit), max_states, "
                "time_limit (time_limit_s) or restore_failed (everything else explored, but states that "
                "could not be restored left their taps untried: no claim of completeness). Null if the "
                "search did not run (start page failed) and in runs written before this column existed.",
                "max_states",
            ),
            _field(
                "restore_failures",
                pa.int32(),
                "Times a recorded state could not be brought back (reload, replay of its taps, then a "
                "fresh start) to take its remaining taps; >0 means some taps were not tried. Null in "
                "runs written before this column existed.",
                "0",
            ),
            _field(
                "contact_queues",
                _LIST_STR,
                "Taps after which an agent queue or 'waiting for an agent' text appeared, as 'control -> "
                "text': the crawler left at once and never tapped that control again (the control is "
                "then the live-chat entry point). Empty if none; null in runs written before this "
                "column existed.",
                "['Chat with us -> You are number 3 in the queue']",
            ),
            _field(
                "min_proven",
                pa.bool_(),
                "True if clicks_to_human is a proven minimum: every state reachable in fewer taps was "
                "examined (levels_complete >= clicks_to_human - 1). False: a route of that length "
                "exists, but the search ran out of budget before it could rule out a shorter one. Null "
                "if no human channel was found, and in runs written before this column existed.",
                "true",
            ),
            _field(
                "levels_complete",
                pa.int32(),
                "Deepest number of taps d such that every state reachable in d taps or fewer was "
                "examined (breadth-first proof, see README 'How the search works'). Null if the search "
                "never ran, and in runs written before this column existed.",
                "3",
            ),
            _field(
                "seconds_to_first_route",
                pa.float64(),
                "Seconds from the start of the search until a human channel was first seen (by the "
                "best-first probe or the proof); null if none was found, and in runs written before "
                "this column existed.",
                "4.2",
            ),
            _field(
                "previous_route",
                pa.string(),
                "The latest earlier run (same output) that found a human for this app: its shortest "
                "human route was replayed first, tap by tap. confirmed: the same taps still show the "
                "same channel; changed: they no longer do (news in itself). Null if there was no "
                "earlier route, the replay is off (replay_previous_routes: false), and in runs "
                "written before this column existed.",
                "confirmed",
            ),
        ],
    ),
    "channels": _schema(
        "channels",
        [
            _run_id_field(),
            _app_id_field(),
            _field("channel", pa.string(), _CHANNEL_DESC, "phone", nullable=False),
            _field(
                "clicks",
                pa.int32(),
                "Fewest taps from start_url until this channel's entry point is visible (a proven "
                "minimum when min_proven is true, else the shortest route found).",
                "2",
                nullable=False,
            ),
            _field(
                "path",
                _LIST_STR,
                "Labels of the elements tapped on that shortest path; empty if visible on "
                "the start page.",
                "['帮助中心', '联系我们']",
                nullable=False,
            ),
            _field(
                "url",
                pa.string(),
                "URL of the page on which the channel was visible.",
                "https://m.acme-air.example/help/contact",
                nullable=False,
            ),
            _field(
                "evidence_text",
                pa.string(),
                "Text that identified the channel (element label or nearby text).",
                "客服热线 95539",
                nullable=False,
            ),
            _field(
                "value",
                pa.string(),
                "Phone number (E.164), e-mail address or similar; null if none.",
                "+864001234567",
            ),
            _field(
                "screenshot",
                pa.string(),
                "Screenshot of the state, relative to the output root; null if none.",
                "screenshots/run_id=20261124T071500Z/acme-air/phone.png",
            ),
            _field(
                "service_hours",
                pa.string(),
                "Opening hours shown with this channel, as displayed; null if none.",
                "24小时",
            ),
            _field(
                "min_proven",
                pa.bool_(),
                "True if clicks is a proven minimum for this channel (every state reachable in fewer "
                "taps was examined); false if it is the shortest route found within the budget. Null "
                "in runs written before this column existed.",
                "true",
            ),
        ],
    ),
    "steps": _schema(
        "steps",
        [
            _run_id_field(),
            _app_id_field(),
            _field(
                "channel",
                pa.string(),
                "Channel whose shortest path this step belongs to.",
                "phone",
                nullable=False,
            ),
            _field(
                "step",
                pa.int32(),
                "Position of the tap on the path; 1 is the first tap.",
                "1",
                nullable=False,
            ),
            _field(
                "label",
                pa.string(),
                "Visible label or accessible name of the tapped element.",
                "帮助中心",
                nullable=False,
            ),
            _field(
                "role",
                pa.string(),
                "Role of the tapped element (link, button, option...).",
                "link",
                nullable=False,
            ),
            _field(
                "selector",
                pa.string(),
                "Selector used to tap it, for replaying the path.",
                "a[href='/help']",
                nullable=False,
            ),
            _field(
                "url_before",
                pa.string(),
                "Page URL before the tap.",
                "https://m.acme-air.example/",
                nullable=False,
            ),
            _field(
                "url_after",
                pa.string(),
                "Page URL after the tap.",
                "https://m.acme-air.example/help",
                nullable=False,
            ),
            _field(
                "screenshot",
                pa.string(),
                "Screenshot taken just before the tap, with the tapped control outlined, relative "
                "to the output root; null if none.",
                "screenshots/run_id=20261124T071500Z/acme-air/phone-step1.png",
            ),
        ],
    ),
}

_PARTITIONING = ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive")
_SORT_KEYS = {
    "reachability": [PARTITION, "app_id"],
    "channels": [PARTITION, "app_id", "clicks", "channel"],
    "steps": [PARTITION, "app_id", "channel", "step"],
}


def file_schema(table: str) -> pa.Schema:
    """Schema of the part files: the logical schema without the partition column."""
    schema = _table_schema(table)
    return schema.remove(schema.get_field_index(PARTITION))


def _table_schema(table: str) -> pa.Schema:
    try:
        return SCHEMAS[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}") from None


# --------------------------------------------------------------------------- ids


def validate_run_id(run_id: str) -> str:
    """Return run_id if it is safe as a directory name and partition value, else ValueError."""
    if not isinstance(run_id, str) or not _RUN_ID_RE.match(run_id):
        raise ValueError(
            f"invalid run id {run_id!r}: use 1-64 characters from letters, digits, '.', '_' "
            "and '-', starting with a letter or digit (e.g. '20261124T071500Z')"
        )
    return run_id


def new_run_id(now: dt.datetime | float | None = None) -> str:
    """A run id from the UTC time, e.g. '20261124T071500Z' (naive datetimes are UTC)."""
    if now is None:
        when = dt.datetime.now(dt.UTC)
    elif isinstance(now, dt.datetime):
        when = now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now
    else:
        when = dt.datetime.fromtimestamp(float(now), tz=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _default_writer_id() -> str:
    host = re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname() or "host")[:40].strip("._-")
    return f"{host or 'host'}-{os.getpid()}"


def screenshot_dir(run_id: str, app_id: str) -> str:
    """Where an app's screenshots go, relative to the output root (as stored in the tables)."""
    return f"screenshots/{PARTITION}={validate_run_id(run_id)}/{app_id}"


# --------------------------------------------------------------------------- rows


def _crawled_at(seconds: float) -> dt.datetime:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise SchemaError(f"reachability.crawled_at: expected UNIX seconds, got {seconds!r}")
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise SchemaError(f"reachability.crawled_at: bad UNIX time {seconds!r}: {exc}") from None


def _channel_rows(hit: ChannelHit, run_id: str, app_id: str) -> tuple[dict, list[dict]]:
    channel = {
        "run_id": run_id,
        "app_id": app_id,
        "channel": hit.channel,
        "clicks": hit.clicks,
        "path": [step.label for step in hit.path],
        "url": hit.url,
        "evidence_text": hit.evidence_text,
        "value": hit.value,
        "screenshot": hit.screenshot,
        "service_hours": hit.service_hours,
        "min_proven": hit.min_proven,
    }
    steps = [
        {
            "run_id": run_id,
            "app_id": app_id,
            "channel": hit.channel,
            "step": number,
            "label": step.label,
            "role": step.role,
            "selector": step.selector,
            "url_before": step.url_before,
            "url_after": step.url_after,
            "screenshot": step.screenshot,
        }
        for number, step in enumerate(hit.path, start=1)
    ]
    return channel, steps


def rows_for(result: AppResult, run_id: str) -> dict[str, list[dict[str, Any]]]:
    """The rows one AppResult contributes to each table (keys are SCHEMAS' column names)."""
    validate_run_id(run_id)
    if result.status not in STATUSES:
        raise SchemaError(
            f"reachability.status: {result.status!r} is not one of {', '.join(STATUSES)}"
        )
    reach = {
        "run_id": run_id,
        "crawled_at": _crawled_at(result.crawled_at),
        "app_id": result.app_id,
        "app_name": result.app_name,
        "category": result.category,
        "region": result.region,
        "locale": result.locale,
        "device": result.device,
        "start_url": result.start_url,
        "status": result.status,
        "human_reachable": result.human_reachable,
        "clicks_to_human": result.clicks_to_human,
        "human_channel": result.human_channel,
        "clicks_to_contact": result.clicks_to_contact,
        "path_to_human": None if result.path_to_human is None else list(result.path_to_human),
        "phone_numbers": list(result.phone_numbers),
        "service_hours": result.service_hours,
        "bot_before_human": result.bot_before_human,
        "states_explored": result.states_explored,
        "clicks_performed": result.clicks_performed,
        "page_loads": result.page_loads,
        "duration_s": result.duration_s,
        "budget_exhausted": result.budget_exhausted,
        "error": result.error,
        "final_url": result.final_url,
        "offsite_links": list(result.offsite_links),
        "load_errors": list(result.load_errors),
        "stop_reason": result.stop_reason,
        "restore_failures": result.restore_failures,
        "contact_queues": list(result.contact_queues),
        "min_proven": result.min_proven,
        "levels_complete": result.levels_complete,
        "seconds_to_first_route": result.seconds_to_first_route,
        "previous_route": result.previous_route,
    }
    channels: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    for hit in result.channels:
        if hit.channel not in CHANNELS:
            raise SchemaError(
                f"channels.channel: {hit.channel!r} is not one of {', '.join(CHANNELS)}"
            )
        channel_row, step_rows = _channel_rows(hit, run_id, result.app_id)
        channels.append(channel_row)
        steps.extend(step_rows)
    return {"reachability": [reach], "channels": channels, "steps": steps}


def _type_ok(type_: pa.DataType, value: Any) -> bool:
    if pa.types.is_string(type_):
        return isinstance(value, str)
    if pa.types.is_int32(type_):
        return isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31
    if pa.types.is_float64(type_):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if pa.types.is_boolean(type_):
        return isinstance(value, bool)
    if pa.types.is_timestamp(type_):
        return isinstance(value, dt.datetime) and value.tzinfo is not None
    if pa.types.is_list(type_):
        return isinstance(value, (list, tuple)) and all(
            _type_ok(type_.value_type, item) for item in value
        )
    raise SchemaError(f"no check for type {type_}")  # a new type in SCHEMAS needs one


def build_table(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Check rows strictly against SCHEMAS[table] and build the part-file table.

    pyarrow alone would silently drop unknown keys, fill missing ones with null, store
    nulls in non-null columns and truncate 1.5 to 1, so every value is checked here.
    """
    schema = _table_schema(table)
    names = set(schema.names)
    for index, row in enumerate(rows):
        keys = set(row)
        if keys != names:
            extra, missing = sorted(keys - names), sorted(names - keys)
            raise SchemaError(
                f"{table}: row {index} does not match the schema (unexpected columns: "
                f"{extra or 'none'}; missing columns: {missing or 'none'})"
            )
        for field in schema:
            value = row[field.name]
            if value is None:
                if not field.nullable:
                    raise SchemaError(f"{table}.{field.name}: null in a non-null column")
            elif not _type_ok(field.type, value):
                raise SchemaError(
                    f"{table}.{field.name}: expected {_type_name(field.type)}, got "
                    f"{type(value).__name__} {value!r:.80}"
                )
    return pa.Table.from_pylist(rows, schema=file_schema(table))


# --------------------------------------------------------------------------- writer


def _fsync_dir(path: Path) -> None:
    """Make a rename durable; not possible on every OS, so failures are ignored."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class DatasetWriter:
    """Appends AppResults of one run to the dataset; safe with several writers per run."""

    def __init__(
        self, root: str | os.PathLike[str], run_id: str, writer_id: str | None = None
    ) -> None:
        self.root = Path(root)
        self.run_id = validate_run_id(run_id)
        if writer_id is None:
            writer_id = _default_writer_id()
        elif not _RUN_ID_RE.match(writer_id):
            raise ValueError(
                f"invalid writer id {writer_id!r}: use letters, digits, '.', '_' and '-'"
            )
        self.writer_id = writer_id
        self._seq = 0
        self._lock = threading.Lock()  # write() may be called from a thread pool
        self._closed = False
        self.files: list[Path] = []  # every part file this writer published

    def partition_dir(self, table: str) -> Path:
        """Directory of this run's part files for ``table``."""
        _table_schema(table)
        return self.root / table / f"{PARTITION}={self.run_id}"

    def write(self, results: Iterable[AppResult]) -> None:
        """Publish one part file per table for these results, atomically.

        All three files are first written under hidden '.tmp-' names and fsynced, then
        renamed, reachability last. On any exception nothing stays visible.
        """
        if self._closed:
            raise RuntimeError("DatasetWriter is closed")
        results = list(results)
        if not results:
            return
        rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        for result in results:
            for table, table_rows in rows_for(result, self.run_id).items():
                rows[table].extend(table_rows)
        tables = {table: build_table(table, rows[table]) for table in TABLES}

        with self._lock:
            self._seq += 1
            seq = self._seq
        name = f"part-{self.writer_id}-{seq:05d}-{uuid.uuid4().hex[:8]}.parquet"
        staged: list[tuple[Path, Path]] = []
        published: list[Path] = []
        try:
            for table in ("steps", "channels", "reachability"):
                directory = self.partition_dir(table)
                directory.mkdir(parents=True, exist_ok=True)
                tmp = directory / f".tmp-{name}.partial"  # no .parquet suffix: not globbed
                staged.append((tmp, directory / name))
                with open(tmp, "wb") as fh:
                    pq.write_table(tables[table], fh, compression=_COMPRESSION)
                    fh.flush()
                    os.fsync(fh.fileno())
            for tmp, final in staged:
                os.replace(tmp, final)
                published.append(final)
                _fsync_dir(final.parent)
        except BaseException:
            for path in [tmp for tmp, _ in staged] + published:
                try:
                    path.unlink()
                except OSError:
                    pass
            raise
        with self._lock:
            self.files.extend(published)

    def close(self) -> None:
        """Refuse further writes; every write is already complete on disk."""
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- readers


def _run_dirs(root: Path, table: str, run_id: str | None) -> list[tuple[str, Path]]:
    base = root / table
    if run_id is not None:
        directory = base / f"{PARTITION}={validate_run_id(run_id)}"
        return [(run_id, directory)] if directory.is_dir() else []
    if not base.is_dir():
        return []
    out = []
    for directory in sorted(base.iterdir()):
        key, _, value = directory.name.partition("=")
        if key == PARTITION and _RUN_ID_RE.match(value) and directory.is_dir():
            out.append((value, directory))
    return out


def _parts(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.iterdir()
        if p.name.startswith("part-") and p.name.endswith(".parquet") and p.is_file()
    )


def _committed_files(root: Path, table: str, run_id: str | None) -> list[Path]:
    """Visible part files whose write() completed (a reachability part of that name exists)."""
    files: list[Path] = []
    for run, directory in _run_dirs(root, table, run_id):
        parts = _parts(directory)
        if table != "reachability":
            done_dir = root / "reachability" / f"{PARTITION}={run}"
            committed = {p.name for p in _parts(done_dir)} if done_dir.is_dir() else set()
            parts = [p for p in parts if p.name in committed]
        files.extend(parts)
    return files


def _read_arrow(root: str | os.PathLike[str], table: str, run_id: str | None) -> pa.Table:
    schema = _table_schema(table)
    base = Path(root)
    files = _committed_files(base, table, run_id)
    if not files:
        return schema.empty_table()
    dataset = ds.dataset(
        [str(p) for p in files],
        schema=schema,
        format="parquet",
        partitioning=_PARTITIONING,
        partition_base_dir=str(base / table),
    )
    data = dataset.to_table().select(schema.names)
    return data.sort_by([(key, "ascending") for key in _SORT_KEYS[table]])


def _pandas_type(type_: pa.DataType) -> Any:
    import pandas as pd

    if pa.types.is_int32(type_):
        return pd.Int32Dtype()
    if pa.types.is_boolean(type_):
        return pd.BooleanDtype()
    return None


def read_table(
    root: str | os.PathLike[str], table: str, run_id: str | None = None
) -> pandas.DataFrame:
    """One table (all runs, or one) as a DataFrame with nullable Int32/boolean columns.

    Rows are sorted by run and app; files of interrupted writes are left out.
    """
    return _read_arrow(root, table, run_id).to_pandas(types_mapper=_pandas_type)


def list_runs(root: str | os.PathLike[str]) -> list[str]:
    """Sorted ids of the runs that have at least one reachability part file."""
    return sorted(run for run, d in _run_dirs(Path(root), "reachability", None) if _parts(d))


def done_app_ids(root: str | os.PathLike[str], run_id: str) -> set[str]:
    """App ids that already have a reachability row in this run (to resume a crawl)."""
    data = _read_arrow(root, "reachability", validate_run_id(run_id))
    return set(data.column("app_id").to_pylist())


# --------------------------------------------------------------------------- docs


def _type_name(type_: pa.DataType) -> str:
    if pa.types.is_list(type_):
        return f"list<{_type_name(type_.value_type)}>"
    if pa.types.is_timestamp(type_):
        return f"timestamp[{type_.unit}, tz={type_.tz}]"
    if pa.types.is_boolean(type_):
        return "bool"
    if pa.types.is_float64(type_):
        return "float64"
    return str(type_)


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell (pipes, tags, line breaks)."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def _code(text: str) -> str:
    """Make text safe inside a code span in a Markdown table cell."""
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ")


def schema_markdown(table: str) -> str:
    """The column table of docs/dataset.md for one table, generated from SCHEMAS."""
    lines = [
        "| column | type | null? | description | example |",
        "|---|---|---|---|---|",
    ]
    for field in _table_schema(table):
        meta = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        lines.append(
            f"| `{field.name}` | `{_type_name(field.type)}` | "
            f"{'nullable' if field.nullable else 'never null'} | "
            f"{_cell(meta['description'])} | `{_code(meta['example'])}` |"
        )
    return "\n".join(lines)


def _markers(table: str) -> tuple[str, str]:
    return f"<!-- BEGIN schema:{table} -->", f"<!-- END schema:{table} -->"


def update_docs(path: str | os.PathLike[str]) -> bool:
    """Regenerate the column tables between the markers in docs/dataset.md; True if changed."""
    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    new = text
    for table in TABLES:
        begin, end = _markers(table)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(new):
            raise ValueError(f"{doc}: markers for table {table!r} not found")
        block = f"{begin}\n{schema_markdown(table)}\n{end}"
        new = pattern.sub(lambda _m, b=block: b, new)
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m crawler.dataset docs/dataset.md
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/dataset.md"
    print(f"{target}: {'updated' if update_docs(target) else 'already up to date'}")
