"""The Parquet dataset: schemas, atomic writes, and reading back with four libraries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from crawler import dataset
from crawler.dataset import (
    SCHEMAS,
    TABLES,
    DatasetWriter,
    SchemaError,
    build_table,
    done_app_ids,
    file_schema,
    list_runs,
    new_run_id,
    read_table,
    rows_for,
    schema_markdown,
    validate_run_id,
)
from crawler.records import AppResult, ChannelHit, Step

DOCS = Path(__file__).resolve().parents[1] / "docs" / "dataset.md"
RUN = "20261124T071500Z"
STRING_RUN = ds.partitioning(pa.schema([("run_id", pa.string())]), flavor="hive")
CRAWLED_AT = 1795504503.512345  # 2026-11-24 ~07:15 UTC, with microseconds


def _results() -> list[AppResult]:
    """One app with channels (Chinese labels, emoji), one with every nullable field null."""
    to_help = Step(
        "帮助中心",
        "link",
        "a[href='/help']",
        "https://m.acme.example/",
        "https://m.acme.example/help",
        "screenshots/run_id=x/acme-air/1.png",
    )
    to_contact = Step(
        "联系客服 📞",
        "button",
        "text=联系客服",
        "https://m.acme.example/help",
        "https://m.acme.example/help/contact",
    )
    pick = Step(
        "电话",
        "option",
        "select#topic",
        "https://m.acme.example/help/contact",
        "https://m.acme.example/help/contact",
    )
    found = AppResult(
        app_id="acme-air",
        app_name="Acme Air 航空",
        category="airline",
        region="CN",
        device="mobile",
        start_url="https://m.acme.example/",
        status="found",
        crawled_at=CRAWLED_AT,
        human_reachable=True,
        clicks_to_human=3,
        human_channel="live_chat|phone",
        clicks_to_contact=1,
        path_to_human=["帮助中心", "联系客服 📞", "电话"],
        phone_numbers=["+864001234567", "+8695539"],
        service_hours="9:00–21:00 (北京时间)",
        bot_before_human=True,
        states_explored=57,
        clicks_performed=112,
        page_loads=40,
        duration_s=83.25,
        budget_exhausted=False,
        stop_reason="explored_all",
        channels=[
            ChannelHit("chatbot", 1, [to_help], "https://m.acme.example/help", "智能客服 🤖"),
            ChannelHit(
                "phone",
                3,
                [to_help, to_contact, pick],
                "https://m.acme.example/help/contact",
                "客服热线 400-123-4567",
                value="+864001234567",
                screenshot="screenshots/run_id=x/acme-air/p.png",
                service_hours="9:00–21:00",
            ),
            ChannelHit(
                "live_chat",
                3,
                [to_help, to_contact, pick],
                "https://m.acme.example/help/contact",
                "在线人工客服",
            ),
        ],
        locale="zh-CN",
        final_url="https://m.acme.example/help/contact",
        offsite_links=["https://weibo.com/acme"],
    )
    nothing = AppResult(
        app_id="beta-bank",
        app_name="Beta Bank",
        category="bank",
        region="DE",
        device="desktop",
        start_url="https://beta.example/hilfe",
        status="not_found",
        crawled_at=1795504600.0,
        budget_exhausted=True,
        stop_reason="max_states",
        states_explored=400,
        load_errors=["https://beta.example/hilfe/kontakt: HTTP 503"],
    )
    return [found, nothing]


def _expected_rows(results: list[AppResult], run_id: str) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for result in results:
        for table, table_rows in rows_for(result, run_id).items():
            rows[table].extend(table_rows)
    return rows


def _key(table: str, row: dict) -> tuple:
    return tuple(row[k] for k in dataset._SORT_KEYS[table])


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _visible_parts(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.parquet") if not p.name.startswith("."))


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    with DatasetWriter(root, RUN, writer_id="w1") as writer:
        writer.write(_results())
    return root


# --------------------------------------------------------------------------- rows & schemas


def test_rows_for_counts_and_step_numbers() -> None:
    rows = rows_for(_results()[0], RUN)
    assert len(rows["reachability"]) == 1
    assert [r["channel"] for r in rows["channels"]] == ["chatbot", "phone", "live_chat"]
    phone_steps = [r for r in rows["steps"] if r["channel"] == "phone"]
    assert [r["step"] for r in phone_steps] == [1, 2, 3]
    assert len(rows["steps"]) == 7
    assert rows["reachability"][0]["crawled_at"] == dt.datetime(
        2026, 11, 24, 7, 15, 3, 512345, tzinfo=dt.UTC
    )
    for table, table_rows in rows.items():
        for row in table_rows:
            assert list(row) == SCHEMAS[table].names


def test_records_fields_all_have_columns() -> None:
    """A field added to records.py must be added to the dataset too (or explicitly skipped)."""
    reach = set(SCHEMAS["reachability"].names)
    assert {f.name for f in dataclasses.fields(AppResult)} - {"channels"} <= reach
    assert {f.name for f in dataclasses.fields(ChannelHit)} <= set(SCHEMAS["channels"].names)
    assert {f.name for f in dataclasses.fields(Step)} <= set(SCHEMAS["steps"].names)


def test_schema_metadata_present() -> None:
    for table, schema in SCHEMAS.items():
        assert schema.metadata == {b"table": table.encode(), b"schema_version": b"1"}
        assert schema.names[0] == "run_id"
        assert schema.field("run_id").type == pa.string()
        for field in schema:
            meta = field.metadata or {}
            assert meta.get(b"description"), (table, field.name)
            assert meta.get(b"example"), (table, field.name)


def test_files_carry_field_metadata(out: Path) -> None:
    for table in TABLES:
        (part,) = _visible_parts(out / table)
        schema = pq.read_schema(part)
        assert "run_id" not in schema.names
        assert schema.equals(file_schema(table), check_metadata=True)
        assert schema.field("app_id").metadata[b"description"]


# --------------------------------------------------------------------------- reading back


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_pyarrow_dataset(out: Path, table: str) -> None:
    expected = sorted(_expected_rows(_results(), RUN)[table], key=lambda r: _key(table, r))
    data = ds.dataset(out / table, format="parquet", partitioning=STRING_RUN).to_table()
    for field in SCHEMAS[table]:
        assert data.schema.field(field.name).type == field.type, field.name
    got = sorted(data.select(SCHEMAS[table].names).to_pylist(), key=lambda r: _key(table, r))
    assert got == expected
    # the plain 'hive' flavour also works (the default run id is not number-like)
    plain = ds.dataset(out / table, format="parquet", partitioning="hive").to_table()
    assert plain.schema.field("run_id").type == pa.string()


def test_round_trip_read_table(out: Path) -> None:
    df = read_table(out, "reachability")
    assert list(df.columns) == SCHEMAS["reachability"].names
    assert list(df["app_id"]) == ["acme-air", "beta-bank"]
    assert list(df["run_id"]) == [RUN, RUN]
    assert isinstance(df["run_id"].iloc[0], str)
    assert str(df["clicks_to_human"].dtype) == "Int32"
    assert str(df["bot_before_human"].dtype) == "boolean"
    assert str(df["crawled_at"].dtype) == "datetime64[us, UTC]"
    assert df["duration_s"].dtype == "float64"
    acme, beta = df.iloc[0], df.iloc[1]
    assert acme["clicks_to_human"] == 3 and pd.isna(beta["clicks_to_human"])
    assert pd.isna(beta["bot_before_human"]) and pd.isna(beta["locale"])
    assert beta["path_to_human"] is None
    assert list(acme["path_to_human"]) == ["帮助中心", "联系客服 📞", "电话"]
    assert list(beta["phone_numbers"]) == []
    assert acme["crawled_at"] == pd.Timestamp("2026-11-24 07:15:03.512345", tz="UTC")
    steps = read_table(out, "steps")
    assert list(steps["step"][steps["channel"] == "phone"]) == [1, 2, 3]
    assert "联系客服 📞" in set(steps["label"])


def test_pandas_reads_run_id_as_string(tmp_path: Path) -> None:
    root = tmp_path / "out"
    DatasetWriter(root, "20261124", writer_id="w").write(_results())
    df = pd.read_parquet(root / "channels", partitioning=STRING_RUN)
    assert set(df["run_id"]) == {"20261124"}
    assert all(isinstance(v, str) for v in df["run_id"])
    assert set(df["evidence_text"]) >= {"智能客服 🤖", "在线人工客服"}
    # the one-liner from the brief works too (run_id is then categorical)
    plain = pd.read_parquet(root / "reachability")
    assert len(plain) == 2


def test_duckdb_types_and_values(tmp_path: Path) -> None:
    root = tmp_path / "out"
    DatasetWriter(root, "20261124", writer_id="w").write(_results())
    src = (
        f"read_parquet('{root}/reachability/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'run_id': VARCHAR})"
    )
    con = duckdb.connect()
    types = {row[0]: row[1] for row in con.sql(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    assert set(types) == set(SCHEMAS["reachability"].names)
    assert types["run_id"] == "VARCHAR"
    assert types["crawled_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["clicks_to_human"] == "INTEGER"
    assert types["human_reachable"] == "BOOLEAN"
    assert types["duration_s"] == "DOUBLE"
    assert types["path_to_human"] == "VARCHAR[]"
    rows = con.sql(
        f"SELECT run_id, app_id, clicks_to_human, path_to_human FROM {src} ORDER BY app_id"
    ).fetchall()
    assert rows == [
        ("20261124", "acme-air", 3, ["帮助中心", "联系客服 📞", "电话"]),
        ("20261124", "beta-bank", None, None),
    ]


def test_polars_types_and_values(tmp_path: Path) -> None:
    root = tmp_path / "out"
    DatasetWriter(root, "2026-11-24T0710Z", writer_id="w").write(_results())
    kwargs = {"hive_partitioning": True, "hive_schema": {"run_id": pl.String}}
    df = pl.read_parquet(f"{root}/reachability/**/*.parquet", **kwargs)
    assert df.schema["run_id"] == pl.String
    assert df["run_id"].to_list() == ["2026-11-24T0710Z"] * 2
    assert df.schema["crawled_at"] == pl.Datetime("us", "UTC")
    assert df.schema["clicks_to_human"] == pl.Int32
    assert df.schema["bot_before_human"] == pl.Boolean
    assert df.schema["path_to_human"] == pl.List(pl.String)
    lazy = pl.scan_parquet(f"{root}/steps/**/*.parquet", **kwargs).collect()
    assert lazy.schema["step"] == pl.Int32 and lazy.schema["run_id"] == pl.String
    assert "联系客服 📞" in lazy["label"].to_list()


@pytest.mark.parametrize("name", ["pandas", "helper", "pyarrow", "duckdb", "polars"])
def test_docs_snippets_run(out: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The reading snippets in docs/dataset.md work as written (against ./out)."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {name} -->\n```python\n(.*?)```", text, re.DOTALL)
    assert match, f"snippet {name!r} not found in docs/dataset.md"
    DatasetWriter(out, "20261124", writer_id="w2").write(_results()[:1])
    monkeypatch.chdir(out.parent)
    scope: dict = {}
    exec(compile(match.group(1), f"docs:{name}", "exec"), scope)  # noqa: S102 - our docs
    result = scope.get("df", scope.get("table"))
    if isinstance(result, pl.DataFrame):
        assert result.schema["run_id"] == pl.String
        assert sorted(set(result["run_id"].to_list())) == ["20261124", RUN]
    elif isinstance(result, pa.Table):
        assert result.schema.field("run_id").type == pa.string()
    elif name == "duckdb":
        assert list(result["category"]) == ["airline", "bank"]
        assert list(result["apps"]) == [2, 1]
    else:
        assert all(isinstance(v, str) for v in result["run_id"])
        assert "20261124" in set(result["run_id"]) or name == "helper"


# --------------------------------------------------------------------------- runs & writers


def test_runs_are_separate_and_old_runs_untouched(out: Path) -> None:
    before = _hashes(out)
    later = "20261201T000000Z"
    DatasetWriter(out, later, writer_id="w1").write(_results()[1:])
    after = _hashes(out)
    assert {k: after[k] for k in before} == before
    assert list_runs(out) == [RUN, later]
    assert len(read_table(out, "reachability", run_id=RUN)) == 2
    assert list(read_table(out, "reachability", run_id=later)["app_id"]) == ["beta-bank"]
    assert len(read_table(out, "reachability")) == 3
    for table in TABLES:
        assert (out / table / f"run_id={later}").is_dir()


def test_two_writers_same_run(tmp_path: Path) -> None:
    found, nothing = _results()
    a = DatasetWriter(tmp_path, RUN, writer_id="host-a-1")
    b = DatasetWriter(tmp_path, RUN, writer_id="host-b-1")
    a.write([found])
    b.write([nothing])
    a.write([dataclasses.replace(nothing, app_id="gamma")])
    names = [p.name for p in _visible_parts(tmp_path / "reachability")]
    assert len(names) == len(set(names)) == 3
    assert all(re.fullmatch(r"part-host-[ab]-1-\d{5}-[0-9a-f]{8}\.parquet", n) for n in names)
    assert done_app_ids(tmp_path, RUN) == {"acme-air", "beta-bank", "gamma"}
    assert done_app_ids(tmp_path, "20991231") == set()
    assert len(read_table(tmp_path, "channels")) == 3


def test_default_writer_id_and_empty_write(tmp_path: Path) -> None:
    writer = DatasetWriter(tmp_path, RUN)
    assert re.fullmatch(r"[A-Za-z0-9._-]+-\d+", writer.writer_id)
    writer.write([])
    assert not any(tmp_path.iterdir())
    writer.close()
    with pytest.raises(RuntimeError):
        writer.write(_results())
    with pytest.raises(ValueError):
        DatasetWriter(tmp_path, RUN, writer_id="a/b")


def test_missing_tables_read_empty(tmp_path: Path) -> None:
    df = read_table(tmp_path, "steps")
    assert df.empty and list(df.columns) == SCHEMAS["steps"].names
    assert list_runs(tmp_path) == []
    with pytest.raises(ValueError, match="unknown table"):
        read_table(tmp_path, "nope")


# --------------------------------------------------------------------------- atomicity


def test_crash_in_write_leaves_nothing_visible(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _hashes(out)
    real = pq.write_table
    calls = []

    def crash_midway(table: pa.Table, where, **kwargs) -> None:
        calls.append(1)
        if len(calls) == 2:
            where.write(b"PAR1 half a file")
            raise OSError("disk full")
        real(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", crash_midway)
    with pytest.raises(OSError, match="disk full"):
        DatasetWriter(out, RUN, writer_id="crashy").write(_results())
    assert _hashes(out) == before  # no new file at all, not even a temp one
    assert len(read_table(out, "reachability")) == 2


def test_hard_kill_leaves_only_hidden_temp(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed process cannot clean up: what it leaves must be invisible to readers."""
    before = _hashes(out)

    def killed(table: pa.Table, where, **kwargs) -> None:
        where.write(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", killed)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)
    with pytest.raises(KeyboardInterrupt):
        DatasetWriter(out, RUN, writer_id="killed").write(_results())
    new = set(_hashes(out)) - set(before)
    assert new and all(Path(p).name.startswith(".tmp-") for p in new)
    monkeypatch.undo()
    _assert_readers_see(out, reachability_rows=2)


def test_kill_between_renames_leaves_ignored_orphans(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    real_replace = os.replace
    calls = []

    def replace(src, dst) -> None:
        calls.append(dst)
        if len(calls) == 3:  # steps and channels are published, reachability is not
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(dataset.os, "replace", replace)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)
    late = dataclasses.replace(_results()[0], app_id="late-app")
    with pytest.raises(KeyboardInterrupt):
        DatasetWriter(out, RUN, writer_id="killed").write([late])
    monkeypatch.undo()
    assert len(_visible_parts(out / "channels")) == 2  # the orphan is there...
    assert "late-app" not in set(read_table(out, "channels")["app_id"])  # ...but ignored
    assert "late-app" not in done_app_ids(out, RUN)


def test_failed_rename_is_rolled_back(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _hashes(out)
    real_replace = dataset.os.replace
    calls = []

    def replace(src, dst) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError("rename failed")
        real_replace(src, dst)

    monkeypatch.setattr(dataset.os, "replace", replace)
    with pytest.raises(OSError, match="rename failed"):
        DatasetWriter(out, RUN, writer_id="w9").write(_results())
    assert _hashes(out) == before


def _assert_readers_see(root: Path, reachability_rows: int) -> None:
    table = root / "reachability"
    assert len(read_table(root, "reachability")) == reachability_rows
    assert ds.dataset(table, format="parquet", partitioning=STRING_RUN).count_rows() == (
        reachability_rows
    )
    assert len(pd.read_parquet(table, partitioning=STRING_RUN)) == reachability_rows
    sql = (
        f"SELECT count(*) FROM read_parquet('{table}/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'run_id': VARCHAR})"
    )
    assert duckdb.sql(sql).fetchall()[0][0] == reachability_rows
    assert len(pl.read_parquet(f"{table}/**/*.parquet", hive_partitioning=True)) == (
        reachability_rows
    )


# --------------------------------------------------------------------------- schema drift


def _one_row(table: str) -> dict:
    return dict(_expected_rows(_results(), RUN)[table][0])


def test_schema_drift_extra_column_raises() -> None:
    row = _one_row("reachability") | {"new_metric": 1}
    with pytest.raises(SchemaError, match="new_metric"):
        build_table("reachability", [row])


def test_schema_drift_missing_column_raises() -> None:
    row = _one_row("channels")
    del row["evidence_text"]
    with pytest.raises(SchemaError, match="evidence_text"):
        build_table("channels", [row])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("clicks_to_human", 1.5),
        ("clicks_to_human", "3"),
        ("clicks_to_human", True),
        ("clicks_to_human", 2**31),
        ("human_reachable", 1),
        ("human_reachable", None),
        ("app_id", None),
        ("phone_numbers", "+864001234567"),
        ("phone_numbers", [1]),
        ("duration_s", "83"),
        ("crawled_at", dt.datetime(2026, 11, 24)),  # naive: ambiguous
    ],
)
def test_schema_drift_wrong_type_raises(column: str, value: object) -> None:
    row = _one_row("reachability") | {column: value}
    with pytest.raises(SchemaError, match=column):
        build_table("reachability", [row])


