"""The wall's queries against the small world, each checked by brute force in pandas."""
from collections import Counter
from datetime import timedelta

import pandas as pd
import pyproj
import pytest
from sqlalchemy import insert, text

from data.models import Whistle, WhistleSummons
from data.queries import wall as wall_queries
from data.queries import wall_map as map_queries
from data.queries import wall_whistles as whistle_queries
from tests import factories
from tests.conftest import WORLD_AS_OF
from tests.conftest import WORLD_PATROL_AT as PATROL_AT

NOW = WORLD_AS_OF
TZ = "Asia/Shanghai"
WORKING = ("dispatched", "in_progress", "reopened")
OPEN = ("summoned", "reported_in")


def table(conn, sql: str, **params) -> pd.DataFrame:
    result = conn.execute(text(sql), params)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


@pytest.fixture
def incidents(world_conn):
    df = table(world_conn, """
        select i.*, s.code as street_code, c.parent_code, ST_X(i.geom) as lon, ST_Y(i.geom) as lat,
               g.code as grid_code
        from incidents i join streets s on s.id = i.street_id
        join categories c on c.code = i.category_code join grids g on g.id = i.grid_id""")
    return df.drop(columns=["geom"])


@pytest.fixture
def fixes(world_conn):
    return table(world_conn, "select device_id, user_id, device_time, grid_id, flagged from positions")


def at(k: int) -> dict:
    m = wall_queries.moments(NOW, TZ, k)
    return {name: pd.Timestamp(value) for name, value in m.items()}


def done_by(df, t):
    return (df["closed_at"] <= t) | (df["rejected_at"] <= t)


def expected_incident_figures(df: pd.DataFrame, k: int) -> dict:
    m = at(k)
    t, d0, y0 = m["t"], m["d0"], m["y0"]
    year = df[(df["reported_at"] >= y0) & (df["reported_at"] <= t)]
    unresolved = ~(df["resolved_at"] <= t) & ~(df["closed_at"] <= t) & ~(df["rejected_at"] <= t)
    return {
        "reports_today": int(((df["reported_at"] >= d0) & (df["reported_at"] <= t)).sum()),
        "closed_today": int(((df["closed_at"] >= d0) & (df["closed_at"] <= t)).sum()),
        "year_reported": len(year), "year_done": int(done_by(year, t).sum()),
        "overdue": int(((df["dispatched_at"] <= t) & (df["deadline"] < t) & unresolved).sum()),
    }


def test_the_world_has_something_to_show(world_conn, incidents, fixes):
    """The comparisons below are not vacuous: there are reports in the last day, whatever the
    hour the world ends at (at 00:00:30 "today" is still empty), and patrols.
    """
    assert (incidents["reported_at"] > NOW - timedelta(days=1)).sum() > 0
    assert len(fixes) > 0


def test_headline_incident_figures_match_pandas_now_yesterday_and_last_week(world_conn, incidents):
    got = wall_queries.headline(world_conn, NOW, TZ)
    assert list(got.index) == [0, 1, 7]
    for k in (0, 1, 7):
        for name, value in expected_incident_figures(incidents, k).items():
            assert got.loc[k, name] == value, (k, name)
    busy = wall_queries.headline(world_conn, PATROL_AT, TZ).loc[0]
    assert busy["year_reported"] > busy["year_done"] > 0


def test_timestamps_agree_with_the_status_column_now(world_conn, incidents):
    got = wall_queries.headline(world_conn, NOW, TZ).loc[0]
    reported = incidents[incidents["reported_at"] <= NOW]
    overdue = reported["status"].isin(WORKING) & (reported["deadline"] < NOW)
    assert got["overdue"] == int(overdue.sum())
    year = reported[reported["reported_at"] >= at(0)["y0"]]
    assert got["year_done"] == int(year["status"].isin(["closed", "rejected"]).sum())


def test_headline_people_match_pandas(world_conn, fixes):
    got = wall_queries.headline(world_conn, NOW, TZ)
    for k in (0, 1, 7):
        m = at(k)
        day = fixes[(fixes["device_time"] >= m["d0"]) & (fixes["device_time"] <= m["t"])]
        recent = day[day["device_time"] > m["t"] - timedelta(minutes=5)]
        patrolled = day[~day["flagged"] & day["grid_id"].notna()]
        assert got.loc[k, "on_duty"] == day["user_id"].nunique(), k
        assert got.loc[k, "online"] == recent["user_id"].nunique(), k
        assert got.loc[k, "grids_patrolled"] == patrolled["grid_id"].nunique(), k
    grids = world_conn.execute(text("select count(*) from grids")).scalar()
    assert got.loc[0, "grids"] == grids
    assert wall_queries.headline(world_conn, PATROL_AT, TZ).loc[0, "on_duty"] > 0


