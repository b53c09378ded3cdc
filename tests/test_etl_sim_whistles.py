"""The demo's whistle loop: whistles on stuck cases, report-ins, completion, a second whistle
with a leader, verification and ratings, every write through the workflow as its person.
"""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from data.db import Database
from data.queries.wall_whistles import open_whistles
from etl.sim_whistles import PlayOptions, WhistlePlayer
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import build_world, make_incident
from workflow.deadlines import WHISTLE_OPEN


@pytest.fixture(scope="module")
def play_db(server_settings):
    url = create_test_database(server_settings, "whistle_play")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        for street, department, late in (("A", "CGW-DL", 5), ("A", "CGW-YL", 30),
                                         ("B", "GA", 2), ("A", "CGW-DL", -48)):
            make_incident(conn, world, "dispatched", street=street, handled_by="department",
                          department=department, reporter="worker_a" if street == "A" else
                          "worker_b", reported_at=SESSION_NOW - timedelta(days=4),
                          deadline=SESSION_NOW - timedelta(hours=late))
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    db = Database(settings)
    yield {"db": db, "engine": engine}
    db.dispose()
    engine.dispose()
    drop_test_database(server_settings, url)


def test_the_loop_plays_from_whistle_to_rating_through_the_rules(play_db):
    options = PlayOptions(seed=7, per_day=0.0, speedup=2000.0, keep_open=2, second_share=1.0)
    player = WhistlePlayer(play_db["db"], options)
    player.play_round(SESSION_NOW)
    with play_db["engine"].connect() as conn:
        board = open_whistles(conn, SESSION_NOW, WHISTLE_OPEN)
    assert len(board) == 1           # blown on the first round: the wall's board shows it
    now = SESSION_NOW
    for _ in range(30):
        now += timedelta(minutes=10)
        counts = player.play_round(now)
    assert counts["blow"] >= 2 and counts["second_whistle"] >= 1
    assert counts["acknowledged"] >= 5 and counts["complete"] >= 5 and counts["rate"] >= 2
    with play_db["engine"].connect() as conn:
        steps = conn.execute(text("""
            select e.action, u.role, w.level from whistle_events e
            join users u on u.id = e.actor_id join whistles w on w.id = e.whistle_id""")).all()
        told = dict(conn.execute(text("select kind, count(*) from notices group by kind")).all())
        leader_in = conn.execute(text("""
            select count(*) from whistle_summons where leader_id is not null
              and arrived_at is not null""")).scalar_one()
    roles = {(action, role) for action, role, _ in steps}
    assert {("blow", "street_chief"), ("report_in", "dept_officer"), ("arrive", "dept_officer"),
            ("complete", "dept_officer"), ("second_whistle", "street_chief"),
            ("rate", "street_chief"), ("close", "street_chief")} <= roles
    assert ("report_in", "district_leader") in roles and leader_in >= 1
    assert {"whistle_blown", "second_whistle", "whistle_completed"} <= set(told)


def test_with_nothing_stuck_nobody_whistles(server_settings):
    url = create_test_database(server_settings, "whistle_idle")
    engine = create_engine(url)
    with engine.begin() as conn:
        build_world(conn)
    db = Database(server_settings.with_overrides(database_url=url, database_from_env=True))
    try:
        counts = WhistlePlayer(db, PlayOptions(speedup=1000.0)).play_round(SESSION_NOW)
    finally:
        db.dispose()
        engine.dispose()
        drop_test_database(server_settings, url)
    assert counts == {}
