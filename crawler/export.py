"""Tables for journalists and analysts: export a run, list the runs, compare two runs.

    reachability export [--output DIR] [--run latest|RUN_ID] --csv out.csv [--xlsx out.xlsx] [--lang en|zh]
    reachability runs [--output DIR]
    reachability diff [RUN_A RUN_B] [--output DIR] [--csv diff.csv]

The logic lives in pure functions over DataFrames (:func:`export_frame`,
:func:`runs_summary`, :func:`diff_runs`); the ``cmd_*`` functions only parse, print and
write.

* **Run order.** Runs are ordered by when they started: the earliest ``crawled_at`` of
  their rows (ties: by run id). ``--run latest`` is the run that started last, and
  ``diff`` without run ids compares the two runs that started last. A run resumed later
  keeps its place (its start does not change).
* **One row per app.** If a run holds several rows for one app (two writers, a resumed
  crawl), the one crawled last is used.
* **CSV files** are UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel shows
  Chinese correctly. Every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is prefixed with a single quote (labels and numbers come from
  crawled pages: CSV/formula injection); numbers are written as numbers.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .cli import UsageError
from .dataset import read_table, validate_run_id
from .labels import how_sure

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "COLUMNS",
    "add_commands",
    "diff_runs",
    "export_frame",
    "load_reachability",
    "neutralise",
    "ordered_runs",
    "resolve_run",
    "runs_summary",
    "write_csv",
    "write_xlsx",
]

LANGS = ("en", "zh")
PATH_SEP = " › "
CHANNEL_SEP = " / "
PHONE_SEP = "; "

#: Export columns: key, English header, Chinese header.
COLUMNS: list[tuple[str, str, str]] = [
    ("app", "app", "应用"),
    ("category", "category", "类别"),
    ("human_reachable", "human reachable", "能否联系到人工"),
    ("clicks_to_human", "clicks to a human", "到达人工的点击次数"),
    ("how_sure", "how sure", "确定性"),
    ("channel", "channel", "人工渠道"),
    ("path", "path", "路径"),
    ("phone_numbers", "phone numbers", "电话号码"),
    ("service_hours", "service hours", "服务时间"),
    ("bot_before_human", "bot before human", "人工之前有机器人"),
    ("status", "status", "状态"),
    ("crawled_at", "crawled at (UTC)", "抓取时间 (UTC)"),
    ("start_url", "start url", "起始网址"),
]

_CHANNEL_ZH = {
    "phone": "电话",
    "live_chat": "在线人工",
    "callback": "回电",
    "email": "邮件",
    "web_form": "留言表单",
    "chatbot": "智能客服",
}
_STATUS_ZH = {"found": "找到", "not_found": "未找到", "login_wall": "需登录", "error": "出错"}
_YES_NO = {"en": ("yes", "no"), "zh": ("是", "否")}
_START_PAGE = {"en": "(start page)", "zh": "（起始页）"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --------------------------------------------------------------------------- helpers


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays
        return False


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise).astype(object)
    return out


def _iso(ts: Any) -> str | None:
    """A UTC timestamp as ISO 8601 without microseconds, e.g. 2026-11-24T08:14:07Z."""
    if _missing(ts):
        return None
    ts = pd.Timestamp(ts)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _channels_text(value: Any, lang: str) -> str | None:
    if _missing(value) or not value:
        return None
    names = [name for name in str(value).split("|") if name]
    if lang == "zh":
        names = [_CHANNEL_ZH.get(name, name) for name in names]
    return CHANNEL_SEP.join(names)


def _path_text(value: Any, lang: str) -> str | None:
    if value is None or (not hasattr(value, "__len__") and _missing(value)):
        return None  # no human channel found
    labels = [str(label) for label in value]
    return PATH_SEP.join(labels) if labels else _START_PAGE[lang]


def _yes_no(value: Any, lang: str) -> str | None:
    if _missing(value):
        return None
    yes, no = _YES_NO[lang]
    return yes if bool(value) else no


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


# --------------------------------------------------------------------------- pure functions


def _how_sure(row: Any, lang: str) -> str | None:
    clicks, proven, states = (row.get(k) for k in ("clicks_to_human", "min_proven", "states_explored"))
    return how_sure(None if _missing(clicks) else int(clicks), None if _missing(proven) else bool(proven),
                    None if _missing(states) else int(states), lang)


def one_row_per_app(df: pd.DataFrame) -> pd.DataFrame:
    """Keep the last-crawled row of each (run, app)."""
    if df.empty:
        return df
    return (
        df.sort_values(["run_id", "app_id", "crawled_at"], kind="stable")
        .drop_duplicates(["run_id", "app_id"], keep="last")
        .reset_index(drop=True)
    )


def ordered_runs(df: pd.DataFrame) -> list[str]:
    """Run ids of a reachability frame, oldest first: by first crawled_at, then run id."""
    if df.empty:
        return []
    starts = df.groupby("run_id", sort=False)["crawled_at"].min()
    return [run for run, _ in sorted(starts.items(), key=lambda item: (item[1], item[0]))]


def export_frame(df: pd.DataFrame, lang: str = "en", safe: bool = True) -> pd.DataFrame:
    """One human-readable row per app from reachability rows (one run, as read_table gives).

    Headers and the words yes/no, channels and statuses are in ``lang`` ('en' keeps the
    dataset's channel and status names). Rows are ordered by clicks to a human (apps
    without a human channel last), then app name. With ``safe`` (the default), text cells
    are neutralised against formula injection (see :func:`neutralise`).
    """
    _check_lang(lang)
    headers = {key: (en if lang == "en" else zh) for key, en, zh in COLUMNS}
    if df.empty:
        return pd.DataFrame({headers[key]: pd.Series(dtype=object) for key, _, _ in COLUMNS})
    rows = one_row_per_app(df)
    rows = rows.assign(_no_clicks=rows["clicks_to_human"].isna()).sort_values(
        ["_no_clicks", "clicks_to_human", "app_name", "app_id"], kind="stable"
    )
    status = rows["status"].astype(object)
    if lang == "zh":
        status = status.map(lambda s: _STATUS_ZH.get(s, s))
    out = pd.DataFrame(
        {
            "app": rows["app_name"].map(_text),
            "category": rows["category"].map(_text),
            "human_reachable": rows["human_reachable"].map(lambda v: _yes_no(v, lang)),
            "clicks_to_human": rows["clicks_to_human"].astype("Int64"),
            "how_sure": rows.apply(lambda r: _how_sure(r, lang), axis=1),
            "channel": rows["human_channel"].map(lambda v: _channels_text(v, lang)),
            "path": rows["path_to_human"].map(lambda v: _path_text(v, lang)),
            "phone_numbers": rows["phone_numbers"].map(
                lambda v: PHONE_SEP.join(map(str, v)) if v is not None and len(v) else None
            ),
            "service_hours": rows["service_hours"].map(_text),
            "bot_before_human": rows["bot_before_human"].map(lambda v: _yes_no(v, lang)),
            "status": status,
            "crawled_at": rows["crawled_at"].map(_iso),
            "start_url": rows["start_url"].map(_text),
        }
    ).reset_index(drop=True)
    out = out.rename(columns=headers)
    return _neutralise_frame(out) if safe else out


def runs_summary(root: str | os.PathLike[str]) -> pd.DataFrame:
    """One row per run, oldest first.

    Columns: run_id; date (first crawled_at, ISO UTC); apps; found (apps with status
    found); found_rate (found / apps, 0..1); median_clicks (median clicks to a human over
    the apps found; NaN if none).
    """
    df = load_reachability(root)
    records = []
    for run in ordered_runs(df):
        rows = df[df["run_id"] == run]
        found = int((rows["status"] == "found").sum())
        clicks = rows.loc[rows["status"] == "found", "clicks_to_human"].dropna().astype(float)
        records.append(
            {
                "run_id": run,
                "date": _iso(rows["crawled_at"].min()),
                "apps": len(rows),
                "found": found,
                "found_rate": found / len(rows),
                "median_clicks": float(clicks.median()) if len(clicks) else float("nan"),
            }
        )
    return pd.DataFrame(
        records, columns=["run_id", "date", "apps", "found", "found_rate", "median_clicks"]
    )


_DIFF_ORDER = {"changed": 0, "added": 1, "removed": 2, "unchanged": 3}
DIFF_COLUMNS = [
    "app_id",
    "app",
    "change",
    "clicks_before",
    "clicks_after",
    "clicks_change",
    "channels_gained",
    "channels_lost",
    "status_before",
    "status_after",
    "path_before",
    "path_after",
]


def diff_runs(root: str | os.PathLike[str], a: str, b: str) -> pd.DataFrame:
    """Per app, what changed from run ``a`` (before) to run ``b`` (after).

    ``change`` is added (only in b), removed (only in a), changed (clicks to a human,
    status, the set of channels or the path to the human differ) or unchanged. ``clicks_change`` is after minus
    before (null unless both are known). ``channels_gained`` / ``channels_lost`` compare
    the sets of channels of the ``channels`` table (human or not), names joined by " / ";
    an app missing from a run has no channels there. Rows: changed, added, removed,
    unchanged, each by app id.
    """
    df = load_reachability(root)
    a, b = resolve_run(df, root, a), resolve_run(df, root, b)
    channels = _read(root, "channels")
    before = df[df["run_id"] == a].set_index("app_id")
    after = df[df["run_id"] == b].set_index("app_id")

    def channel_sets(run: str) -> dict[str, set[str]]:
        rows = channels[channels["run_id"] == run]
        return {app: set(group["channel"]) for app, group in rows.groupby("app_id")}

    chans_a, chans_b = channel_sets(a), channel_sets(b)

    def value(frame: pd.DataFrame, app: str, column: str) -> Any:
        if app not in frame.index:
            return None
        v = frame.at[app, column]
        return None if _missing(v) else v

    records = []
    for app in sorted(set(before.index) | set(after.index)):
        in_a, in_b = app in before.index, app in after.index
        clicks_a = value(before, app, "clicks_to_human")
        clicks_b = value(after, app, "clicks_to_human")
        status_a, status_b = value(before, app, "status"), value(after, app, "status")
        set_a, set_b = chans_a.get(app, set()), chans_b.get(app, set())
        gained, lost = sorted(set_b - set_a), sorted(set_a - set_b)
        # the route itself is news: the same count through other taps is a change
        path_a = _path_text(value(before, app, "path_to_human"), "en")
        path_b = _path_text(value(after, app, "path_to_human"), "en")
        if not in_a:
            change = "added"
        elif not in_b:
            change = "removed"
        elif clicks_a != clicks_b or status_a != status_b or gained or lost or path_a != path_b:
            change = "changed"
        else:
            change = "unchanged"
        records.append(
            {
                "app_id": app,
                "app": value(after, app, "app_name") or value(before, app, "app_name"),
                "change": change,
                "clicks_before": clicks_a,
                "clicks_after": clicks_b,
                "clicks_change": None if clicks_a is None or clicks_b is None else int(clicks_b) - int(clicks_a),
                "channels_gained": CHANNEL_SEP.join(gained) or None,
                "channels_lost": CHANNEL_SEP.join(lost) or None,
                "status_before": status_a,
                "status_after": status_b,
                "path_before": path_a,
                "path_after": path_b,
            }
        )
    out = pd.DataFrame(records, columns=DIFF_COLUMNS)
    for column in ("clicks_before", "clicks_after", "clicks_change"):
        out[column] = out[column].astype("Int64")
    if not out.empty:
        out = out.sort_values(
            ["change", "app_id"], key=lambda s: s.map(_DIFF_ORDER) if s.name == "change" else s
        ).reset_index(drop=True)
    out.attrs.update(run_before=a, run_after=b)
    return out


# --------------------------------------------------------------------------- reading


def _read(root: str | os.PathLike[str], table: str) -> pd.DataFrame:
    try:
        return read_table(root, table)
    except (OSError, ValueError) as exc:  # pyarrow's errors are OSError/ValueError subclasses
        raise UsageError(f"cannot read the dataset at {root}: {exc}") from None


def load_reachability(root: str | os.PathLike[str]) -> pd.DataFrame:
    """Every run's reachability rows, one per app and run; UsageError if there are none."""
    path = Path(root)
    if not path.is_dir():
        raise UsageError(
            f"no dataset at {root}: the directory does not exist "
            "(--output is the directory a crawl wrote to, default: output)"
        )
    df = one_row_per_app(_read(path, "reachability"))
    if df.empty:
        raise UsageError(f"no runs in {root}: {path / 'reachability'} holds no part files")
    return df


