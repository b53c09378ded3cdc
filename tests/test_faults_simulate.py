"""A database restart under the live feed: the phones' buffers carry it, nothing is lost, and
the fixes taken during the outage arrive late but all of them.
"""
import threading
import time
from datetime import UTC, datetime, timezone

import pytest
from sqlalchemy import text

from data.db import Database
from data.devices import demo_token
from etl.sim_faults import Mishaps
from etl.simulate import SimOptions, run_simulation
from tests import factories as f
from tests.fault_helpers import Gunicorn, wait_for

PHONES = 12


@pytest.fixture(scope="module")
def feed_db(fault_cluster):
    settings = fault_cluster.database("faults_feed")
    db = Database(settings)
    with db.begin() as conn:
        grid = f.hierarchy(conn)["grid"]
        for k in range(PHONES):
            f.patrol_worker(conn, grid, f"feed{k}", f"feed-phone-{k:02d}",
                            demo_token(f"feed-phone-{k:02d}", settings.demo_password))
    yield settings, db
    db.dispose()
    fault_cluster.drop(settings)


def test_a_database_restart_is_a_backlog_delivered_late_and_none_lost(feed_db, fault_cluster):
    settings, db = feed_db
    phones, result, stop = [], {}, threading.Event()
    with Gunicorn(settings) as server:
        options = SimOptions(server.url, interval_s=1.0, seed=3, incident_rate=0, threads=6,
                             mishaps=Mishaps.none(), retry_s=2.0)
        feed = threading.Thread(target=lambda: result.update(
            run_simulation(settings, options, stop, db, phones)), daemon=True)
        feed.start()
        wait_for(lambda: phones and phones[0].sim_t >= 4, 30, what="the feed to run")
        with fault_cluster.outage():
            went = datetime.now(UTC)
            wait_for(lambda: phones[0].backlog() >= 3 * PHONES, 60, what="buffers to fill")
            # The outage lasts long enough for every phone to keep a few more fixes back.
            wait_for(lambda: phones[0].backlog() >= 4 * PHONES, 60, what="buffers to grow")
        back = datetime.now(UTC)
        # Once the database is back, every buffer drains by itself.
        wait_for(lambda: phones[0].backlog() <= PHONES, 90, what="the buffers to drain")
        stop.set()
        feed.join(timeout=60)
    fleet = phones[0]
    assert not feed.is_alive() and result["ticks"] >= 8
    assert any(k.startswith("retries_") for k in result)          # the outage was felt
    # Whatever is still buffered was taken in the last second; the rest was acknowledged.
    assert result["fixes_ok"] + result["backlog"] == result["fixes_taken"]
    with db.connect() as conn:
        stored = conn.execute(text("select count(*) from positions")).scalar_one()
        aside = conn.execute(text("select count(*) from set_aside_fixes")).scalar_one()
        late = conn.execute(text(
            "select count(*), min(extract(epoch from server_time - device_time)) from positions "
            "where device_time >= :went and device_time < :back"),
            {"went": went, "back": back}).one()
    assert stored + aside == result["fixes_ok"] and aside == 0
    # Every phone that was on kept taking fixes through the outage; they all arrived, late.
    on = sum(1 for p in fleet.phones if not p.never_online)
    seconds = (back - went).total_seconds()
    assert late[0] >= on * (seconds - 3) * 0.8 and late[1] > 1.0