def blow(conn, street_code: str, now, parent=None, status="summoned") -> int:
    street, chief, lon_lat = conn.execute(text(
        "select s.id, (select id from users order by id limit 1), ST_AsText(ST_PointOnSurface(s.geom))"
        " from streets s where code = :c"), {"c": street_code}).one()
    return conn.execute(insert(Whistle).values(
        code=f"WS-T-{street_code}-{parent or 0}", street_id=street, blown_by_id=chief,
        level=2 if parent else 1, parent_id=parent, matter="测试吹哨", meeting_at=now,
        meeting_place="现场", blown_at=now - timedelta(days=2), deadline=now + timedelta(days=5),
        status=status, geom=f"SRID=4326;{lon_lat}").returning(Whistle.id)).scalar_one()


@pytest.fixture
def open_whistle(world_conn):
    parent = blow(world_conn, "120106004", NOW, status="escalated")
    child = blow(world_conn, "120106004", NOW, parent=parent)
    dept = world_conn.execute(text("select id from departments where code = 'CGW'")).scalar_one()
    leader = world_conn.execute(text(
        "select id from users where role = 'district_leader' order by id limit 1")).scalar_one()
    world_conn.execute(insert(WhistleSummons).values(
        whistle_id=child, department_id=dept, acknowledged_at=NOW - timedelta(days=1),
        arrived_at=NOW - timedelta(hours=20)))
    world_conn.execute(insert(WhistleSummons).values(whistle_id=child, leader_id=leader))
    return child


def test_open_whistles_come_with_their_parties(world_conn, open_whistle):
    before = wall_queries.headline(world_conn, NOW - timedelta(days=3), TZ).loc[0, "whistles_active"]
    assert wall_queries.headline(world_conn, NOW, TZ).loc[0, "whistles_active"] == before + 1
    ws = whistle_queries.open_whistles(world_conn, NOW, OPEN)
    assert ws["id"].tolist() == [open_whistle] and ws.loc[0, "level"] == 2
    assert ws.loc[0, "street_zh"] == "丁字沽街道"
    parties = whistle_queries.whistle_parties(world_conn, [open_whistle])
    assert parties["leader"].tolist() == [False, True]
    assert parties["arrived_at"].notna().tolist() == [True, False]
    assert whistle_queries.open_whistles(world_conn, NOW, OPEN, street="120106001").empty


def test_closed_whistles_and_the_year(world_conn):
    everything = table(world_conn, "select * from whistles")
    closed = whistle_queries.closed_whistles(world_conn, NOW, limit=4)
    expected = everything[(everything["status"] == "closed") & (everything["closed_at"] <= NOW)]
    assert closed["id"].tolist() == expected.sort_values(["closed_at", "id"], ascending=False)["id"][:4].tolist()
    year = everything[(everything["blown_at"] >= at(0)["y0"]) & (everything["blown_at"] <= NOW)]
    got = whistle_queries.whistle_year(world_conn, NOW, TZ)
    assert got["blown"] == len(year) and got["second"] == int((year["level"] == 2).sum())
    assert got["closed"] == int(((year["status"] == "closed") & (year["closed_at"] <= NOW)).sum())


def test_category_trend_counts_subjects_per_local_day(world_conn, incidents):
    got = wall_queries.category_trend(world_conn, NOW, TZ, days=30)
    start = at(0)["d0"] - timedelta(days=29)
    window = incidents[(incidents["reported_at"] >= start) & (incidents["reported_at"] <= NOW)]
    day = window["reported_at"].dt.tz_convert(TZ).dt.date
    subject = window["parent_code"].fillna(window["category_code"])
    expected = window.groupby([day, subject]).size()
    assert dict(zip(zip(got["day"], got["code"]), got["n"])) == expected.to_dict()
    window_days = {(at(0)["d0"] - timedelta(days=k)).date() for k in range(30)}
    # Days without reports have no row (at 00:00:30 today has none yet); never a day outside.
    assert set(got["day"]) <= window_days and got["day"].nunique() >= 29
    assert set(got["code"]) <= {"01", "02", "03", "04", "05"}


