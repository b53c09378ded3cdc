"""Which phones need an operator's attention, and why: the health of each phone under the rules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from data.queries.device_health import device_health, shift_gaps
from data.settings import Settings
from workflow.clock import BEIJING, day_start
from workflow.errors import forbidden
from workflow.roles import Actor, list_filter

# A phone silent this long during a shift has a gap; this long and still silent, it is dark.
GAP_S = 600.0
DARK_S = 600.0
LOW_BATTERY = 20
SKEWED_S = 30.0
# Set aside today: this many fixes, or this share of what the phone sent.
MANY_ASIDE, ASIDE_SHARE = 30, 0.2
LONG_GAPS_S = 1800.0
# Most urgent first: what an operator should look at before the rest.
ISSUES = ("dark", "low_battery", "clock", "set_aside", "gaps", "not_started")
SEVERITY = {"dark": 5, "not_started": 4, "low_battery": 3, "clock": 2, "set_aside": 2, "gaps": 1}


def shift_windows_today(settings: Settings, now: datetime) -> list[tuple[datetime, datetime]]:
    """Today's shift windows (aware), those begun by ``now``, each cut at ``now``."""
    today = now.astimezone(BEIJING).date()
    out = []
    for start, end in settings.shift_windows:
        begin = datetime.combine(today, start, tzinfo=BEIJING)
        finish = min(datetime.combine(today, end, tzinfo=BEIJING), now)
        if begin < finish:
            out.append((begin, finish))
    return out


def in_shift(settings: Settings, now: datetime) -> bool:
    local = now.astimezone(BEIJING).time()
    return any(start <= local < end for start, end in settings.shift_windows)


def issues(row: dict, now: datetime, on_shift: bool) -> list[str]:
    """What is wrong with one phone today, most urgent first (empty: nothing)."""
    found = []
    heard = row.get("last_heard")
    silent = heard is None or (now - heard).total_seconds() > DARK_S
    if on_shift and silent:
        found.append("dark" if row.get("fixes_today") or row.get("set_aside_today")
                     else "not_started")
    if row.get("battery") is not None and row["battery"] < LOW_BATTERY and not silent:
        found.append("low_battery")
    offset = row.get("clock_offset_s")
    if offset is not None and abs(offset) >= SKEWED_S:
        found.append("clock")
    aside, sent = row.get("set_aside_today") or 0, (row.get("fixes_today") or 0)
    if aside >= MANY_ASIDE or (aside and aside >= ASIDE_SHARE * (aside + sent)):
        found.append("set_aside")
    if row.get("gap_s", 0) >= LONG_GAPS_S:
        found.append("gaps")
    return sorted(found, key=lambda k: -SEVERITY[k])


def attention_key(row: dict):
    """Sort key: the worst issue first, then more issues, then the longest silent."""
    worst = max((SEVERITY[k] for k in row["issues"]), default=0)
    heard = row.get("last_heard")
    return (-worst, -len(row["issues"]), heard.timestamp() if heard else 0.0, row["username"])


def phone_health(conn: Connection, actor: Actor, settings: Settings, now: datetime) -> dict:
    """The phones ``actor`` may follow, those needing attention first.

    Returns
    -------
    dict
        now, shifts (today's windows so far), on_shift, devices (each with issues, gaps,
        gap_s), counts (issue: number of phones).
    """
    scope = list_filter(actor, "devices.read")
    if scope is None:
        raise forbidden()
    rows = device_health(conn, day_start(now.astimezone(BEIJING).date()),
                         scope.get("street_id"), scope.get("community_id"),
                         scope.get("district_code"))
    windows = shift_windows_today(settings, now)
    gaps = shift_gaps(conn, [r["id"] for r in rows], windows, GAP_S)
    on_shift = in_shift(settings, now)
    for row in rows:
        row.update(gaps.get(row["id"], {"gaps": 0, "gap_s": 0.0}))
        row["issues"] = issues(row, now, on_shift)
        # The identifier is the phone's secret: pages and answers show only its start.
        row["device_id"] = row["device_id"][:4] + "…"
    rows.sort(key=attention_key)
    counts = {k: sum(k in r["issues"] for r in rows) for k in ISSUES}
    return {"now": now, "on_shift": on_shift, "shifts": windows, "devices": rows,
            "counts": counts}