def test_bad_result_writes_nothing(tmp_path: Path) -> None:
    good, _ = _results()
    bad = dataclasses.replace(good, app_id="bad", clicks_to_human="3")
    with pytest.raises(SchemaError):
        DatasetWriter(tmp_path, RUN, writer_id="w").write([good, bad])
    assert _visible_parts(tmp_path) == []
    with pytest.raises(SchemaError, match="status"):
        rows_for(dataclasses.replace(good, status="maybe"), RUN)
    with pytest.raises(SchemaError, match="channel"):
        rows_for(dataclasses.replace(good, channels=[ChannelHit("fax", 1, [], "u", "t")]), RUN)


# --------------------------------------------------------------------------- run ids


@pytest.mark.parametrize("run_id", ["20261124", "2026-11-24T0710Z", "a", "run_1.b-2", "9" * 64])
def test_valid_run_ids(run_id: str) -> None:
    assert validate_run_id(run_id) == run_id


@pytest.mark.parametrize(
    "run_id", ["", ".hidden", "_x", "-x", "a/b", "..", "a b", "x" * 65, "run=1", "日本", None, 5]
)
def test_invalid_run_ids(run_id: object) -> None:
    with pytest.raises(ValueError, match="invalid run id"):
        validate_run_id(run_id)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        DatasetWriter("/nonexistent", run_id)  # type: ignore[arg-type]


