"""The previous run's shortest routes to a human, which a periodic run replays first.

Replaying them is cheap (a handful of taps), gives the search an early upper bound, and tells
whether the route a journalist printed last month still works (`previous_route`)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .dataset import list_runs, read_table
from .records import HUMAN_CHANNELS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RouteStep:
    label: str
    selector: str
    role: str


@dataclass(frozen=True)
class Route:
    """One human channel's shortest path in an earlier run."""

    channel: str
    clicks: int
    steps: tuple[RouteStep, ...]
    run_id: str


def previous_routes(root: str | os.PathLike[str] | None, run_id: str, app_id: str) -> list[Route]:
    """Shortest routes to each human channel in the latest other run where the app found one,
    shortest first (identical step sequences once). Unreadable data gives no routes, never an error."""
    if root is None or not Path(root).is_dir():
        return []
    try:
        runs = [r for r in list_runs(root) if r != run_id]
        if not runs:
            return []
        reach = read_table(root, "reachability")
        mine = reach[(reach["app_id"] == app_id) & (reach["run_id"].isin(runs)) & (reach["status"] == "found")]
        if mine.empty:
            return []
        run = str(mine.sort_values("crawled_at").iloc[-1]["run_id"])
        channels = read_table(root, "channels", run)
        steps = read_table(root, "steps", run)
    except Exception as exc:  # noqa: BLE001 - a damaged earlier run must not stop this one
        logger.warning("%s: previous run's routes not read: %s", app_id, exc)
        return []
    channels = channels[(channels["app_id"] == app_id) & channels["channel"].isin(HUMAN_CHANNELS)]
    steps = steps[steps["app_id"] == app_id]
    out: list[Route] = []
    seen: set[tuple] = set()
    for row in channels.sort_values(["clicks", "channel"]).itertuples():
        mine_steps = steps[steps["channel"] == row.channel].sort_values("step")
        route = tuple(RouteStep(str(s.label or ""), str(s.selector or ""), str(s.role or ""))
                      for s in mine_steps.itertuples())
        if sum(s.role != "hover" for s in route) != int(row.clicks):
            continue  # an incomplete record: nothing to replay faithfully
        if route in seen:
            continue
        seen.add(route)
        out.append(Route(channel=str(row.channel), clicks=int(row.clicks), steps=route, run_id=run))
    return out
