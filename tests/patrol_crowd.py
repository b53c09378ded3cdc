"""A full street's day for the replay size tests: many workers, two 3-hour shifts at 10 s."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import insert

from data.bulk import copy_frame, points_ewkb
from data.models import WorkerGrid
from tests import factories
from workflow.clock import BEIJING

SHIFTS = ((8, 30), (14, 0))
SHIFT_S = 3 * 3600


def add_crowd(conn, grid_id: int, street_id: int, community_id: int, day, n: int,
              seed: int = 20) -> list[int]:
    """``n`` workers with phones on ``grid_id``, each walking both shifts of ``day`` (a fix
    every 10 s, ~1.2 m/s with GPS jitter, inside 117.11-117.12 E, 39.15-39.16 N); returns
    their user ids.
    """
    rng = np.random.default_rng(seed)
    frames, users = [], []
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=BEIJING)
    for k in range(n):
        uid = factories.user(conn, f"crowd{k:03d}", "grid_worker", street_id=street_id,
                             community_id=community_id)
        conn.execute(insert(WorkerGrid).values(user_id=uid, grid_id=grid_id))
        dev = factories.device(conn, uid, f"crowd-device-{k:03d}")
        users.append(uid)
        for hh, mm in SHIFTS:
            start = midnight + timedelta(hours=hh, minutes=mm)
            ticks = np.arange(0, SHIFT_S, 10)
            heading = np.cumsum(rng.normal(0, 0.3, ticks.size))
            dx = np.cumsum(np.cos(heading) * 12) / 86_000
            dy = np.cumsum(np.sin(heading) * 12) / 111_000
            lon = 117.115 + np.clip(dx, -0.0045, 0.0045) + rng.normal(0, 3e-5, ticks.size)
            lat = 39.155 + np.clip(dy, -0.0045, 0.0045) + rng.normal(0, 3e-5, ticks.size)
            times = pd.Timestamp(start).tz_convert("UTC") + pd.to_timedelta(ticks, unit="s")
            frames.append(pd.DataFrame({
                "device_id": dev, "user_id": uid, "device_time": times, "server_time": times,
                "grid_id": grid_id, "battery": 90, "accuracy_m": 8.0,
                "geom": points_ewkb(lon, lat)}))
    copy_frame(conn, "positions", pd.concat(frames, ignore_index=True))
    return users