def test_new_run_id() -> None:
    aware = dt.datetime(2026, 11, 24, 8, 15, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert new_run_id(aware) == "20261124T071500Z"
    assert new_run_id(dt.datetime(2026, 11, 24, 7, 15)) == "20261124T071500Z"
    assert new_run_id(1795504500.0) == "20261124T071500Z"
    assert validate_run_id(new_run_id()) and re.fullmatch(r"\d{8}T\d{6}Z", new_run_id())


# --------------------------------------------------------------------------- docs


def test_docs_document_every_column() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for table in TABLES:
        begin, end = dataset._markers(table)
        block = text.split(begin, 1)[1].split(end, 1)[0].strip()
        assert block == schema_markdown(table), (
            f"docs/dataset.md is out of date for {table!r}; "
            "run: python -m crawler.dataset docs/dataset.md"
        )
        for field in SCHEMAS[table]:
            assert f"| `{field.name}` |" in block
            description = field.metadata[b"description"].decode()
            assert dataset._cell(description) in block


def test_docs_mention_layout_and_semantics() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for phrase in [
        "run_id=<id>",
        "screenshots/run_id=<id>/<app_id>/",
        "relative to the output root",
        "is **not** counted",
        "counts as 1 tap",
        "`phone`, `live_chat`",
        "`callback`",
        "login_wall",
        "hive_types = {'run_id': VARCHAR}",
        'hive_schema={"run_id": pl.String}',
    ]:
        assert phrase in text, phrase
