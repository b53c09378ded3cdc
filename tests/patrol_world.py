"""A scripted patrol day for the patrol tests: worker_a walks, stops, strays into the next
grid, goes silent, comes back; worker_b never switches the phone on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from data.devices import create_device
from data.positions import ensure_partition
from tests.clock import SESSION_NOW
from tests.workflow_world import World, build_world, make_incident
from workflow.clock import BEIJING

# Yesterday in Beijing: a whole day, whatever the hour the suite runs at.
DAY = (SESSION_NOW.astimezone(BEIJING) - timedelta(days=1)).date()
START = datetime.combine(DAY, datetime.min.time(), tzinfo=BEIJING) + timedelta(hours=9)
LAT = 39.152


@dataclass
class PatrolWorld:
    world: World
    device_a: int
    device_b: int
    fixes: list[tuple[datetime, float, float, str]]   # time, lon, lat, grid ("A"/"B")


def scripted_fixes() -> list[tuple[datetime, float, float, str]]:
    """worker_a's day: 20 min walking east in grid A, 10 min standing still, 15 min in grid B,
    30 min silent, 5 min back in A; a fix every 10 s.
    """
    out, t = [], START
    for k in range(120):                        # ~12 m per fix: 1.2 m/s
        out.append((t, 117.1010 + k * 0.00014, LAT, "A"))
        t += timedelta(seconds=10)
    still = out[-1][1]
    for _ in range(60):
        out.append((t, still, LAT, "A"))
        t += timedelta(seconds=10)
    for k in range(90):
        out.append((t, 117.1110 + k * 0.0001, LAT + 0.001, "B"))
        t += timedelta(seconds=10)
    t += timedelta(minutes=30)
    for k in range(30):
        out.append((t, 117.1050, LAT + 0.002 + k * 0.0001, "A"))
        t += timedelta(seconds=10)
    return out


def build_patrol_world(conn) -> PatrolWorld:
    """The workflow world, two phones, worker_a's scripted day, one flagged fix, three fixes
    set aside and one report filed by worker_a that day.
    """
    world = build_world(conn)
    a, _ = create_device(conn, world.users["worker_a"], "P" * 4 + "a" * 18)
    b, _ = create_device(conn, world.users["worker_b"], "Q" * 4 + "b" * 18)
    ensure_partition(conn, DAY)
    grids = {"A": world.ids["grid"], "B": world.ids["grid_b"]}
    fixes = scripted_fixes()
    rows = [{"d": a, "u": world.users["worker_a"], "t": t, "g": grids[g], "b": 80 - k // 40,
             "p": f"SRID=4326;POINT({lon} {lat})"} for k, (t, lon, lat, g) in enumerate(fixes)]
    conn.execute(text("""
        insert into positions (device_id, user_id, device_time, server_time, grid_id, battery,
                               accuracy_m, geom)
        values (:d, :u, :t, :t, :g, :b, 8, ST_GeomFromEWKT(:p))"""), rows)
    # A flagged fix far away: never part of km, minutes or coverage.
    conn.execute(text("""
        insert into positions (device_id, user_id, device_time, server_time, grid_id, flagged,
                               geom)
        values (:d, :u, :t, :t, null, true, 'SRID=4326;POINT(117.2 39.2)')"""),
        {"d": a, "u": world.users["worker_a"], "t": START + timedelta(seconds=5)})
    for k in range(3):
        conn.execute(text("""
            insert into set_aside_fixes (device_id, device_time, server_time, user_id, reason,
                                         geom)
            values (:d, :t, :t, :u, 'impossible_speed', 'SRID=4326;POINT(117.3 39.3)')"""),
            {"d": a, "t": START + timedelta(seconds=3 + k), "u": world.users["worker_a"]})
    make_incident(conn, world, reported_at=START + timedelta(minutes=25))
    return PatrolWorld(world, a, b, fixes)
