"""Ingest faults: a database restart mid-stream, a worker killed mid-batch, an exhausted pool."""
import os
import signal
import threading
import time
from collections import Counter

import pytest
import requests
from sqlalchemy import text

from api.server import create_server
from data.db import Database, make_engine
from tests import factories as f
from tests.fault_helpers import Gunicorn, wait_for

DEVICES = 12
THREADS = 6
BATCH = 10
LAT, LON = 39.152, 117.102
METRE_LON = 1 / (111_320.0 * 0.776)


@pytest.fixture(scope="module")
def fleet(fault_cluster):
    settings = fault_cluster.database("faults_ingest")
    db = Database(settings)
    with db.begin() as conn:
        grid = f.hierarchy(conn)["grid"]
        phones = [{**f.patrol_worker(conn, grid, f"fault{i}", f"fault-{i:02d}"), "id": f"fault-{i:02d}"}
                  for i in range(DEVICES)]
    yield settings, db, phones
    db.dispose()
    fault_cluster.drop(settings)


@pytest.fixture(scope="module")
def app(fleet):
    with Gunicorn(fleet[0]) as server:
        yield server


class Traffic:
    """What the phones sent and what they were told, by phase (before, outage, after)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "before"
        self.acked: set[tuple[int, int]] = set()
        self.counts: Counter = Counter()
        self.bad: list = []

    def record(self, kind: str, response, device_pk: int, times: list[int]) -> None:
        with self.lock:
            self.counts[(self.phase, kind, response.status_code)] += 1
            if response.status_code == 200:
                self.acked.update((device_pk, t) for t in times)
            elif response.status_code != 503 or not response.headers.get("Retry-After"):
                self.bad.append((self.phase, kind, response.status_code, response.text[:300]))

    def fail(self, kind: str, err: Exception) -> None:
        with self.lock:
            self.bad.append((self.phase, kind, "no answer", repr(err)[:300]))

    def count(self, phase: str, status: int, kind: str | None = None) -> int:
        with self.lock:
            return sum(n for (p, k, s), n in self.counts.items()
                       if p == phase and s == status and kind in (None, k))


def send(session, url: str, phone: dict, index: int, kind: str, first: int, n: int):
    """One OsmAnd GET (n == 1) or one batch POST of n fixes, 1 s and 1 m apart."""
    times = [first + j for j in range(n)]
    lat = LAT + index * 0.0004
    lons = [LON + abs((t % 400) - 200) * METRE_LON for t in times]
    if kind == "osmand":
        response = session.get(f"{url}/osmand", timeout=45, params=dict(
            id=phone["id"], timestamp=times[0], lat=f"{lat:.7f}", lon=f"{lons[0]:.7f}",
            accuracy=5))
    else:
        response = session.post(f"{url}/api/v1/positions", timeout=45,
                                headers={"Authorization": f"Bearer {phone['token']}"},
                                json={"fixes": [{"time": t, "lat": lat, "lon": x, "accuracy": 5}
                                                for t, x in zip(times, lons)]})
    return response, times


def stream(url: str, phones: list, base: int, stop: threading.Event, log: Traffic) -> None:
    """Each phone in turn, alternating OsmAnd and batch requests, until told to stop."""
    session, next_time = requests.Session(), {p["device"]: base for _, p in phones}
    turn = 0
    while not stop.is_set():
        for index, phone in phones:
            kind, n = ("osmand", 1) if turn % 2 == 0 else ("batch", BATCH)
            first = next_time[phone["device"]]
            next_time[phone["device"]] += n
            try:
                response, times = send(session, url, phone, index, kind, first, n)
            except requests.RequestException as err:
                log.fail(kind, err)
                continue
            log.record(kind, response, phone["device"], times)
        turn += 1
    session.close()


def stored_fixes(db: Database, phones: list) -> set[tuple[int, int]]:
    with db.connect() as conn:
        rows = conn.execute(text(
            "select device_id, extract(epoch from device_time)::bigint from positions "
            "where device_id = any(:d)"), {"d": [p["device"] for p in phones]}).all()
    return {(d, int(t)) for d, t in rows}


def test_ingest_rides_out_a_database_restart(app, fleet, fault_cluster):
    _, db, phones = fleet
    # Phones carry on at 1 m/s from an hour ago, so the speed check is satisfied throughout.
    base = int(time.time()) - 3600
    log, stop, workers = Traffic(), threading.Event(), app.worker_pids()
    threads = [threading.Thread(target=stream, daemon=True, args=(
        app.url, list(enumerate(phones))[i::THREADS], base, stop, log)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: log.count("before", 200) >= 40, 60, what="traffic before the outage")
        with fault_cluster.outage():
            log.phase = "outage"
            wait_for(lambda: log.count("outage", 503, "osmand") >= 5
                     and log.count("outage", 503, "batch") >= 5, 60, what="503s in the outage")
            health = requests.get(app.url + "/healthz", timeout=30)
            assert health.status_code == 503 and health.headers["Retry-After"]
        log.phase = "after"
        wait_for(lambda: log.count("after", 200, "osmand") >= 10
                 and log.count("after", 200, "batch") >= 10, 60, what="ingest to resume")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert log.bad == [], log.bad[:5]
    assert requests.get(app.url + "/healthz", timeout=30).status_code == 200
    # The same worker processes recovered on their own: none was restarted.
    assert app.worker_pids() == workers
    missing = log.acked - stored_fixes(db, phones)
    assert not missing, f"{len(missing)} acknowledged fixes lost, e.g. {sorted(missing)[:5]}"
    assert len(log.acked) >= 40 + 10 + 10 * BATCH


def blocked_writer(db: Database) -> int | None:
    """The client port of a backend writing fixes that waits for a lock, if there is one."""
    with db.connect() as conn:
        return conn.execute(text(
            "select client_port from pg_stat_activity where datname = current_database() "
            "and wait_event_type = 'Lock' and query ilike '%hq_write_fixes%'")).scalar()


def test_a_worker_killed_mid_batch_leaves_no_partial_rows(app, fleet):
    settings, db, _ = fleet
    with db.begin() as conn:
        grid = conn.execute(text("select min(id) from grids")).scalar_one()
        phone = f.patrol_worker(conn, grid, "fault-kill", "fault-kill")
    base = int(time.time()) - 7200
    session = requests.Session()
    first, _ = send(session, app.url, {**phone, "id": "fault-kill"}, 0, "osmand", base, 1)
    assert first.status_code == 200
    # Hold the phone's latest position: the batch inserts its 1,000 fixes, then waits for
    # this lock inside its transaction, where the worker is killed.
    blocker = db.engine.connect()
    blocker.begin()
    blocker.execute(text("select 1 from latest_positions where device_id = :d for update"),
                    {"d": phone["device"]})
    outcome = {}

    def big_batch():
        try:
            outcome["response"] = send(requests.Session(), app.url, phone, 0, "batch",
                                       base + 1, 1000)[0]
        except requests.RequestException as err:
            outcome["error"] = err

    thread = threading.Thread(target=big_batch, daemon=True)
    thread.start()
    try:
        port = wait_for(lambda: blocked_writer(db), 30, what="the batch to wait mid-transaction")
        victim = app.worker_on(port)
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    assert "error" in outcome, outcome      # the phone was never told the batch was stored
    wait_for(lambda: blocked_writer(db) is None, 30, what="the orphaned transaction to end")
    with db.connect() as conn:
        count = conn.execute(text("select count(*) from positions where device_id = :d"),
                             {"d": phone["device"]}).scalar_one()
        latest = conn.execute(text("select extract(epoch from device_time)::bigint from "
                                   "latest_positions where device_id = :d"),
                              {"d": phone["device"]}).scalar_one()
    assert (count, latest) == (1, base)
    # gunicorn replaces the worker; the phone's retry of the same batch is stored whole.
    wait_for(lambda: len(app.worker_pids()) == 2 and victim not in app.worker_pids(), 60,
             what="a new worker")
    retry = wait_for(lambda: send(requests.Session(), app.url, phone, 0, "batch", base + 1,
                                  1000)[0], 30)
    assert retry.status_code == 200 and retry.json()["stored"] == 1000


def test_a_server_out_of_connections_answers_503_not_500(fleet):
    """Every pooled connection busy for the pool's timeout (overload): retry later."""
    settings, _, phones = fleet
    db = Database(settings, engine=make_engine(settings.sqlalchemy_url, pool_size=1,
                                               max_overflow=0, pool_timeout=0.5))
    client = create_server(settings, db).test_client()
    try:
        with db.connect():        # the only connection, held by "another request"
            response = client.get(f"/osmand?id={phones[0]['id']}&lat={LAT}&lon={LON}")
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert response.json["error"] == "server_busy"
        assert client.get(f"/osmand?id={phones[0]['id']}&lat={LAT}&lon={LON}").status_code == 200
    finally:
        db.dispose()


def test_every_503_says_when_to_retry():
    """The ingest writer's own 503 (a group not written within 30 s) carries Retry-After too."""
    from flask import Flask

    from api.errors import ApiError, register_error_handlers

    app = Flask("retry")
    register_error_handlers(app)

    @app.get("/api/v1/busy")
    def busy():
        raise ApiError(503, "ingest_busy", "busy, retry later")

    response = app.test_client().get("/api/v1/busy")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
