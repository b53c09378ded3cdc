"""Delivering pending notices: one claimed row per transaction, back-off, quiet hours, a log."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import Connection

from data import notices_store
from workflow.clock import BEIJING
from workflow.notices.senders import ChannelSettings, SendFailed, send

FIRST_RETRY_S = 30
MAX_RETRY_S = 3600
MAX_ATTEMPTS = 12         # about a day of retries: then the notice is "dead" and stays logged

Sender = Callable[[dict, ChannelSettings, datetime], str]


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 30 s doubling, at most 1 h."""
    return timedelta(seconds=min(FIRST_RETRY_S * 2 ** max(attempts - 1, 0), MAX_RETRY_S))


def parse_quiet(text: str) -> tuple[time, time] | None:
    """"22:00-07:00" → (22:00, 07:00); "" → None (no quiet hours)."""
    if not text.strip():
        return None
    start, sep, end = text.partition("-")
    try:
        window = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        window = None
    if not sep or window is None or window[0] == window[1]:
        raise ValueError(f"HQ_QUIET_HOURS must be like 22:00-07:00, not {text!r}")
    return window


def quiet_until(now: datetime, quiet: tuple[time, time] | None) -> datetime | None:
    """The end of the quiet hours ``now`` lies in (Beijing time), or None outside them."""
    if quiet is None:
        return None
    local = now.astimezone(BEIJING)
    start, end = quiet
    clock = local.time()
    inside = (start <= clock < end) if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=BEIJING)


def deliver_one(conn: Connection, notice_id: int, settings: ChannelSettings, now: datetime,
                quiet: tuple[time, time] | None = None, sender: Sender = send) -> str:
    """Try one pending notice inside the caller's transaction; what became of it: "sent",
    "retry", "dead", "quiet" (held until the quiet hours end) or "skipped" (not pending, or
    another worker holds it).
    """
    notice = notices_store.claim(conn, notice_id)
    if notice is None:
        return "skipped"
    if not notice["urgent"] and (until := quiet_until(now, quiet)) is not None:
        notices_store.defer(conn, notice_id, until)
        return "quiet"
    attempt = notice["attempts"] + 1
    try:
        answer = sender(notice, settings, now)
    except SendFailed as err:
        dead = attempt >= MAX_ATTEMPTS
        notices_store.record_attempt(conn, notice_id, now, attempt, False, str(err), {
            "attempts": attempt, "status": "dead" if dead else "pending",
            "next_attempt_at": now + backoff(attempt), "last_error": str(err)[:300]})
        return "dead" if dead else "retry"
    notices_store.record_attempt(conn, notice_id, now, attempt, True, answer, {
        "attempts": attempt, "status": "sent", "sent_at": now, "last_error": ""})
    return "sent"


def deliver_due(conn: Connection, settings: ChannelSettings, now: datetime,
                quiet: tuple[time, time] | None = None, limit: int = 50,
                sender: Sender = send) -> dict[str, int]:
    """Try every due notice on one connection (each in a savepoint); counts by outcome."""
    counts: dict[str, int] = {}
    for notice_id in notices_store.due_ids(conn, now, limit):
        with conn.begin_nested():
            outcome = deliver_one(conn, notice_id, settings, now, quiet, sender)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
