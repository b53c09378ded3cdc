"""The live patrol simulator: its phones, and a short real run against a server in a thread."""
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import text
from werkzeug.serving import make_server

from api.server import create_server
from cli.simulate import simulate_command
from data.clock import system_clock
from data.db import Database
from data.devices import demo_token
from data.queries.patrol import Patroller
from etl import sim_fleet
from etl.sim_faults import SKEWS_S, Mishaps
from etl.sim_fleet import Fleet, make_phone
from etl.simulate import SimOptions, run_simulation
from geo.crs import to_metric
from geo.track import KNOT_MPS, MAX_SPEED_MPS, plausible_walk
from tests import factories as f
from tests.conftest import create_test_database, drop_test_database
from tests.fault_helpers import wait_for
from workflow.clock import utcnow

GRID = shapely.box(117.10, 39.15, 117.11, 39.16)


def fleet(n=5, seed=1, speedup=1.0, mishaps=None):
    mishaps = mishaps or Mishaps.none()
    phones = [make_phone(Patroller(f"p{k}", k, k + 100, 1, GRID), to_metric(GRID), seed, mishaps)
              for k in range(n)]
    for phone in phones:
        phone.never_online = False
    return Fleet(phones, speedup, mishaps)


def sent_by(fl, now, dt, deliver=True):
    """One tick: what each phone would send now, in order; delivered (acknowledged) or not."""
    due = fl.tick(now, dt)
    out = {p.device_id: list(p.queue) for p in due}
    if deliver:
        for p in due:
            p.queue.clear()
    return out


def test_the_same_seed_gives_the_same_feed():
    a, b = fleet(seed=3, mishaps=Mishaps()), fleet(seed=3, mishaps=Mishaps())
    for k in range(5):
        assert sent_by(a, 1_800_000_000 + 10 * k, 10) == sent_by(b, 1_800_000_000 + 10 * k, 10)
    assert sent_by(fleet(seed=4), 1_800_000_000, 10) != sent_by(fleet(seed=3), 1_800_000_000, 10)


def test_fixes_stay_in_the_grid_with_plausible_speed_even_sped_up():
    fl = fleet(speedup=50)
    for k in range(30):
        for fixes in sent_by(fl, 1_800_000_000 + 10 * k, 10).values():
            for fx in fixes:
                assert float(fx["speed"]) * KNOT_MPS < MAX_SPEED_MPS
                assert GRID.buffer(0.003).contains(shapely.Point(float(fx["lon"]), float(fx["lat"])))


@pytest.mark.parametrize("interval,speedup", [(10, 1), (10, 8), (1, 1)])
def test_every_simulated_fix_passes_the_servers_speed_check(interval, speedup):
    fl, sent = fleet(n=20, seed=5, speedup=speedup), {}
    for k in range(60):
        for device, fixes in sent_by(fl, 1_800_000_000 + interval * k, interval).items():
            sent.setdefault(device, []).extend(fixes)
    assert len(sent) >= 15
    for fixes in sent.values():
        assert plausible_walk([float(x["lon"]) for x in fixes], [float(x["lat"]) for x in fixes],
                              [x["timestamp"] for x in fixes],
                              [float(x["accuracy"]) for x in fixes]).all()


def test_gaps_buffer_fixes_and_send_them_in_order():
    fl = fleet(n=1)
    phone = fl.phones[0]
    phone.gap_until = fl.sim_t + 35
    sent = [sent_by(fl, 1_800_000_000 + 10 * k, 10) for k in range(4)]
    assert sent[:3] == [{}, {}, {}]
    stamps = [fx["timestamp"] for fx in sent[3].get("p0", [])]
    assert stamps == [1_800_000_000 + 10 * k for k in range(4)]


def test_a_fix_not_acknowledged_stays_first_in_the_buffer_until_it_is():
    fl = fleet(n=1)
    phone = fl.phones[0]
    first = sent_by(fl, 1_800_000_000, 10, deliver=False)["p0"][0]
    phone.retry_at = 1_800_000_000 + 30                  # the server said 503: wait, retry
    assert sent_by(fl, 1_800_000_010, 10, deliver=False) == {}
    again = sent_by(fl, 1_800_000_030, 10, deliver=False)["p0"]
    assert again[0] == first and len(again) == 3 and phone.taken == 3


