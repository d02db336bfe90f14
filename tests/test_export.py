"""export / runs / diff: pure functions and the CLI wrappers, on small hand-built datasets."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest

from crawler import export
from crawler.cli import main
from crawler.dataset import DatasetWriter, read_table
from crawler.records import AppResult, ChannelHit, Step

T0 = 1_795_000_000.0  # 2026-11-18T11:06:40Z


def step(label: str) -> Step:
    return Step(label=label, role="link", selector=f"text={label}", url_before="https://x.example/",
                url_after="https://x.example/next")


def hit(channel: str, clicks: int, labels: list[str] | None = None, value: str | None = None) -> ChannelHit:
    labels = labels if labels is not None else [f"tap{i}" for i in range(1, clicks + 1)]
    return ChannelHit(channel=channel, clicks=clicks, path=[step(label) for label in labels],
                      url="https://x.example/contact", evidence_text=channel, value=value)


def app(app_id: str, at: float, *hits: ChannelHit, status: str | None = None, name: str | None = None,
        phones: list[str] | None = None, hours: str | None = None, bot: bool | None = None,
        category: str = "bank") -> AppResult:
    human = [h for h in hits if h.channel in ("callback", "live_chat", "phone")]
    best = min((h.clicks for h in human), default=None)
    at_best = sorted(h for h in (h.channel for h in human if h.clicks == best))
    path = next((list(s.label for s in h.path) for h in human if h.clicks == best), None)
    return AppResult(
        app_id=app_id, app_name=name or app_id.title(), category=category, region="CN", device="mobile",
        start_url=f"https://{app_id}.example/", status=status or ("found" if human else "not_found"),
        crawled_at=at, human_reachable=bool(human), clicks_to_human=best,
        human_channel="|".join(at_best) or None, clicks_to_contact=min((h.clicks for h in hits), default=None),
        path_to_human=path, phone_numbers=phones or [], service_hours=hours,
        bot_before_human=bot if human else None, channels=list(hits),
        min_proven=True if human else None, states_explored=40,
    )


def write_run(root, run_id: str, *results: AppResult) -> None:
    with DatasetWriter(root, run_id, writer_id="t") as writer:
        writer.write(results)


@pytest.fixture
def two_runs(tmp_path):
    """Run 'old' (started at T0) and run 'new' (T0 + 1 day); ids deliberately sort the other way."""
    root = tmp_path / "out"
    write_run(root, "zz-old",
              app("alpha", T0, hit("phone", 4, ["我的", "客服中心", "在线客服", "电话"], "+864001234567"),
                  hit("email", 2)),
              app("beta", T0 + 10, hit("live_chat", 3), hit("chatbot", 1), bot=True),
              app("gone", T0 + 20, hit("phone", 1)))
    write_run(root, "aa-new",
              app("alpha", T0 + 86400, hit("phone", 2, ["客服", "电话"], "+864001234567"),
                  hit("live_chat", 3), hit("email", 2)),
              app("beta", T0 + 86410, hit("live_chat", 3), hit("chatbot", 1), bot=True),
              app("fresh", T0 + 86420, status="login_wall"))
    return root


# --------------------------------------------------------------------------- export


def test_export_frame_columns_and_values():
    df = pd.DataFrame()
    assert list(export.export_frame(df).columns) == [en for _, en, _ in export.COLUMNS]


def test_export_csv_has_bom_and_readable_rows(tmp_path, capsys):
    root = tmp_path / "out"
    write_run(root, "r1",
              app("acme", T0 + 0.987654, hit("phone", 3, ["我的", "客服中心", "在线客服"]),
                  hit("live_chat", 3, ["我的", "客服中心", "在线客服"]), name="Acme 银行",
                  phones=["+864001234567", "+862161886677"], hours="9:00-21:00", bot=False),
              app("none", T0 + 5, hit("email", 1)))
    out = tmp_path / "out.csv"
    assert main(["export", "--output", str(root), "--csv", str(out)]) == 0
    assert "run r1: 2 apps" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["app"] for r in rows] == ["Acme 银行", "None"]  # found first, by clicks
    acme = rows[0]
    assert acme == {
        "app": "Acme 银行",
        "category": "bank",
        "human reachable": "yes",
        "clicks to a human": "3",
        "how sure": "3 taps (proven)",
        "channel": "live_chat / phone",
        "path": "我的 › 客服中心 › 在线客服",
        "phone numbers": "'+864001234567; +862161886677",  # starts with '+': neutralised
        "service hours": "9:00-21:00",
        "bot before human": "no",
        "status": "found",
        "crawled at (UTC)": "2026-11-18T11:06:40Z",
        "start url": "https://acme.example/",
    }
    assert rows[1]["human reachable"] == "no"
    assert rows[1]["clicks to a human"] == rows[1]["path"] == rows[1]["bot before human"] == ""
    assert rows[1]["status"] == "not_found"


def test_export_zh_headers_and_words(tmp_path):
    root = tmp_path / "out"
    write_run(root, "r1",
              app("a", T0, hit("live_chat", 2, ["客服", "在线客服"]), hit("callback", 2, ["客服", "在线客服"]),
                  bot=True),
              app("b", T0, status="login_wall"),
              app("c", T0, status="error"),
              app("d", T0, hit("phone", 0, [])))
    out = tmp_path / "zh.csv"
    assert main(["export", "--output", str(root), "--csv", str(out), "--lang", "zh"]) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == [zh for _, _, zh in export.COLUMNS]
    assert rows[0][:4] == ["应用", "类别", "能否联系到人工", "到达人工的点击次数"]
    body = {r[0]: r for r in rows[1:]}
    assert body["A"][2:7] == ["是", "2", "2 次（已证明最少）", "回电 / 在线人工", "客服 › 在线客服"]
    assert body["A"][9:11] == ["是", "找到"]
    assert body["B"][2] == "否" and body["B"][10] == "需登录"
    assert body["C"][10] == "出错"
    assert body["D"][3:7] == ["0", "0 次（已证明最少）", "电话", "（起始页）"]  # visible on the start page


def test_export_frame_translates_every_channel_and_status():
    df = pd.DataFrame({
        "run_id": ["r"] * 4, "app_id": list("abcd"), "app_name": list("abcd"), "category": ["x"] * 4,
        "crawled_at": pd.to_datetime([T0] * 4, unit="s", utc=True),
        "human_reachable": [True, True, False, False],
        "clicks_to_human": pd.array([1, 2, None, None], dtype="Int32"),
        "human_channel": ["callback|live_chat|phone", "email|web_form|chatbot", None, None],
        "path_to_human": [["x"], ["y"], None, None], "phone_numbers": [[], [], [], []],
        "service_hours": [None] * 4, "bot_before_human": pd.array([None] * 4, dtype="boolean"),
        "status": ["found", "found", "not_found", "error"], "start_url": ["u"] * 4,
    })
    zh = export.export_frame(df, "zh")
    assert list(zh["人工渠道"][:2]) == ["回电 / 在线人工 / 电话", "邮件 / 留言表单 / 智能客服"]
    assert list(zh["状态"]) == ["找到", "找到", "未找到", "出错"]
    assert zh["人工之前有机器人"].isna().all()
    with pytest.raises(ValueError):
        export.export_frame(df, "fr")


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_injection_is_neutralised(tmp_path, evil):
    root = tmp_path / "out"
    write_run(root, "r1", app("evil", T0, hit("live_chat", 2, [evil, "next"]), name=evil, hours=evil))
    out = tmp_path / "out.csv"
    assert main(["export", "--output", str(root), "--csv", str(out)]) == 0
    row = next(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert row["app"] == "'" + evil
    assert row["service hours"] == "'" + evil
    assert row["path"] == "'" + evil + " › next"
    assert row["clicks to a human"] == "2"  # numbers stay numbers
    assert export.neutralise("safe =1") == "safe =1" and export.neutralise(3) == 3


def test_latest_run_is_the_one_that_started_last(two_runs, tmp_path):
    # 'aa-new' sorts first by id (list_runs order) but started a day later.
    out = tmp_path / "latest.csv"
    assert main(["export", "--output", str(two_runs), "--csv", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {r["app"] for r in rows} == {"Alpha", "Beta", "Fresh"}
    out_old = tmp_path / "old.csv"
    assert main(["export", "--output", str(two_runs), "--run", "zz-old", "--csv", str(out_old)]) == 0
    rows = list(csv.DictReader(io.StringIO(out_old.read_bytes().decode("utf-8-sig"))))
    assert {r["app"] for r in rows} == {"Alpha", "Beta", "Gone"}
    assert export.ordered_runs(read_table(two_runs, "reachability")) == ["zz-old", "aa-new"]


def test_duplicate_rows_of_one_app_keep_the_last_crawl(tmp_path):
    root = tmp_path / "out"
    write_run(root, "r1", app("a", T0, hit("phone", 5)))
    write_run(root, "r1", app("a", T0 + 60, hit("phone", 2)))
    frame = export.export_frame(read_table(root, "reachability", "r1"))
    assert len(frame) == 1 and frame["clicks to a human"].iloc[0] == 2


@pytest.mark.parametrize(
    "args, words",
    [
        (["export", "--output", "{missing}", "--csv", "{out}"], ["no dataset at", "does not exist"]),
        (["export", "--output", "{empty}", "--csv", "{out}"], ["no runs in"]),
        (["export", "--output", "{data}", "--run", "nope", "--csv", "{out}"], ["no run 'nope'", "r1"]),
        (["export", "--output", "{data}", "--run", "../etc", "--csv", "{out}"], ["invalid run id"]),
        (["export", "--output", "{data}"], ["--csv"]),
        (["export", "--output", "{data}", "--csv", "{missing}/x/out.csv"], ["cannot write"]),
        (["runs", "--output", "{missing}"], ["does not exist"]),
        (["runs", "--output", "{empty}"], ["no runs in"]),
        (["diff", "--output", "{data}"], ["needs two runs", "has 1"]),
        (["diff", "--output", "{empty}"], ["no runs in"]),
        (["diff", "r1", "--output", "{data}"], ["two run ids"]),
        (["diff", "r1", "nope", "--output", "{data}"], ["no run 'nope'"]),
    ],
)
def test_user_errors_exit_2_with_one_line_and_no_traceback(tmp_path, capsys, args, words):
    data, empty = tmp_path / "data", tmp_path / "empty"
    write_run(data, "r1", app("a", T0, hit("phone", 1)))
    (empty / "reachability" / "run_id=r2").mkdir(parents=True)  # a run directory without parts
    paths = {"missing": tmp_path / "missing", "empty": empty, "data": data, "out": tmp_path / "o.csv"}
    argv = [a.format(**{k: str(v) for k, v in paths.items()}) for a in args]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]
    assert not (tmp_path / "o.csv").exists()


def test_xlsx_round_trip(two_runs, tmp_path):
    pytest.importorskip("openpyxl")
    xlsx = tmp_path / "out.xlsx"
    assert main(["export", "--output", str(two_runs), "--run", "zz-old", "--xlsx", str(xlsx), "--lang", "zh"]) == 0
    back = pd.read_excel(xlsx, sheet_name="run zz-old")
    assert list(back.columns) == [zh for _, _, zh in export.COLUMNS]
    alpha = back.set_index("应用").loc["Alpha"]
    assert alpha["路径"] == "我的 › 客服中心 › 在线客服 › 电话"
    assert alpha["到达人工的点击次数"] == 4
    assert alpha["人工渠道"] == "电话"


# --------------------------------------------------------------------------- runs


def test_runs_summary_figures(two_runs):
    summary = export.runs_summary(two_runs)
    assert list(summary["run_id"]) == ["zz-old", "aa-new"]
    old, new = summary.to_dict("records")
    assert old["apps"] == 3 and old["found"] == 3 and old["found_rate"] == 1.0
    assert old["median_clicks"] == 3.0  # 4, 3, 1
    assert old["date"] == "2026-11-18T11:06:40Z"
    assert new["apps"] == 3 and new["found"] == 2 and new["found_rate"] == pytest.approx(2 / 3)
    assert new["median_clicks"] == 2.5  # 2, 3 (login_wall has none)


def test_runs_summary_without_any_found_app(tmp_path):
    write_run(tmp_path, "r1", app("a", T0, status="login_wall"))
    row = export.runs_summary(tmp_path).iloc[0]
    assert row["found_rate"] == 0 and math.isnan(row["median_clicks"])


def test_runs_command_prints_a_table(two_runs, capsys):
    assert main(["runs", "--output", str(two_runs)]) == 0
    out = capsys.readouterr().out
    assert out.index("zz-old") < out.index("aa-new")
    for text in ("found rate", "median clicks", "100%", "67%", "2.5", "2026-11-18T11:06:40Z"):
        assert text in out
    assert max(len(line) for line in out.splitlines()) <= 160


# --------------------------------------------------------------------------- diff


def test_diff_runs(two_runs):
    diff = export.diff_runs(two_runs, "zz-old", "aa-new")
    assert list(diff.columns) == export.DIFF_COLUMNS
    assert list(diff["change"]) == ["changed", "added", "removed", "unchanged"]
    rows = diff.set_index("app_id")
    alpha = rows.loc["alpha"]
    assert (alpha["clicks_before"], alpha["clicks_after"], alpha["clicks_change"]) == (4, 2, -2)
    assert alpha["channels_gained"] == "live_chat" and pd.isna(alpha["channels_lost"])
    assert alpha["status_before"] == alpha["status_after"] == "found"
    fresh = rows.loc["fresh"]
    assert pd.isna(fresh["clicks_before"]) and pd.isna(fresh["clicks_change"])
    assert pd.isna(fresh["status_before"]) and fresh["status_after"] == "login_wall"
    gone = rows.loc["gone"]
    assert gone["channels_lost"] == "phone" and pd.isna(gone["status_after"])
    assert rows.loc["beta", "clicks_change"] == 0
    back = export.diff_runs(two_runs, "aa-new", "zz-old").set_index("app_id")
    assert back.loc["alpha", "channels_lost"] == "live_chat" and back.loc["alpha", "clicks_change"] == 2
    assert back.loc["fresh", "change"] == "removed" and back.loc["gone", "change"] == "added"


def test_diff_status_change_and_lost_channels(tmp_path):
    write_run(tmp_path, "a", app("x", T0, hit("phone", 2), hit("email", 1), hit("chatbot", 1)))
    write_run(tmp_path, "b", app("x", T0 + 99, hit("chatbot", 1), status="login_wall"))
    row = export.diff_runs(tmp_path, "a", "b").iloc[0]
    assert row["change"] == "changed"
    assert row["channels_lost"] == "email / phone" and pd.isna(row["channels_gained"])
    assert (row["status_before"], row["status_after"]) == ("found", "login_wall")
    assert row["clicks_before"] == 2 and pd.isna(row["clicks_after"])


def test_diff_command_defaults_to_the_last_two_runs_and_writes_csv(two_runs, tmp_path, capsys):
    write_run(two_runs, "ancient", app("alpha", T0 - 86400, hit("phone", 9)))
    out = tmp_path / "diff.csv"
    assert main(["diff", "--output", str(two_runs), "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "zz-old → aa-new" in printed and "1 changed, 1 added, 1 removed, 1 unchanged" in printed
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {r["app_id"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    assert rows["alpha"]["clicks_change"] == "-2"  # a number, not neutralised
    assert rows["alpha"]["channels_gained"] == "live_chat"
    assert rows["fresh"]["change"] == "added" and rows["gone"]["change"] == "removed"
    assert main(["diff", "ancient", "aa-new", "--output", str(two_runs)]) == 0
    assert "ancient → aa-new" in capsys.readouterr().out


# --------------------------------------------------------------------------- a real crawl


@pytest.mark.browser
def test_export_of_a_real_crawl(crawl_site, tmp_path):
    result = crawl_site("t-links")
    root = tmp_path / "data"
    write_run(root, "real", result)
    out = tmp_path / "real.csv"
    assert main(["export", "--output", str(root), "--csv", str(out), "--lang", "zh"]) == 0
    row = next(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert row["状态"] == "找到"
    assert result.status == "found"  # t-links has a phone number two taps deep
    assert row["到达人工的点击次数"] == str(result.clicks_to_human)
    assert row["路径"] == export.neutralise(" › ".join(result.path_to_human) or "（起始页）")
    assert row["能否联系到人工"] == "是"


def test_diff_a_new_route_with_the_same_count_is_a_change(tmp_path):
    root = tmp_path / "out"
    write_run(root, "r1", app("acme", T0, hit("phone", 2, ["Help", "Contact"])))
    write_run(root, "r2", app("acme", T0 + 86400, hit("phone", 2, ["Support", "Call us"])))
    diff = export.diff_runs(root, "r1", "r2")
    row = diff.iloc[0]
    assert (row["change"], row["clicks_change"]) == ("changed", 0)
    assert (row["path_before"], row["path_after"]) == ("Help › Contact", "Support › Call us")
