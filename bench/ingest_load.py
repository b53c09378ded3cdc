"""Load for the ingest benchmark: OsmAnd and batch clients (in processes) and the naive baseline."""
from __future__ import annotations

import http.client
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, jsonify, request
from geoalchemy2.elements import WKTElement
from sqlalchemy.orm import Session

from data.models import Position

# One metre east at Tianjin's latitude, so consecutive fixes 1 s apart walk at 1 m/s.
METRE_LON = 1.0 / (111_320.0 * 0.7771)


def pace(j: int) -> float:
    """Longitude offset of fix j: back and forth along 200 m at 1 m/s, never leaving the grid."""
    return abs((j % 400) - 200) * METRE_LON


def _send(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


def _device_loop(port: int, devices: list, deadline: float, base: float, make_request) -> dict:
    """Send fixes for ``devices`` in turn until ``deadline``; fix k of a device is at base + k."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    counts = {"requests": 0, "ok": 0, "fixes": 0, "errors": 0, "finished": 0.0}
    k = 0
    while time.time() < deadline:
        for device in devices:
            if time.time() >= deadline:
                break
            method, path, body, headers, n = make_request(device, k, base)
            try:
                status, data = _send(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException) as err:
                conn.close()
                counts["errors"] += 1
                counts[type(err).__name__] = counts.get(type(err).__name__, 0) + 1
                continue
            counts["requests"] += 1
            if status == 200:
                counts["ok"] += 1
                counts["fixes"] += json.loads(data)["stored"] if data else n
            else:
                counts["errors"] += 1
                counts[f"http_{status}"] = counts.get(f"http_{status}", 0) + 1
        k += 1
    conn.close()
    counts["finished"] = time.time()
    return counts


def osmand_request(device, k: int, base: float):
    device_id, _, lon, lat = device
    path = (f"/osmand?id={device_id}&timestamp={int(base + k)}&lat={lat:.7f}"
            f"&lon={lon + pace(k):.7f}&speed=1.9&accuracy=6&batt=80")
    return "GET", path, None, None, 1


def batch_request_maker(size: int, path: str = "/api/v1/positions"):
    """A request maker sending ``size`` fixes per request (fix times base + k*size + i)."""
    def make(device, k: int, base: float):
        _, token, lon, lat = device
        fixes = [{"time": int(base + k * size + i), "lat": round(lat, 7),
                  "lon": round(lon + pace(k * size + i), 7), "accuracy": 6}
                 for i in range(size)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return "POST", path, json.dumps({"fixes": fixes}), headers, size
    return make


def run_process(port: int, devices: list, start_at: float, seconds: float, threads: int,
                base: float, kind: str, batch: int = 0) -> dict:
    """One client process: ``threads`` threads, each owning a slice of the devices, all
    starting at ``start_at`` (so that processes spawned at different moments overlap).
    """
    maker = osmand_request if kind == "osmand" else batch_request_maker(
        batch, "/naive" if kind == "naive" else "/api/v1/positions")
    time.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + seconds
    slices = [devices[i::threads] for i in range(threads) if devices[i::threads]]
    started = start_at
    with ThreadPoolExecutor(len(slices)) as pool:
        results = list(pool.map(lambda s: _device_loop(port, s, deadline, base, maker), slices))
    keys = {key for r in results for key in r}
    total = {key: sum(r.get(key, 0) for r in results) for key in keys}
    # The last response (not the deadline) ends the phase: a slow request runs past it.
    total.update(started=started, finished=max(r["finished"] for r in results))
    return total


def stats_blueprint(server) -> Blueprint:
    """GET /bench-stats: this worker's group-commit counters."""
    bp = Blueprint("bench_stats", __name__)

    @bp.get("/bench-stats")
    def stats():
        writer = server.blueprints["osmand"].ingestor.writer
        return jsonify(pid=os.getpid(), groups=writer.groups, jobs=writer.jobs_written,
                       largest=writer.largest_group)

    return bp


def naive_blueprint(engine) -> Blueprint:
    """The baseline: the same batch body, stored with one ORM insert and commit per fix."""
    bp = Blueprint("naive", __name__)
    users = {}
    lock = threading.Lock()

    @bp.post("/naive")
    def naive():
        from data.devices import find_device_by_token

        token = request.headers["Authorization"].split(" ", 1)[1]
        with lock:
            if token not in users:
                with engine.connect() as conn:
                    users[token] = find_device_by_token(conn, token)
        device = users[token]
        stored = 0
        with Session(engine) as session:
            for fix in request.get_json()["fixes"]:
                session.add(Position(
                    device_id=device.id, user_id=device.user_id, district_code="120106",
                    device_time=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(fix["time"])),
                    accuracy_m=fix["accuracy"], flagged=False,
                    geom=WKTElement(f"POINT({fix['lon']} {fix['lat']})", srid=4326)))
                session.commit()
                stored += 1
        return jsonify(stored=stored)

    return bp
