"""The live patrol simulator: its phones, and a short real run against a server in a thread."""
import threading
import time

import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import text
from werkzeug.serving import make_server

from api.server import create_server
from data.clock import system_clock
from data.db import Database
from data.devices import demo_token
from data.queries.patrol import Patroller
from etl import sim_fleet
from etl.sim_fleet import Fleet, make_phone
from etl.simulate import SimOptions, run_simulation, simulate_command
from geo.crs import to_metric
from geo.track import KNOT_MPS, MAX_SPEED_MPS, plausible_walk
from tests import factories as f
from tests.conftest import create_test_database, drop_test_database

GRID = shapely.box(117.10, 39.15, 117.11, 39.16)


def fleet(n=5, seed=1, speedup=1.0):
    phones = [make_phone(Patroller(f"p{k}", k, k + 100, 1, GRID), to_metric(GRID), seed)
              for k in range(n)]
    for phone in phones:
        phone.never_online = False
    return Fleet(phones, speedup)


def test_the_same_seed_gives_the_same_feed():
    a, b = fleet(seed=3), fleet(seed=3)
    for k in range(5):
        assert a.tick(1_800_000_000 + 10 * k, 10) == b.tick(1_800_000_000 + 10 * k, 10)
    assert fleet(seed=4).tick(1_800_000_000, 10) != fleet(seed=3).tick(1_800_000_000, 10)


def test_fixes_stay_in_the_grid_with_plausible_speed_even_sped_up():
    fl = fleet(speedup=50)
    for k in range(30):
        for fixes in fl.tick(1_800_000_000 + 10 * k, 10).values():
            for fx in fixes:
                assert float(fx["speed"]) * KNOT_MPS < MAX_SPEED_MPS
                assert GRID.buffer(0.003).contains(shapely.Point(float(fx["lon"]), float(fx["lat"])))


@pytest.mark.parametrize("interval,speedup", [(10, 1), (10, 8), (1, 1)])
def test_every_simulated_fix_passes_the_servers_speed_check(interval, speedup):
    fl, sent = fleet(n=20, seed=5, speedup=speedup), {}
    for k in range(60):
        for device, fixes in fl.tick(1_800_000_000 + interval * k, interval).items():
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
    sent = [fl.tick(1_800_000_000 + 10 * k, 10) for k in range(4)]
    assert sent[:3] == [{}, {}, {}]
    stamps = [fx["timestamp"] for fx in sent[3].get("p0", [])]
    assert stamps == [1_800_000_000 + 10 * k for k in range(4)]


def test_batteries_drain_and_dead_phones_go_quiet_then_recharge(monkeypatch):
    monkeypatch.setattr(sim_fleet, "OFF_PER_HOUR", 0.0)
    monkeypatch.setattr(sim_fleet, "GAP_PER_HOUR", 0.0)
    fl = fleet(n=1, speedup=60)
    phone = fl.phones[0]
    phone.battery, phone.drain = 10.0, 20.0           # percent, per sim hour
    levels, quiet = [], 0
    for k in range(60):
        due = fl.tick(1_800_000_000 + 10 * k, 10)      # 10 sim minutes per tick
        if due:
            levels.append(float(due["p0"][-1]["batt"]))
        else:
            quiet += 1
    assert levels[0] > levels[1] and quiet >= 2 and max(levels) >= 75


def test_a_phone_left_at_home_never_sends():
    fl = fleet(n=2)
    fl.phones[0].never_online = True
    assert all("p0" not in fl.tick(1_800_000_000 + 10 * k, 10) for k in range(20))
    assert all(p.device_id != "p0" for p in fl.incidents(10, 1e9))


@pytest.fixture(scope="module")
def live(server_settings):
    """A database of its own with 5 workers, and the real server on a free port."""
    url = create_test_database(server_settings, "simulate")
    # The simulated phones stamp fixes with the machine's clock, so the server reads it too.
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, clock=system_clock)
    db = Database(settings)
    with db.begin() as conn:
        ids = f.hierarchy(conn)
        f.reference_data(conn)
        for k in range(5):
            f.patrol_worker(conn, ids["grid"], f"worker{k}", f"hq{k:05d}",
                            demo_token(f"hq{k:05d}", settings.demo_password))
    server = make_server("127.0.0.1", 0, create_server(settings, db), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield settings, db, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.dispose()
    drop_test_database(server_settings, url)


def count(db, sql):
    with db.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_a_short_run_streams_real_fixes_and_reports_incidents(live):
    settings, db, url = live
    options = SimOptions(url, workers=4, interval_s=1.0, duration_s=4.0, seed=7,
                         incident_rate=0.5 * 86400, threads=4)
    counts = run_simulation(settings, options, db=db)
    assert counts["phones"] == 4 and counts["ticks"] >= 4
    assert not any(k.startswith("fixes_rejected") for k in counts) and "fixes_failed" not in counts
    assert counts["fixes_ok"] >= 8
    assert count(db, "select count(*) from positions") == counts["fixes_ok"]
    assert count(db, "select count(distinct device_id) from positions") >= 3
    assert count(db, "select count(*) from positions where grid_id is null") == 0
    assert count(db, "select count(*) from latest_positions where device_time > now() - "
                     "interval '1 minute'") >= 3
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
    worker.start()
    time.sleep(1.2)
    stop.set()
    worker.join(timeout=5)
    assert not worker.is_alive() and result["ticks"] >= 2
    cli = CliRunner().invoke(simulate_command, ["--url", url, "--workers", "2", "--duration", "1",
                                                "--interval", "0.5", "--incident-rate", "0"],
                             obj=settings)
    assert cli.exit_code == 0, cli.output
    assert "stopped:" in cli.output
