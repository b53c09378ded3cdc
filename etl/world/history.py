"""The world's history of patrols: five older days of fixes and 90 days of daily sheets.

Generated cheaply on purpose (the whole world must load within a minute): the older days
re-walk yesterday's routes, a day earlier each time, thinned to a fix a minute with fresh
GPS jitter and their own draw of who was on duty; the sheets of days 7 to 90 ago (whose raw
fixes retention would have dropped) are drawn from the distributions a real day gives.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from etl.world.timeline import BEIJING

OLDER_DAYS = (2, 3, 4, 5, 6)      # with today and yesterday: the last 7 days
THIN = 6                          # every 6th fix of a 10 s walk: one a minute
ON_DUTY_SHARE = 0.92
# Of those on duty yesterday, the share also out on an older day (a few on leave or sick).
KEEP_SHARE = 0.95
SHEET_DAYS = range(7, 91)


def _midnight(as_of: datetime, back: int) -> pd.Timestamp:
    day = as_of.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
    return pd.Timestamp(day - timedelta(days=back)).tz_convert("UTC").tz_localize(None)


def older_fixes(fixes: pd.DataFrame, as_of: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """Fixes of OLDER_DAYS from yesterday's (``fixes`` as patrols() gives them: naive UTC)."""
    yesterday = fixes[(fixes["device_time"] >= _midnight(as_of, 1))
                      & (fixes["device_time"] < _midnight(as_of, 0))]
    thin = yesterday[yesterday.groupby("device_id").cumcount() % THIN == 0]
    devices = thin["device_id"].unique()
    frames = []
    for back in OLDER_DAYS:
        on_duty = devices[rng.random(devices.size) < KEEP_SHARE]
        day = thin[thin["device_id"].isin(on_duty)].copy()
        shift = pd.Timedelta(days=back - 1)
        day["device_time"] -= shift
        day["server_time"] -= shift
        day["lon"] += rng.normal(0, 2e-5, len(day))
        day["lat"] += rng.normal(0, 2e-5, len(day))
        frames.append(day)
    return pd.concat(frames, ignore_index=True) if frames else fixes.iloc[:0]


def sheet_history(workers: pd.DataFrame, grids: pd.DataFrame, as_of: datetime,
                  rng: np.random.Generator) -> pd.DataFrame:
    """Daily sheets of SHEET_DAYS for every worker (``workers``: id, grid_id; ``grids``: id,
    street_id, community_id), ready for COPY into patrol_sheets.
    """
    place = grids.set_index("id")[["street_id", "community_id"]]
    n = len(workers)
    frames = []
    for back in SHEET_DAYS:
        day = (as_of.astimezone(BEIJING) - timedelta(days=back)).date()
        start = pd.Timestamp(datetime.combine(day, datetime.min.time(), tzinfo=BEIJING))
        duty = rng.random(n) < ON_DUTY_SHARE
        first = start + pd.to_timedelta(8.5 * 3600 + rng.normal(0, 600, n), unit="s")
        last = start + pd.to_timedelta(17 * 3600 + rng.normal(0, 600, n), unit="s")
        off = np.minimum(rng.exponential(8, n), 120)
        frame = pd.DataFrame({
            "day": day, "user_id": workers["id"].to_numpy(), "grid_id": workers["grid_id"].to_numpy(),
            "street_id": place.loc[workers["grid_id"], "street_id"].to_numpy(),
            "community_id": place.loc[workers["grid_id"], "community_id"].to_numpy(),
            "first_fix": first.where(duty), "last_fix": last.where(duty),
            "fixes": np.where(duty, rng.integers(1900, 2200, n), 0),
            "km": np.where(duty, np.clip(rng.normal(8, 1.6, n), 2, 14), 0).round(3),
            "minutes_on_beat": np.where(duty, 360 - off - rng.uniform(0, 20, n), 0).round(1),
            "minutes_off_beat": np.where(duty, off, 0).round(1),
            "beat_covered": np.where(duty, rng.beta(6, 3, n), 0).round(3),
            "stops": np.where(duty, rng.poisson(7, n), 0),
            "reports": np.where(duty, rng.poisson(0.8, n), 0),
            "set_aside": np.where(duty, rng.poisson(1.5, n), 0),
            "computed_at": pd.Timestamp(as_of).tz_convert("UTC")})
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    for column in ("first_fix", "last_fix", "computed_at"):
        out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out