def test_batteries_drain_and_dead_phones_go_quiet_then_recharge(monkeypatch):
    monkeypatch.setattr(sim_fleet, "OFF_PER_HOUR", 0.0)
    monkeypatch.setattr(sim_fleet, "GAP_PER_HOUR", 0.0)
    fl = fleet(n=1, speedup=60)
    phone = fl.phones[0]
    phone.battery, phone.drain = 10.0, 20.0           # percent, per sim hour
    levels, quiet = [], 0
    for k in range(60):
        due = sent_by(fl, 1_800_000_000 + 10 * k, 10)      # 10 sim minutes per tick
        if due:
            levels.append(float(due["p0"][-1]["batt"]))
        else:
            quiet += 1
    assert levels[0] > levels[1] and quiet >= 2 and max(levels) >= 75


def test_a_phone_left_at_home_never_sends():
    fl = fleet(n=2)
    fl.phones[0].never_online = True
    assert all("p0" not in sent_by(fl, 1_800_000_000 + 10 * k, 10) for k in range(20))
    assert all(p.device_id != "p0" for p in fl.incidents(10, 1e9))


def test_mishaps_happen_to_some_phones_and_are_seeded():
    lots = Mishaps(jump_share=0.05, home_per_hour=3.0, skewed_share=0.3, backlog_share=0.1)
    fl = fleet(n=40, seed=9, speedup=60, mishaps=lots)
    skews = {p.skew_s for p in fl.phones}
    assert len(skews) >= 3 and 0.0 in skews and skews <= {0.0, *SKEWS_S}
    assert [p.skew_s for p in fleet(n=40, seed=9, mishaps=lots).phones] == [
        p.skew_s for p in fl.phones]
    sent = {}
    for k in range(40):
        for device, fixes in sent_by(fl, 1_800_000_000 + 10 * k, 10).items():
            sent.setdefault(device, []).extend(fixes)
    drawer = [p for p in fl.phones if p.backlog]
    assert drawer and all(sent[p.device_id][0]["timestamp"] <= 1_800_000_000 - 7.9 * 86400
                          for p in drawer if p.skew_s == 0)
    walked = [p for p in fl.phones if p.home is not None or p.off_until > 0]
    assert walked
    jumps = sum(not plausible_walk([float(x["lon"]) for x in f], [float(x["lat"]) for x in f],
                                   [x["timestamp"] for x in f]).all() for f in sent.values())
    assert jumps >= 5


