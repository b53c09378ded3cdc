"""Patrol exceptions: detected from the day's shift fixes, stored as events, listed within
scope and acknowledged with a note by operators and street chiefs.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import Connection

from data.patrol.exceptions import (
    acknowledge_exception,
    list_exceptions,
    lock_exception,
    shift_fixes,
    store_exceptions,
    worker_beats,
)
from data.settings import Settings
from workflow.clock import BEIJING
from workflow.errors import bad_request, conflict, forbidden, not_found
from workflow.patrol.rules import Thresholds, worker_events
from workflow.patrol.scope import narrowed
from workflow.roles import Actor, Target, can

NOTE_MAX = 500


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(settings.patrol_off_beat_min, settings.patrol_no_fix_min,
                      settings.patrol_idle_min, settings.patrol_low_battery)


def day_windows(settings: Settings, day: date, now: datetime) -> list[tuple[datetime, datetime]]:
    """The day's shift windows begun by ``now``, each cut at ``now``."""
    out = []
    for start, end in settings.shift_windows:
        begin = datetime.combine(day, start, tzinfo=BEIJING)
        finish = min(datetime.combine(day, end, tzinfo=BEIJING), now)
        if begin < finish:
            out.append((begin, datetime.combine(day, end, tzinfo=BEIJING)))
    return out


def detect(conn: Connection, settings: Settings, day: date, now: datetime) -> int:
    """Run the rules over ``day``'s shifts up to ``now`` and store the events; returns how many
    events were written (new or with a new end).
    """
    windows = day_windows(settings, day, now)
    if not windows:
        return 0
    cut = [(a, min(b, now)) for a, b in windows]
    by_worker = defaultdict(list)
    for row in shift_fixes(conn, cut):
        by_worker[row.user_id].append(row)
    epoch = [(a.timestamp(), b.timestamp()) for a, b in windows]
    th, stamp = thresholds(settings), now.timestamp()
    events = []
    for user_id, beat in worker_beats(conn).items():
        for kind, start, end in worker_events(by_worker.get(user_id, []), set(beat["grids"]),
                                              epoch, stamp, th):
            events.append({"user_id": user_id, "day": day, "kind": kind,
                           "started_at": datetime.fromtimestamp(start, BEIJING),
                           "ended_at": None if end is None else datetime.fromtimestamp(end, BEIJING),
                           "grid_id": beat["grids"][0], "street_id": beat["street_id"],
                           "community_id": beat["community_id"]})
    return store_exceptions(conn, events)


def exceptions_for(conn: Connection, actor: Actor, day: date, street_id: int | None = None,
                   community_id: int | None = None, user_id: int | None = None) -> list[dict]:
    """The day's exceptions ``actor`` may read (403 when none at all)."""
    area = narrowed(actor, street_id, community_id)
    if area is None:
        return []
    return list_exceptions(conn, day, area["street_id"], area["community_id"], user_id,
                           area["district_code"])


def acknowledge(conn: Connection, actor: Actor, ident: int, note: str, now: datetime) -> None:
    """Acknowledge an exception with a note (operators in their area, street chiefs in their
    street); 404 outside the reader's scope, 409 when already acknowledged.
    """
    if not isinstance(note, str) or not note.strip() or len(note) > NOTE_MAX:
        raise bad_request(f"须填写说明（至多 {NOTE_MAX} 字）/ a note of 1-{NOTE_MAX} characters "
                          "is required", "note")
    row = lock_exception(conn, ident)
    target = None if row is None else Target(
        street_id=row["street_id"], community_ids=frozenset({row["community_id"]}))
    if row is None or narrowed(actor, row["street_id"], row["community_id"]) is None:
        raise not_found("异常", "exception", "id")
    if not can(actor, "patrol.manage", target):
        raise forbidden()
    if row["acknowledged_at"] is not None:
        raise conflict("already_acknowledged", "该异常已确认 / already acknowledged")
    acknowledge_exception(conn, ident, actor.id, now, note.strip())
