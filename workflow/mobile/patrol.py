"""The phone's patrol tab: today's route and what it adds up to (distance, time, coverage)."""
from __future__ import annotations

from datetime import datetime

from shapely.geometry import shape
from sqlalchemy import Connection

from data import mobile_queries
from data.positions.queries import worker_history
from geo.patrol_figures import patrol_summary
from workflow.clock import BEIJING
from workflow.roles import Actor

MAX_ROUTE_POINTS = 1500


def today_patrol(conn: Connection, actor: Actor, now: datetime, tz: str) -> dict:
    """Today's route (thinned for the phone) and its figures, from the fixes the server kept
    (doubtful ones set aside are not counted), whatever device sent them.
    """
    day = now.astimezone(BEIJING).date()
    fixes = worker_history(conn, actor.id, day, tz)
    if len(fixes) and "flagged" in fixes:
        fixes = fixes[~fixes["flagged"].fillna(False).astype(bool)]
    step = len(fixes) // MAX_ROUTE_POINTS + 1 if len(fixes) > MAX_ROUTE_POINTS else 1
    points = [[round(float(x), 5), round(float(y), 5)]
              for x, y in zip(fixes["lon"][::step], fixes["lat"][::step])] if len(fixes) else []
    beat = [shape(g["outline"]) for g in mobile_queries.worker_grids(conn, sorted(actor.grid_ids))]
    seconds = [t.timestamp() for t in fixes["device_time"]] if len(fixes) else []
    figures = patrol_summary(fixes["lon"] if len(fixes) else [], fixes["lat"] if len(fixes) else [],
                             seconds, beat)
    last = fixes["device_time"].iloc[-1] if len(fixes) else None
    return {"points": points, "day": day.isoformat(),
            "summary": {"distance_km": round(figures["distance_m"] / 1000, 2),
                        "minutes": round(figures["minutes"]),
                        "coverage": None if figures["coverage"] is None
                        else round(100 * figures["coverage"]),
                        "last_fix_at": last.isoformat() if last is not None else None,
                        "last_fix_age_s": None if last is None
                        else max(0, round((now - last.to_pydatetime()).total_seconds()))}}
