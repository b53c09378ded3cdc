"""Retention: raw fixes older than ``positions_keep_days`` go by dropping their day
partitions; the day's sheets (with a simplified track per worker) and the discovery rate's
passes from its fixes are stored first.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from data.db import Database
from data.patrol.discovery import store_passes
from data.patrol.tracks import forget_tracks
from data.positions.retention import day_partitions, drop_partition, keep_tracks
from data.settings import Settings
from workflow.clock import BEIJING, day_start
from workflow.patrol.sheets import ensure_stored


def apply_retention(db: Database, settings: Settings, now: datetime) -> list[str]:
    """Drop the day partitions older than the kept days; returns the dropped names."""
    cutoff = now.astimezone(BEIJING).date() - timedelta(days=settings.positions_keep_days)
    with db.connect() as conn:
        old = {day: name for day, name in day_partitions(conn).items() if day < cutoff}
    dropped = []
    for day, name in sorted(old.items()):
        ensure_stored(db, day, now)
        with db.begin() as conn:
            keep_tracks(conn, day)
            store_passes(conn, day_start(day), day_start(day + timedelta(days=1)), now)
            # Full-resolution replay tracks would keep what dropping the fixes gives up;
            # replay falls back to the sheet's simplified track.
            forget_tracks(conn, day)
            drop_partition(conn, name)
        dropped.append(name)
    return dropped