def test_street_filter_keeps_one_street(world_conn, incidents):
    got = wall_queries.category_trend(world_conn, NOW, TZ, 30, street="120106004")
    start = at(0)["d0"] - timedelta(days=29)
    mine = incidents[(incidents["street_code"] == "120106004") & (incidents["reported_at"] >= start)
                     & (incidents["reported_at"] <= NOW)]
    assert got["n"].sum() == len(mine)


def test_street_closure_is_this_years_share_done(world_conn, incidents):
    got = wall_queries.street_closure(world_conn, NOW, TZ).set_index("code")
    year = incidents[(incidents["reported_at"] >= at(0)["y0"]) & (incidents["reported_at"] <= NOW)]
    for code, rows in year.groupby("street_code"):
        assert got.loc[code, "reported"] == len(rows)
        assert got.loc[code, "rate"] == pytest.approx(done_by(rows, NOW).mean())
    assert len(got) == 10


def test_sources_today_and_the_ticker(world_conn, incidents):
    today = incidents[(incidents["reported_at"] >= at(0)["d0"]) & (incidents["reported_at"] <= NOW)]
    got = wall_queries.sources_today(world_conn, NOW, TZ)
    assert dict(zip(got["source"], got["n"])) == today["source"].value_counts().to_dict()
    assert got["n"].is_monotonic_decreasing
    newest = wall_queries.newest_incidents(world_conn, NOW, limit=6)
    expected = incidents[incidents["reported_at"] <= NOW].sort_values(
        ["reported_at", "id"], ascending=False)["code"][:6]
    assert newest["code"].tolist() == expected.tolist()
    assert set(newest.columns) >= {"street_zh", "category_zh", "status", "deadline"}


def test_grid_values_for_each_metric(world_conn, incidents, fixes):
    grids = table(world_conn, "select id, code from grids")
    today = incidents[(incidents["reported_at"] >= at(0)["d0"]) & (incidents["reported_at"] <= NOW)]
    open_now = incidents[~incidents["status"].isin(["closed", "rejected"])
                         & (incidents["reported_at"] <= NOW)]
    day_fixes = fixes[(fixes["device_time"] >= at(0)["d0"]) & (fixes["device_time"] <= NOW)
                      & ~fixes["flagged"]]
    by_id = dict(zip(grids["id"], grids["code"]))
    expected = {"incidents_today": today["grid_code"].value_counts(),
                "open_incidents": open_now["grid_code"].value_counts(),
                "coverage": day_fixes["grid_id"].map(by_id).value_counts()}
    for metric, counts in expected.items():
        got = map_queries.grid_values(world_conn, metric, NOW, TZ)
        assert len(got) == len(grids) and got["code"].is_monotonic_increasing
        nonzero = got[got["value"] > 0]
        assert dict(zip(nonzero["code"], nonzero["value"])) == counts.to_dict(), metric
    with pytest.raises(ValueError):
        map_queries.grid_values(world_conn, "nonsense", NOW, TZ)


def test_heat_bins_are_snapped_in_utm_and_sum_to_the_week(world_conn, incidents):
    got = map_queries.incident_heat(world_conn, NOW, days=7, cell_m=200)
    week = incidents[(incidents["reported_at"] > NOW - timedelta(days=7))
                     & (incidents["reported_at"] <= NOW)]
    assert got["n"].sum() == len(week)
    to_utm = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)
    x, y = to_utm.transform(week["lon"].to_numpy(), week["lat"].to_numpy())
    cells = Counter(zip((x / 200).round(), (y / 200).round()))
    assert sorted(got["n"]) == sorted(cells.values())
    assert got["lon"].between(117.0, 117.3).all() and got["lat"].between(39.0, 39.3).all()


def test_worker_positions_one_per_worker_today(world_conn):
    latest = table(world_conn, """select user_id, device_time from latest_positions""")
    got = map_queries.worker_positions(world_conn, NOW, TZ)
    mine = latest[(latest["device_time"] >= at(0)["d0"])
                  & (latest["device_time"] <= NOW + timedelta(seconds=300))]
    assert got["user_id"].is_unique and set(got["user_id"]) == set(mine["user_id"])
    newest = mine.groupby("user_id")["device_time"].max()
    online = set(newest[newest > NOW - timedelta(minutes=5)].index)
    assert set(got.loc[got["online"], "user_id"]) == online


