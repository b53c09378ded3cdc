"""The daily patrol sheet: one row per worker, rolled up by community and street.

A closed day is summed once and stored (the background job and the world loader do it; a
reader finding a closed day missing stores it then); today changes with every fix, so it is
summed live for the reader's area, except the whole district: ~10 s of sums at 1,000 workers
by the end of a shift, which the job stores every ``patrol_sheet_refresh_s`` and readers of
the district read (each row's ``computed_at`` says when).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from data.db import Database
from data.patrol.sheets import (
    compute_sheets,
    lock_day,
    read_sheets,
    snapshot_at,
    store_sheets,
    stored_days,
)
from data.patrol.tracks import store_day_tracks
from workflow.clock import BEIJING
from workflow.errors import bad_request
from workflow.patrol.replay import FEW_STEP_S, MANY_STEP_S
from workflow.patrol.scope import narrowed
from workflow.roles import Actor

SUMMED = ("km", "minutes_on_beat", "minutes_off_beat", "stops", "reports", "set_aside")


def ensure_stored(db: Database, day: date, now: datetime) -> bool:
    """Store ``day``'s sheets and replay tracks if it is over and its sheets are not stored
    yet; True when it stored them.
    """
    if day >= now.astimezone(BEIJING).date():
        return False
    with db.connect() as conn:
        if stored_days(conn, [day]):
            return False
    with db.begin() as conn:
        # Several readers may find the day missing at once: the first stores it, the others
        # wait for it here and then find it stored.
        lock_day(conn, day)
        if stored_days(conn, [day]):
            return False
        store_sheets(conn, day, now)
        # The day's replay tracks go with its sheets: both read every fix of the day once.
        store_day_tracks(conn, day, (FEW_STEP_S, MANY_STEP_S), now)
    return True


def refresh_today(db: Database, now: datetime, every_s: int) -> bool:
    """Store today's sheets so far when the last snapshot is ``every_s`` old or more (the
    background job's part); True when it stored them.
    """
    if every_s <= 0:
        return False
    today = now.astimezone(BEIJING).date()
    with db.connect() as conn:
        last = snapshot_at(conn, today)
    if last is not None and now - last < timedelta(seconds=every_s):
        return False
    with db.begin() as conn:
        lock_day(conn, today)
        last = snapshot_at(conn, today)
        if last is not None and now - last < timedelta(seconds=every_s):
            return False
        store_sheets(conn, today, now)
    return True


def daily_sheets(db: Database, actor: Actor, day: date, now: datetime,
                 street_id: int | None = None, community_id: int | None = None,
                 user_id: int | None = None, snapshot_s: int = 0) -> list[dict]:
    """The sheets of ``day`` that ``actor`` may read (403 when none), filtered as asked.

    Today's for the whole district come from the job's snapshot when it is at most
    ``snapshot_s`` old (0: always summed live).
    """
    today = now.astimezone(BEIJING).date()
    if day > today:
        raise bad_request("日期不能晚于今天 / the date cannot be after today", "date")
    area = narrowed(actor, street_id, community_id)
    if area is None:
        return []
    with db.connect() as conn:
        if day == today:
            whole = (area["street_id"], area["community_id"], user_id) == (None, None, None)
            last = snapshot_at(conn, day) if whole and snapshot_s > 0 else None
            if last is not None and now - last <= timedelta(seconds=snapshot_s):
                return read_sheets(conn, day, None, None, None, area["district_code"])
            return compute_sheets(conn, day, area["street_id"], area["community_id"], user_id,
                                  area["district_code"])
    ensure_stored(db, day, now)
    with db.connect() as conn:
        return read_sheets(conn, day, area["street_id"], area["community_id"], user_id,
                           area["district_code"])


def rollup(rows: list[dict], key: str) -> list[dict]:
    """Sheets summed by ``key`` ("community_id" or "street_id"): workers, on duty (any good
    fix), the sums of SUMMED and the mean share of beat covered.
    """
    groups: dict = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    name = key.removesuffix("_id")
    out = []
    for ident, members in groups.items():
        first = members[0]
        item = {key: ident, f"{name}_zh": first.get(f"{name}_zh"),
                f"{name}_en": first.get(f"{name}_en"), "workers": len(members),
                "on_duty": sum(m["first_fix"] is not None for m in members)}
        for column in SUMMED:
            item[column] = round(sum(m[column] for m in members), 3)
        item["beat_covered"] = round(sum(m["beat_covered"] for m in members) / len(members), 3)
        out.append(item)
    return out
