"""A day to replay: the workers of an area (or one worker) within the reader's scope, their
trusted fixes, their stops, the reports they filed and their beats.

Today is read from the raw fixes; a closed day from its stored tracks (data.patrol.tracks),
which hold exactly what the raw read would serve, stored by the first read that lacks them.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

import numpy as np
import shapely
from sqlalchemy import Connection

from data.patrol.replay import area_workers, beats, day_fixes, day_reports
from data.patrol.tracks import store_tracks, stored_tracks
from data.positions.retention import kept_tracks
from geo.crs import to_metric
from geo.stops import find_stops
from workflow.clock import BEIJING
from workflow.errors import bad_request
from workflow.patrol.scope import narrowed
from workflow.roles import Actor

# One worker: every fix (10 s). Many: one fix per 30 s each, interpolated in the browser,
# so a street's day stays a few hundred kilobytes. A closed day's stored tracks keep exactly
# these (no further simplification, tolerance 1e-5 degrees ~1 m, the served rounding): the
# worker-day page promises every fix with its time (tests/test_dashboard_patrol.py counts
# 2 x 3 x 360 and compares each to 1e-5) and a street-day >= 700 fixes a worker, so a
# Douglas-Peucker track (the ~5 m one retention keeps) would break both; the stored text is
# no bigger than what is served anyway (a worker-day ~60 KB of JSON before compression).
FEW_WORKERS, FEW_STEP_S = 10, 1
MANY_STEP_S = 30
STOP_R_M, STOP_MIN_S = 30.0, 180.0


def _stops(fixes: list[dict]) -> list[dict]:
    if len(fixes) < 2:
        return []
    pts = to_metric(shapely.points([f["lon"] for f in fixes], [f["lat"] for f in fixes]))
    xy = shapely.get_coordinates(pts)
    t = np.array([f["t"] for f in fixes], dtype=float)
    return [{"t0": int(t[i]), "t1": int(t[j]), "lon": fixes[i]["lon"], "lat": fixes[i]["lat"]}
            for i, j in find_stops(t, xy[:, 0], xy[:, 1], STOP_R_M, STOP_MIN_S)]


def _closed_day(conn: Connection, day: date, ids: list[int], step: int,
                now: datetime) -> dict[int, list[dict]]:
    """A closed day's tracks: stored ones, the missing ones stored now (once) and read."""
    kept = stored_tracks(conn, day, ids, step)
    missing = [u for u in ids if u not in kept]
    if missing:
        # Workers without a fix that day have no row and are asked again: a cheap miss.
        store_tracks(conn, day, missing, step, now)
        conn.commit()
        kept.update(stored_tracks(conn, day, missing, step))
    return kept


def replay_day(conn: Connection, actor: Actor, day: date, now: datetime,
               street_id: int | None = None, community_id: int | None = None,
               grid_id: int | None = None, user_id: int | None = None) -> dict:
    """Everything replay needs for ``day``, for the area asked, within ``actor``'s scope.

    Returns
    -------
    dict
        day, step_s, workers (id, username, display_name, grid_code, fixes [{t, lon, lat}],
        stops [{t0, t1, lon, lat}]), reports [{user_id, t, code, category_code, lon, lat}],
        beats [{id, code, geojson}]. Empty lists when the area lies outside the scope.
    """
    if day > now.astimezone(BEIJING).date():
        raise bad_request("日期不能晚于今天 / the date cannot be after today", "date")
    empty = {"day": day, "step_s": 0, "workers": [], "reports": [], "beats": []}
    area = narrowed(actor, street_id, community_id)
    if area is None or (user_id is None and grid_id is None and area["street_id"] is None
                        and area["community_id"] is None):
        return empty       # the whole district at once is not a replay: pick an area
    workers = area_workers(conn, area["street_id"], area["community_id"], grid_id, user_id,
                           district_code=area["district_code"])
    if not workers:
        return empty
    ids = [w["id"] for w in workers]
    step = FEW_STEP_S if len(workers) <= FEW_WORKERS else MANY_STEP_S
    by_worker: dict[int, list[dict]] = defaultdict(list)
    if day < now.astimezone(BEIJING).date():
        by_worker.update(_closed_day(conn, day, ids, step, now))
    else:
        for fix in day_fixes(conn, day, ids, step):
            by_worker[fix["user_id"]].append({"t": fix["t"], "lon": fix["lon"],
                                              "lat": fix["lat"]})
    if not by_worker:
        # Past retention the raw fixes are gone: the sheets keep a simplified track.
        for user, track in kept_tracks(conn, day, ids).items():
            by_worker[user] = [{"t": t, "lon": lon, "lat": lat}
                               for lon, lat, t in json.loads(track)]
    for worker in workers:
        worker["fixes"] = by_worker.get(worker["id"], [])
        worker["stops"] = _stops(worker["fixes"])
    return {"day": day, "step_s": step, "workers": workers,
            "reports": day_reports(conn, day, ids),
            "beats": beats(conn, [w["grid_id"] for w in workers])}
