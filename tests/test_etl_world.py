"""The synthetic world at test scale: counts, nesting, cover, lifecycle, whistles, determinism."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from data.positions import local_day
from data.world_store import world_digest
from etl.world.geography import scaled_counts
from etl.world.load import WorldExists, load_world
from tests.conftest import (
    WORLD_AS_OF,
    WORLD_SCALE,
    WORLD_SEED,
    create_test_database,
    drop_test_database,
    load_small_world,
)
from workflow.clock import day_start


def scalar(conn, sql, **params):
    return conn.execute(text(sql), params).scalar()


def test_counts_follow_the_report_scaled(world_conn, world_db_url):
    counts = world_db_url[1]
    streets, communities, grids = scaled_counts(WORLD_SCALE)
    assert (counts["streets"], counts["communities"], counts["grids"]) == (streets, communities, grids)
    assert scalar(world_conn, "select count(*) from residents") == int(320_000 * WORLD_SCALE)
    assert scalar(world_conn, "select count(*) from departments") == 54
    assert scalar(world_conn, "select sum(service_items) from departments") == 1320
    assert scalar(world_conn, "select count(*) from cameras") == pytest.approx(4500 * WORLD_SCALE, abs=6)
    kg = scalar(world_conn, "select count(*) from cameras where kind = 'kindergarten'")
    assert kg == pytest.approx(2050 * WORLD_SCALE, abs=2)
    incidents = scalar(world_conn, "select count(*) from incidents")
    assert incidents == pytest.approx(290_000 * WORLD_SCALE, rel=0.05)
    assert set(r[0] for r in world_conn.execute(text("select name_zh from streets"))) == {
        "西于庄街道", "双环邨街道", "咸阳北路街道", "丁字沽街道", "西沽街道", "三条石街道",
        "邵公庄街道", "芥园街道", "铃铛阁街道", "和苑街道"}


def test_grids_nest_cover_the_outline_and_do_not_overlap(world_conn):
    outside = scalar(world_conn, """
        select coalesce(sum(ST_Area(ST_Transform(ST_Difference(g.geom, c.geom), 32650))), 0)
        from grids g join communities c on c.id = g.community_id""")
    assert outside < 1.0
    wrong_street = scalar(world_conn, """
        select count(*) from grids g join communities c on c.id = g.community_id
        where g.street_id <> c.street_id or left(g.code, 12) <> c.code""")
    assert wrong_street == 0
    gap = scalar(world_conn, """
        select ST_Area(ST_Transform(ST_SymDifference(d.geom, (select ST_Union(geom) from grids)), 32650))
        from districts d""")
    assert gap < 1.0
    overlap = scalar(world_conn, """
        select coalesce(sum(ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 32650))), 0)
        from grids a join grids b on a.id < b.id and ST_Intersects(a.geom, b.geom)""")
    assert overlap < 1e-3


def test_shiduan_community_has_seven_workers(world_conn):
    workers = scalar(world_conn, """
        select count(*) from users u join communities c on c.id = u.community_id
        join streets s on s.id = c.street_id
        where u.role = 'grid_worker' and c.name_zh = '十段社区' and s.name_zh = '丁字沽街道'""")
    assert workers == 7


def test_every_incident_lies_in_its_grid_and_times_are_ordered(world_conn):
    assert scalar(world_conn, """select count(*) from incidents i join grids g on g.id = i.grid_id
                                 where not ST_Covers(g.geom, i.geom)""") == 0
    assert scalar(world_conn, """select count(*) from incidents i join grids g on g.id = i.grid_id
                                 where i.street_id <> g.street_id or i.community_id <> g.community_id""") == 0
    disorder = scalar(world_conn, """
        select count(*) from incidents where not (
          accepted_at is null or accepted_at >= reported_at) or not (
          dispatched_at is null or dispatched_at >= accepted_at) or not (
          started_at is null or started_at >= dispatched_at) or not (
          resolved_at is null or resolved_at >= started_at) or not (
          verified_at is null or verified_at >= resolved_at) or not (
          closed_at is null or closed_at >= verified_at) or reported_at > :as_of""",
                      as_of=WORLD_AS_OF)
    assert disorder == 0


def test_about_99_percent_closed_and_the_open_ones_are_recent(world_conn):
    closed = scalar(world_conn, """select avg((status in ('closed', 'rejected'))::int)
                                   from incidents""")
    assert 0.97 <= closed <= 0.999
    oldest_open = scalar(world_conn, """select min(reported_at) from incidents
                                        where status not in ('closed', 'rejected')""")
    assert (WORLD_AS_OF - oldest_open).days < 21


def test_event_log_is_complete_and_matches_status(world_conn):
    missing = scalar(world_conn, """
        select count(*) from incidents i where not exists (
          select 1 from incident_events e where e.incident_id = i.id and e.action = 'report')""")
    assert missing == 0
    mismatched = scalar(world_conn, """
        select count(*) from incidents i join lateral (
          select to_status from incident_events e where e.incident_id = i.id
          order by at desc, id desc limit 1) last on true
        where last.to_status <> i.status""")
    assert mismatched == 0


def test_88_whistles_all_closed_with_second_whistles_and_the_garden(world_conn):
    assert scalar(world_conn, "select count(*) from whistles") == 88
    assert scalar(world_conn, "select count(*) from whistles where status <> 'closed'") == 0
    assert scalar(world_conn, "select count(*) from whistles where level = 2") == 5
    leaders = scalar(world_conn, """select count(*) from whistle_summons s join whistles w
                                    on w.id = s.whistle_id where w.level = 2 and s.leader_id is not null""")
    assert leaders == 5
    garden = world_conn.execute(text("""
        select s.name_zh, extract(day from w.completed_at - w.blown_at) as days,
               array_agg(d.code order by d.code) as depts
        from whistles w join streets s on s.id = w.street_id
        join whistle_summons ws on ws.whistle_id = w.id join departments d on d.id = ws.department_id
        where w.matter like '%2000平方米废弃地块%' group by s.name_zh, w.completed_at, w.blown_at""")).one()
    assert garden.name_zh == "丁字沽街道" and 20 <= garden.days <= 26
    assert garden.depts == ["CGW", "CGW-YL"]
    unrated = scalar(world_conn, "select count(*) from whistle_summons where rating_quality is null")
    assert unrated == 0


def test_streets_rated_the_departments_they_worked_with_each_month(world_conn):
    """下考上 rounds: every (street, department, month) with dispatched work is rated once the
    month is over and its round is due, and only those.
    """
    rounds = scalar(world_conn, "select count(*) from street_ratings")
    assert rounds > 0
    stray = scalar(world_conn, """
        select count(*) from street_ratings r where not exists (
          select 1 from incidents i where i.street_id = r.street_id
             and i.department_id = r.department_id and i.handled_by = 'department'
             and (i.dispatched_at at time zone 'Asia/Shanghai')::date >= r.period_from
             and (i.dispatched_at at time zone 'Asia/Shanghai')::date < r.period_to)""")
    assert stray == 0
    assert scalar(world_conn, """select count(*) from street_ratings
                                 where rated_at > :asof or rated_at::date < period_to - 1""",
                  asof=WORLD_AS_OF) == 0
    assert scalar(world_conn, """select min(least(timeliness, quality, attitude))
                                 from street_ratings""") >= 40


def test_todays_patrols_stay_in_their_grid_and_come_every_ten_seconds(world_conn):
    fixes = scalar(world_conn, "select count(*) from positions")
    assert fixes > 0
    far = scalar(world_conn, """select count(*) from positions p join grids g on g.id = p.grid_id
                                where ST_Distance(g.geom::geography, p.geom::geography) > 15""")
    assert far == 0
    since = day_start(local_day(WORLD_AS_OF) - timedelta(days=1))
    step = scalar(world_conn, """select percentile_cont(0.5) within group (order by gap) from (
        select extract(epoch from device_time - lag(device_time) over (partition by device_id
               order by device_time)) as gap from positions where device_time >= :since) s
        where gap is not null""", since=since)
    assert step == 10
    assert scalar(world_conn, "select count(*) from latest_positions") > 0


def test_the_last_seven_days_of_patrols_and_ninety_days_of_sheets(world_conn):
    today = local_day(WORLD_AS_OF)
    days = scalar(world_conn, """select count(distinct (device_time at time zone 'Asia/Shanghai')
                                 ::date) from positions""")
    assert days == 7 if scalar(world_conn, "select count(*) from positions where device_time "
                               ">= :t", t=day_start(today)) else days == 6
    older = scalar(world_conn, """select percentile_cont(0.5) within group (order by gap) from (
        select extract(epoch from device_time - lag(device_time) over (partition by device_id
               order by device_time)) as gap from positions where device_time < :until) s
        where gap is not null""", until=day_start(today - timedelta(days=1)))
    assert older == 60                                       # thinner, as the issue allows
    sheets = world_conn.execute(text("""select count(distinct day), min(day), max(day),
        avg(km) filter (where first_fix is not null) from patrol_sheets""")).one()
    assert sheets[0] == 84 and sheets[1] == today - timedelta(days=90)
    assert sheets[2] == today - timedelta(days=7) and 4 < sheets[3] < 12


def test_a_second_load_is_refused(world_conn, server_settings):
    with pytest.raises(WorldExists):
        load_world(world_conn, WORLD_SEED, WORLD_SCALE, WORLD_AS_OF, "x")


def test_the_same_seed_gives_the_same_world(server_settings, world_db_url):
    url = create_test_database(server_settings, "digest")
    try:
        load_small_world(url, server_settings)
        engine = create_engine(url)
        first_engine = create_engine(world_db_url[0])
        with engine.connect() as a, first_engine.connect() as b:
            assert world_digest(a) == world_digest(b)
        load_small_world(url, server_settings, seed=WORLD_SEED + 1, replace=True)
        with engine.connect() as a, first_engine.connect() as b:
            assert world_digest(a) != world_digest(b)
        engine.dispose()
        first_engine.dispose()
    finally:
        drop_test_database(server_settings, url)


def test_indexes_rebuilt_after_the_load_are_valid(world_conn):
    invalid = world_conn.execute(text("""
        select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
        where not i.indisvalid""")).scalars().all()
    assert invalid == []
    day_index = scalar(world_conn, """
        select count(*) from pg_indexes where tablename like 'positions_2%'
        and indexdef ilike '%brin%'""")
    assert day_index >= 1


def test_a_case_resolved_once_and_not_yet_reopened_reads_resolved_with_its_time():
    # Cut the history between a first resolution and its reopening: the case is resolved
    # then, with that resolution's time (a "resolved" with no resolved_at was counted overdue
    # by the wall's timestamps and not by its status: a test failed on one day's world).
    import numpy as np

    from etl.world.incidents import lifecycle

    as_of = np.datetime64("2026-12-05T15:59:30")
    rng = np.random.default_rng(7)
    reported = as_of - (rng.random(40_000) * 2 * 86_400).astype("timedelta64[s]")
    t = lifecycle(reported, np.full(40_000, 24.0), as_of, rng)
    done = t["status"].isin(["resolved", "verified", "closed"])
    assert t.loc[done, "resolved_at"].notna().all()
    assert t.loc[t["status"].isin(["dispatched", "in_progress"]), "resolved_at"].isna().all()
    # Each resolution is one event: the first one is apart only once the case was reopened.
    assert (t["resolved_first"].notna() == t["reopened_at"].notna()).all()
