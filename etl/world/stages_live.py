"""The world's live stage: the last 7 days' patrol fixes, each device's latest position, and
90 days of daily patrol sheets.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from data.positions.partitions import ensure_partition, local_day
from etl.world.frames import with_point
from etl.world.history import OLDER_DAYS, older_fixes, sheet_history
from etl.world.patrols import patrols
from etl.world.stages import WorldState
from workflow.clock import day_start


def prepare_partitions(conn: Connection, st: WorldState) -> None:
    """The last 7 days' and tomorrow's day partitions, before any COPY starts."""
    today = local_day(st.as_of)
    for offset in range(-max(OLDER_DAYS), 2):
        ensure_partition(conn, today.fromordinal(today.toordinal() + offset))


def stage_patrols(st: WorldState) -> None:
    users = st.users
    workers = users[users["role"] == "grid_worker"].assign(
        grid_id=lambda u: u["grid_id"].astype(int), device_pk=lambda u: u["device_pk"].astype(int))
    grid_index = {gid: i for i, gid in enumerate(st.geo.grids["id"])}
    fixes = patrols(workers, st.grids_metric, grid_index, st.as_of, st.rng(7))
    if fixes.empty:
        st.counts["positions"] = 0
        return
    st.writer.copy("positions", with_point(fixes))
    older = older_fixes(fixes, st.as_of, st.rng(20))
    st.writer.copy("positions", with_point(older))
    sheets = sheet_history(workers[["id", "grid_id"]], st.geo.grids, st.as_of, st.rng(21))
    st.writer.copy("patrol_sheets", sheets)
    latest = fixes.groupby("device_id").tail(1)
    # device_time is naive UTC here (as COPY writes it); today starts at Beijing midnight.
    midnight = pd.Timestamp(day_start(local_day(st.as_of))).tz_convert("UTC").tz_localize(None)
    today = fixes["device_time"] >= midnight
    counts = fixes[today].groupby("device_id").size()
    st.writer.copy("latest_positions", with_point(latest.assign(
        fixes_today=latest["device_id"].map(counts).fillna(0).astype(int))[[
            "device_id", "user_id", "device_time", "server_time", "grid_id", "speed_mps",
            "battery", "fixes_today", "lon", "lat"]]))
    st.counts.update(positions=len(fixes) + len(older), devices_with_fixes=len(latest),
                     patrol_sheets=len(sheets))