def resolve_run(df: pd.DataFrame, root: str | os.PathLike[str], run: str | None) -> str:
    """'latest' (or None) → the run that started last; else check that the run exists."""
    runs = ordered_runs(df)
    if run in (None, "latest"):
        if not runs:
            raise UsageError(f"no runs in {root}")
        return runs[-1]
    try:
        validate_run_id(run)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if run not in runs:
        known = ", ".join(runs[-10:]) or "none"
        raise UsageError(f"no run {run!r} with data in {root} (runs: {known})")
    return run


# --------------------------------------------------------------------------- writing


def _write_aside(path: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
    """Write to a hidden file next to `path`, then rename: a failed export never leaves half a file."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        write(partial)
        os.replace(partial, target)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """CSV in UTF-8 with a BOM (Excel reads Chinese correctly)."""
    _write_aside(path, lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig"))


def write_xlsx(frame: pd.DataFrame, path: str | os.PathLike[str], sheet: str = "reachability") -> None:
    """An Excel workbook with one sheet (needs openpyxl)."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise UsageError("--xlsx needs openpyxl: pip install openpyxl") from None
    out = frame.astype(object).where(frame.notna(), None)
    # XML (so XLSX) cannot hold C0 control characters; openpyxl raises IllegalCharacterError on them
    out = out.map(lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v)
    _write_aside(path, lambda p: out.to_excel(p, index=False, sheet_name=sheet[:31], freeze_panes=(1, 0),
                                              engine="openpyxl"))


# --------------------------------------------------------------------------- CLI


def _console() -> Any:
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 160)


