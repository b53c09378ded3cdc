"""Discovery rate (发现率): per grid and per worker, the share of problems patrols found first,
and the public reports that workers had walked past without reporting.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from data.db import Database
from data.patrol.discovery import read_discovery
from workflow.clock import BEIJING, day_start
from workflow.errors import bad_request
from workflow.patrol.scope import narrowed
from workflow.roles import Actor

# A period reads the raw fixes of its days still kept (and the passes stored for those
# dropped): a quarter would scan ~90 day partitions.
MAX_DAYS = 31


def check_period(first: date, last: date, now: datetime) -> None:
    """400 naming the field when the period is reversed, in the future or too long."""
    today = now.astimezone(BEIJING).date()
    if first > today:
        raise bad_request("开始日期不能晚于今天 / from cannot be after today", "from")
    if last > today:
        raise bad_request("结束日期不能晚于今天 / to cannot be after today", "to")
    if last < first:
        raise bad_request("结束日期早于开始日期 / to is before from", "to")
    if (last - first).days >= MAX_DAYS:
        raise bad_request(f"时段最长 {MAX_DAYS} 天 / the period is at most {MAX_DAYS} days",
                          "to")


def share(found: int, total: int) -> float | None:
    """found / total rounded to 0.001; None (not 0) when there was nothing to find."""
    return round(found / total, 3) if total else None


def _grid_rows(grids: list[dict], passes: list[dict]) -> list[dict]:
    passed_by_grid: dict = defaultdict(set)
    for p in passes:
        passed_by_grid[p["grid_id"]].add(p["incident_id"])
    return [{**g, "walked_past": len(passed_by_grid[g["grid_id"]]),
             "patrol_share": share(g["by_patrol"], g["incidents"])} for g in grids]


def _worker_rows(workers: list[dict], passes: list[dict]) -> list[dict]:
    missed: dict = defaultdict(set)
    for p in passes:
        missed[p["user_id"]].add(p["incident_id"])
    return [{**w, "walked_past": len(missed[w["user_id"]]),
             "patrol_share": share(w["found"], w["found"] + len(missed[w["user_id"]]))}
            for w in workers]


def _incidents(passes: list[dict]) -> list[dict]:
    """One row per public incident walked past, with the workers who passed it."""
    out: dict = {}
    for p in passes:
        item = out.setdefault(p["incident_id"], {
            k: p[k] for k in ("incident_id", "code", "source", "reported_at", "grid_id",
                              "street_id", "community_id", "category_code")} | {"workers": []})
        item["workers"].append({k: p[k] for k in ("user_id", "username", "display_name",
                                                  "last_pass", "metres")})
    return list(out.values())


def discovery(db: Database, actor: Actor, first: date, last: date, now: datetime,
              street_id: int | None = None, community_id: int | None = None,
              user_id: int | None = None) -> dict:
    """The discovery figures of incidents reported from ``first`` to ``last`` (Beijing days,
    inclusive) that ``actor`` may read: grids, workers, the incidents walked past and totals.
    """
    check_period(first, last, now)
    empty = {"from": first, "to": last, "grids": [], "workers": [], "walked_past": [],
             "totals": {"incidents": 0, "by_patrol": 0, "by_public": 0, "walked_past": 0,
                        "patrol_share": None}}
    area = narrowed(actor, street_id, community_id)
    if area is None:
        return empty
    start = day_start(first)
    end = min(day_start(last + timedelta(days=1)), now)
    with db.connect() as conn:
        raw = read_discovery(conn, start, end, area["street_id"], area["community_id"],
                             user_id)
    grids = _grid_rows(raw["grids"], raw["passes"])
    incidents = _incidents(raw["passes"])
    total = sum(g["incidents"] for g in grids)
    by_patrol = sum(g["by_patrol"] for g in grids)
    return {**empty, "grids": grids, "workers": _worker_rows(raw["workers"], raw["passes"]),
            "walked_past": incidents,
            "totals": {"incidents": total, "by_patrol": by_patrol,
                       "by_public": sum(g["by_public"] for g in grids),
                       "walked_past": len(incidents),
                       "patrol_share": share(by_patrol, total)}}