def test_cameras_and_places(world_conn):
    cams = map_queries.camera_points(world_conn)
    assert len(cams) == world_conn.execute(text("select count(*) from cameras")).scalar()
    places = map_queries.place_labels(world_conn)
    counts = world_conn.execute(text(
        "select (select count(*) from streets), (select count(*) from communities)")).one()
    assert (places["level"] == "street").sum() == counts[0] == 10
    assert (places["level"] == "community").sum() == counts[1]
    assert (places["minx"] < places["lon"]).all() and (places["lon"] < places["maxx"]).all()


def test_tracks_cover_every_moving_phone_and_keep_one_standing_still(world_conn):
    from data.positions import recent_tracks

    tracks = map_queries.track_lines(world_conn, PATROL_AT, minutes=15, tolerance_m=10)
    reference = recent_tracks(world_conn, 15, 10.0, PATROL_AT)
    assert set(tracks["device_pk"]) == set(reference["device_pk"]) and len(tracks) > 0
    assert all(len(lon) == len(lat) >= 2 for lon, lat in zip(tracks["lon"], tracks["lat"]))
    user = factories.user(world_conn, "standing-still", "grid_worker")
    device = factories.device(world_conn, user, "still-phone")
    world_conn.execute(text("""
        insert into positions (device_id, device_time, user_id, geom)
        select :d, cast(:t as timestamptz) - make_interval(secs => s), :u,
               ST_SetSRID(ST_MakePoint(117.15, 39.16), 4326)
        from unnest(array[1000, 1010, 1020]) as s
        on conflict do nothing"""), {"d": device, "u": user, "t": PATROL_AT})
    still = map_queries.track_lines(world_conn, PATROL_AT, minutes=30, tolerance_m=10)
    assert device in set(still["device_pk"])


def test_the_headline_in_parts_equals_the_whole(world_conn):
    whole = wall_queries.headline(world_conn, NOW, TZ)
    now = wall_queries.headline(world_conn, NOW, TZ, days=(0,), patrolled=False)
    past = wall_queries.headline(world_conn, NOW, TZ, days=(1, 7))
    assert list(now.index) == [0] and list(past.index) == [1, 7]
    assert "grids_patrolled" not in now.columns
    assert now.loc[0].to_dict() == whole.loc[0].drop("grids_patrolled").to_dict()
    assert past.to_dict() == whole.loc[[1, 7]].to_dict()
    coverage = map_queries.grid_values(world_conn, "coverage", NOW, TZ)
    assert int((coverage["value"] > 0).sum()) == whole.loc[0, "grids_patrolled"]


def test_a_phone_walking_at_midnight_stays_on_the_wall_into_the_new_day(world_conn):
    midnight = at(0)["d0"].to_pydatetime()
    user = factories.user(world_conn, "night-walker", "grid_worker")
    device = factories.device(world_conn, user, "night-phone")
    world_conn.execute(text("""
        insert into latest_positions (device_id, user_id, device_time, server_time, fixes_today, geom)
        values (:d, :u, :t, :t, 1, ST_SetSRID(ST_MakePoint(117.15, 39.16), 4326))"""),
        {"d": device, "u": user, "t": midnight - timedelta(minutes=2)})
    dots = map_queries.worker_positions(world_conn, midnight + timedelta(seconds=30), TZ)
    assert dots.set_index("user_id").loc[user, "online"]
    later = map_queries.worker_positions(world_conn, midnight + timedelta(minutes=10), TZ)
    assert user not in set(later["user_id"])     # gone once it is neither today's nor online


def test_a_replay_shows_each_workers_dot_where_it_was_then(world_conn, fixes):
    """?at= a moment of the rounds: every worker with a good fix that day up to then has a dot
    at their last fix, online when it is under 5 minutes old (latest_positions has moved on).
    """
    dots = map_queries.worker_positions(world_conn, PATROL_AT, TZ, past=True)
    day0 = pd.Timestamp(PATROL_AT).tz_convert(TZ).normalize()
    seen = fixes[(fixes["device_time"] >= day0) & (fixes["device_time"] <= PATROL_AT)
                 & ~fixes["flagged"]]
    assert set(dots["user_id"]) == set(seen["user_id"]) and len(dots) > 0
    last = seen.groupby("user_id")["device_time"].max()
    online = last > PATROL_AT - timedelta(minutes=5)
    assert dict(zip(dots["user_id"], dots["online"])) == online.to_dict()
