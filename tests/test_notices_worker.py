"""The delivery worker as the server runs it: a thread over committed data in a database of
its own, sending to a real receiver; and the operator's commands.
"""
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from cli.notices import notices_cli
from data.db import Database
from data.models import Notice
from tests.conftest import create_test_database, drop_test_database
from tests.notice_receivers import HttpReceiver
from tests.test_workflow_whistles import blown
from tests.workflow_world import World, build_world
from workflow.notices.routes import add_route
from workflow.notices.senders import ChannelSettings
from workflow.notices.worker import start_notice_worker

# The committed world's ids by database URL (module fixtures hand one value each).
WORLDS: dict[str, tuple] = {}


@pytest.fixture(scope="module")
def notices_settings(server_settings):
    """A database of the module's own with the workflow world committed in it."""
    url = create_test_database(server_settings, "notices")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
    engine.dispose()
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    WORLDS[url] = (world.ids, world.users, world.departments)
    yield settings
    drop_test_database(server_settings, url)


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_worker_thread_delivers_committed_notices_once(notices_settings):
    receiver = HttpReceiver().start()
    engine = create_engine(notices_settings.database_url)
    with engine.begin() as conn:
        world = World(*WORLDS[notices_settings.database_url], conn)
        add_route(conn, "wecom", receiver.url("/wecom"), department_code="CGW-DL")
        blown(conn, world)
    db = Database(notices_settings)
    worker = start_notice_worker(db, notices_settings.clock, ChannelSettings(), None, 0.05)
    try:
        assert wait_for(lambda: len(receiver.received) >= 1 and worker.rounds >= 3)
        with engine.connect() as conn:
            row = conn.execute(select(Notice.status, Notice.attempts)
                               .where(Notice.channel == "wecom")).one()
    finally:
        worker.stop()
        worker.join(timeout=5)
        receiver.stop()
        db.dispose()
        engine.dispose()
    assert len(receiver.received) == 1 and tuple(row) == ("sent", 1)
    assert not worker.is_alive()


def test_the_worker_survives_a_database_outage(notices_settings):
    db = Database(notices_settings.with_overrides(
        database_url="postgresql://postgres@127.0.0.1:1/x"))
    worker = start_notice_worker(db, notices_settings.clock, ChannelSettings(), None, 3600)
    try:
        assert worker.run_once() is None and worker.is_alive()
    finally:
        worker.stop()
        db.dispose()


def test_routes_are_added_listed_and_switched_off_from_the_command_line(notices_settings):
    runner = CliRunner()
    added = runner.invoke(notices_cli, ["routes", "add", "--department", "CGW-YL", "--channel",
                                        "dingtalk", "--address", "https://oapi.dingtalk.com/"
                                        "robot/send?access_token=x", "--secret", "SECabc"],
                          obj=notices_settings)
    assert added.exit_code == 0, added.output
    listed = runner.invoke(notices_cli, ["routes", "list"], obj=notices_settings)
    assert "CGW-YL" in listed.output and "dingtalk" in listed.output
    assert "SECabc" not in listed.output                  # the secret is never printed
    route_id = added.output.split()[1]
    off = runner.invoke(notices_cli, ["routes", "off", route_id], obj=notices_settings)
    assert off.exit_code == 0, off.output
    bad = runner.invoke(notices_cli, ["routes", "add", "--department", "CGW-YL", "--channel",
                                      "sms", "--address", "not a number"], obj=notices_settings)
    assert bad.exit_code != 0 and "address" in bad.output
    sent = runner.invoke(notices_cli, ["deliver"], obj=notices_settings)
    assert sent.exit_code == 0 and "delivered" in sent.output


def test_two_server_processes_never_send_a_notice_twice(notices_settings):
    """gunicorn runs a worker per process: each notice is locked while it is sent."""
    from tests.clock import SESSION_NOW
    from workflow.notices.outbox import Notice as Said
    from workflow.notices.outbox import notify

    receiver = HttpReceiver().start()
    engine = create_engine(notices_settings.database_url)
    with engine.begin() as conn:
        route = add_route(conn, "wecom", receiver.url("/twice"), department_code="GA")
        for k in range(40):
            notify(conn, Said("dispatched", f"twice:{k}", f"通知 {k}", f"notice {k}", "正文",
                              department_ids=(WORLDS[notices_settings.database_url][2]["GA"],)),
                   SESSION_NOW)
    dbs = [Database(notices_settings) for _ in range(2)]
    workers = [start_notice_worker(db, notices_settings.clock, ChannelSettings(), None, 0.01)
               for db in dbs]
    try:
        assert wait_for(lambda: len(receiver.received) >= 40, 30)
        with engine.connect() as conn:
            assert wait_for(lambda: conn.execute(select(func.count()).select_from(Notice).where(
                Notice.route_id == route, Notice.status == "sent")).scalar_one() == 40)
    finally:
        for worker in workers:
            worker.stop()
            worker.join(timeout=5)
        receiver.stop()
        for db in dbs:
            db.dispose()
        engine.dispose()
    titles = [r["json"]["markdown"]["content"].splitlines()[0] for r in receiver.received]
    assert len(titles) == 40 == len(set(titles))