@pytest.fixture(scope="module")
def live(server_settings):
    """A database of its own with 5 workers, and the real server on a free port."""
    url = create_test_database(server_settings, "simulate")
    # The simulator plays phones stamping fixes with their own (the machine's) clock, so this
    # server runs on the machine's clock too, and so do this module's checks.
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, clock=system_clock)
    db = Database(settings)
    with db.begin() as conn:
        ids = f.hierarchy(conn)
        f.reference_data(conn)
        for k in range(5):
            f.patrol_worker(conn, ids["grid"], f"worker{k}", f"hq{k:05d}",
                            demo_token(f"hq{k:05d}", settings.demo_secret))
    server = make_server("127.0.0.1", 0, create_server(settings, db), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield settings, db, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.dispose()
    drop_test_database(server_settings, url)


def count(db, sql, **params):
    with db.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_a_short_run_streams_real_fixes_and_reports_incidents(live):
    settings, db, url = live
    options = SimOptions(url, workers=4, interval_s=1.0, duration_s=4.0, seed=7,
                         incident_rate=0.5 * 86400, threads=4, mishaps=Mishaps.none())
    counts = run_simulation(settings, options, db=db)
    assert counts["phones"] == 4 and counts["ticks"] >= 4
    assert not any(k.startswith("retries") for k in counts)
    assert counts["fixes_ok"] >= 8 and counts["fixes_ok"] + counts["backlog"] == counts["fixes_taken"]
    assert count(db, "select count(*) from positions") == counts["fixes_ok"]
    assert count(db, "select count(distinct device_id) from positions") >= 3
    assert count(db, "select count(*) from positions where grid_id is null") == 0
    assert count(db, "select count(*) from latest_positions where device_time > :t",
                 t=utcnow() - timedelta(minutes=1)) >= 3
    attempts = counts.get("incidents_ok", 0) + counts.get("incidents_failed", 0)
    assert attempts >= 2
    assert count(db, "select count(*) from incidents where source = 'patrol'") == counts.get(
        "incidents_ok", 0)


def test_the_command_stops_when_told(live):
    settings, db, url = live
    stop = threading.Event()
    result = {}
    worker = threading.Thread(target=lambda: result.update(run_simulation(
        settings, SimOptions(url, workers=2, interval_s=0.5, seed=8, incident_rate=0), stop, db)))
    before = _stored(db)
    worker.start()
    # Two rounds of two phones have reached the database: the feed is running.
    wait_for(lambda: _stored(db) >= before + 4, 30, what="two rounds of fixes")
    stop.set()
    worker.join(timeout=5)
    assert not worker.is_alive() and result["ticks"] >= 2
    cli = CliRunner().invoke(simulate_command, ["--url", url, "--workers", "2", "--duration", "1",
                                                "--interval", "0.5", "--incident-rate", "0"],
                             obj=settings)
    assert cli.exit_code == 0, cli.output
    assert "stopped:" in cli.output


def drain(phones, sender, deadline_s=60.0):
    """Send whatever is still buffered (the network is back for everyone) until none is."""
    end = time.time() + deadline_s
    while phones.backlog() and time.time() < end:
        due = [p for p in phones.phones if p.queue]
        for p in due:
            p.retry_at = 0.0
        sender.send_fixes(due, time.time())
    return phones.backlog()


def kept_rows(db) -> int:
    """Fixes stored, trusted or set aside (the module's other runs share the database)."""
    with db.connect() as conn:
        return conn.execute(text("select (select count(*) from positions) + "
                                 "(select count(*) from set_aside_fixes)")).scalar_one()


def test_mishaps_are_acknowledged_no_queue_jams_and_the_wall_stays_clean(live, monkeypatch):
    from data.queries.wall_map import worker_positions
    from etl import sim_faults
    from etl.sim_client import Sender

    settings, db, url = live
    monkeypatch.setattr(sim_faults, "BACKLOG_EVERY_S", 6 * 3600.0)   # a short drawer backlog
    lots = Mishaps(jump_share=0.08, home_per_hour=3.0, skewed_share=0.5, backlog_share=0.4)
    # The module's earlier runs used the same phones a minute ago: a phone whose clock runs
    # a minute slow would send their very times again (duplicates, rightly stored once).
    with db.begin() as conn:
        conn.execute(text("delete from positions; delete from set_aside_fixes; "
                          "delete from latest_positions"))
    phones, before = [], kept_rows(db)
    counts = run_simulation(settings, SimOptions(
        url, workers=5, interval_s=1.0, speedup=60.0, duration_s=8.0, seed=11, incident_rate=0,
        threads=5, mishaps=lots, retry_s=1.0), db=db, fleet=phones)
    fleet_ = phones[0]
    sender = Sender(url, 4)
    try:
        assert drain(fleet_, sender) == 0                          # no phone's buffer jams
    finally:
        sender.close()
    acked = counts["fixes_ok"] + sender.counts["fixes_ok"]
    assert not [k for k in {**counts, **sender.counts} if k.startswith("retries")]
    assert acked == counts["fixes_taken"]
    kept = kept_rows(db) - before
    with db.connect() as conn:
        reasons = {r for (r,) in conn.execute(text("select distinct reason from set_aside_fixes"))}
        outside = conn.execute(text(
            "select count(*) from positions p, districts d where not ST_DWithin("
            "p.geom::geography, d.geom::geography, 501)")).scalar_one()
        tracks = conn.execute(text(
            "select device_id, array_agg(ST_X(geom) order by device_time), "
            "array_agg(ST_Y(geom) order by device_time), "
            "array_agg(extract(epoch from device_time)::float8 order by device_time), "
            "array_agg(coalesce(accuracy_m, 0) order by device_time) "
            "from positions group by device_id")).all()
        dots = worker_positions(conn, datetime.now(UTC))
    assert kept == acked                                       # every fix stored, once
    assert {"impossible_speed", "outside_district"} <= reasons
    assert reasons & {"future_timestamp", "stale_timestamp"}
    assert outside == 0 and len(tracks) >= 3
    for _, lon, lat, t, acc in tracks:                         # tracks: no jump survives
        assert plausible_walk(lon, lat, t, acc).all()
    district = GRID.buffer(0.0065)
    assert all(district.contains(shapely.Point(x, y)) for x, y in zip(dots["lon"], dots["lat"]))


def _stored(db) -> int:
    with db.connect() as conn:
        return conn.execute(text("select count(*) from positions")).scalar_one()