def _rich_table(frame: pd.DataFrame, title: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column].dtype)
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(Text("" if _missing(v) else str(v)) for v in row))  # Text: no markup
    return table


def cmd_export(args: argparse.Namespace) -> int:
    if not args.csv and not args.xlsx:
        raise UsageError("export: give --csv FILE and/or --xlsx FILE")
    df = load_reachability(args.output)
    run = resolve_run(df, args.output, args.run)
    frame = export_frame(df[df["run_id"] == run], args.lang)
    if args.csv:
        write_csv(frame, args.csv)
    if args.xlsx:
        write_xlsx(frame, args.xlsx, sheet=f"run {run}")
    written = " and ".join(str(p) for p in (args.csv, args.xlsx) if p)
    print(f"run {run}: {len(frame)} apps → {written}")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    summary = runs_summary(args.output)
    shown = pd.DataFrame(
        {
            "run": summary["run_id"],
            "date (UTC)": summary["date"],
            "apps": summary["apps"],
            "found": summary["found"],
            "found rate": summary["found_rate"].map(lambda r: f"{r:.0%}"),
            "median clicks to a human": summary["median_clicks"].map(
                lambda m: "" if pd.isna(m) else f"{m:g}"
            ),
        }
    )
    _console().print(_rich_table(shown, f"{len(summary)} run{'' if len(summary) == 1 else 's'} in {args.output}"))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    if len(args.runs) not in (0, 2):
        raise UsageError("diff: give two run ids (before after), or none for the last two runs")
    if args.runs:
        a, b = args.runs
    else:
        runs = ordered_runs(load_reachability(args.output))
        if len(runs) < 2:
            raise UsageError(
                f"diff needs two runs; {args.output} has {len(runs)} ({', '.join(runs)})"
            )
        a, b = runs[-2], runs[-1]
    diff = diff_runs(args.output, a, b)
    counts = diff["change"].value_counts()
    tally = ", ".join(f"{counts.get(k, 0)} {k}" for k in _DIFF_ORDER)
    _console().print(_rich_table(diff, f"{a} → {b}: {tally}"))
    if args.csv:
        write_csv(_neutralise_frame(diff), args.csv)
        print(f"wrote {args.csv}")
    return 0


def add_commands(sub: Any) -> None:
    """Add the export, runs and diff subcommands to the `reachability` parser."""
    p = sub.add_parser("export", help="one run as a spreadsheet-friendly CSV (and/or XLSX)")
    p.add_argument("--output", default="output", help="dataset root (default: output/)")
    p.add_argument(
        "--run",
        default="latest",
        help="run id, or 'latest' (default): the run that started last (newest first crawled_at)",
    )
    p.add_argument("--csv", help="write a CSV here (UTF-8 with BOM, opens in Excel)")
    p.add_argument("--xlsx", help="write an Excel workbook here")
    p.add_argument("--lang", default="en", choices=LANGS, help="headers and words: en or zh (default: en)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("runs", help="list the runs: date, apps, found rate, median clicks")
    p.add_argument("--output", default="output", help="dataset root (default: output/)")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("diff", help="compare two runs per app (default: the last two)")
    p.add_argument("runs", nargs="*", metavar="RUN", help="RUN_A RUN_B (before, after)")
    p.add_argument("--output", default="output", help="dataset root (default: output/)")
    p.add_argument("--csv", help="also write the comparison as CSV (UTF-8 with BOM)")
    p.set_defaults(func=cmd_diff)
