"""Ingest throughput through gunicorn: OsmAnd requests/s and batched fixes/s vs a naive baseline."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, func, select

ROOT = Path(__file__).resolve().parent.parent
DEVICES_PER_PHASE = 100
PHASE_SECONDS = {"osmand": 10.0, "batch": 10.0, "naive": 8.0}
BATCH_SIZE = 200
# Two processes (one per CPU here) with many threads each: gthread keeps phones' connections
# alive, and the more requests wait together in a process, the larger the group commit.
GUNICORN_WORKERS = int(os.environ.get("HQ_BENCH_WORKERS", "2"))
GUNICORN_ARGS = os.environ.get("HQ_BENCH_GUNICORN", "-k gthread --threads 32 --keep-alive 5").split()
CLIENT_PROCESSES = 2
CLIENT_THREADS = {"osmand": int(os.environ.get("HQ_BENCH_CLIENTS", "32")), "batch": 4, "naive": 4}
TARGETS = {"osmand": 500.0, "batch": 5000.0}


def wsgi():
    """The app gunicorn serves here: the real API server plus the naive baseline endpoint."""
    from api.server import create_server
    from bench.ingest_load import naive_blueprint, stats_blueprint
    from data.db import Database
    from data.settings import Settings

    settings = Settings.from_env()
    db = Database(settings)
    server = create_server(settings, db)
    server.register_blueprint(naive_blueprint(db.engine))
    server.register_blueprint(stats_blueprint(server))
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, app: str = "bench.bench_ingest:wsgi()",
                   **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "HQ_BACKGROUND_JOBS": "false", **extra_env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(GUNICORN_WORKERS), *GUNICORN_ARGS,
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "2048", app],
        cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/osmand", timeout=2)
        except urllib.error.HTTPError:
            return proc     # any answer (400: no device id) means it is up
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not come up")


def run_phase(kind: str, port: int, devices: list, base: float) -> dict:
    from bench.ingest_load import run_process

    seconds = PHASE_SECONDS[kind]
    slices = [devices[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    # Spawning a process takes a second or two (more on a busy machine): all start together.
    start_at = time.time() + 4.0
    args = [(port, s, start_at, seconds, CLIENT_THREADS[kind], base, kind, BATCH_SIZE)
            for s in slices]
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCESSES) as pool:
        results = pool.starmap(run_process, args)
    keys = {key for r in results for key in r} - {"started", "finished"}
    total = {key: sum(r.get(key, 0) for r in results) for key in keys}
    # From the common start to the last response (a slow last request counts against us).
    total["seconds"] = max(r["finished"] for r in results) - min(r["started"] for r in results)
    return total


def group_stats(port: int) -> tuple[int, int]:
    """(jobs, transactions) summed over the workers (asked until each has answered)."""
    seen = {}
    for _ in range(40):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench-stats", timeout=5) as r:
            body = json.loads(r.read())
        seen[body["pid"]] = (body["jobs"], body["groups"])
        if len(seen) == GUNICORN_WORKERS:
            break
    return sum(j for j, _ in seen.values()), sum(g for _, g in seen.values())


def stored(engine, device_ids: list[str]) -> int:
    from data.models import Device, Position

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Position).join(
            Device, Device.id == Position.device_id).where(Device.device_id.in_(device_ids))).scalar_one()


def _errors(phase: dict) -> str:
    kinds = {k: v for k, v in phase.items() if k.startswith("http_") or k[0].isupper()}
    return f"{phase['errors']} errors {kinds}" if phase["errors"] else "0 errors"


def report(results: dict, counts: dict) -> bool:
    rates = {k: r["fixes"] / r["seconds"] for k, r in results.items()}
    lines = {
        "osmand": f"OsmAnd, main app /osmand : {rates['osmand']:7.0f} requests/s",
        "port": f"OsmAnd, --osmand-port app : {rates['port']:7.0f} requests/s",
        "batch": f"batched, {BATCH_SIZE} fixes/request: {rates['batch']:7.0f} fixes/s  ",
        "naive": f"naive ORM baseline       : {rates['naive']:7.0f} fixes/s  ",
    }
    for kind, line in lines.items():
        r = results[kind]
        print(f"{line}  ({r['fixes']} in {r['seconds']:.1f} s, {_errors(r)})")
    print(f"ratios: batched/naive = {rates['batch'] / max(rates['naive'], 1e-9):.1f}x, OsmAnd "
          f"requests/naive fixes = {rates['osmand'] / max(rates['naive'], 1e-9):.1f}x")
    lost = {k: results[k]["fixes"] - counts[k] for k in counts}
    print("accepted vs stored: " + ", ".join(f"{k} {results[k]['fixes']}/{counts[k]}" for k in counts)
          + ("  -> zero lost" if not any(lost.values()) else f"  -> MISMATCH {lost}"))
    osmand_best = max(rates["osmand"], rates["port"])
    print(f"targets: OsmAnd >= {TARGETS['osmand']:.0f}/s "
          f"{'met' if osmand_best >= TARGETS['osmand'] else 'NOT met'}, batched >= "
          f"{TARGETS['batch']:.0f}/s {'met' if rates['batch'] >= TARGETS['batch'] else 'NOT met'}")
    return osmand_best >= TARGETS["osmand"] and rates["batch"] >= TARGETS["batch"] and not any(
        lost.values())


def run_all(url: str, engine, devices: list) -> tuple[dict, dict]:
    """The four phases; the dedicated OsmAnd app gets its own gunicorn."""
    kinds = ("osmand", "port", "batch", "naive")
    groups = {k: devices[i * DEVICES_PER_PHASE:(i + 1) * DEVICES_PER_PHASE]
              for i, k in enumerate(kinds)}
    now = time.time()
    # Batches cover days of fix times, so they start 6 days back (validation allows 7).
    bases = {"osmand": now - 3600, "port": now - 3600, "batch": now - 6 * 86400,
             "naive": now - 6 * 86400}
    results, procs = {}, []
    try:
        main_port, osmand_port = free_port(), free_port()
        procs.append(start_gunicorn(url, main_port))
        procs.append(start_gunicorn(url, osmand_port, "api.ingest.osmand_server:wsgi()"))
        print(f"gunicorn -w {GUNICORN_WORKERS} {' '.join(GUNICORN_ARGS)}, {len(devices)} "
              f"devices, {os.cpu_count()} CPUs")
        for kind in kinds:
            port = osmand_port if kind == "port" else main_port
            results[kind] = run_phase("osmand" if kind == "port" else kind, port,
                                      groups[kind], bases[kind])
            if kind == "osmand":
                jobs, commits = group_stats(main_port)
                print(f"group commit: {jobs} OsmAnd requests written in {commits} "
                      f"transactions ({jobs / max(commits, 1):.1f} per commit)")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    return results, {k: stored(engine, [d[0] for d in groups[k]]) for k in kinds}


def main() -> bool:
    from bench.scratch_db import create_database, drop_database, seed_world
    from data import local_server
    from data.db import Database
    from data.positions import ensure_current_partitions
    from data.settings import Settings

    settings = Settings.from_env()
    local_server.up(settings, do_migrate=False)
    url = create_database(settings, "bench_ingest")
    engine = create_engine(url)
    try:
        devices = seed_world(engine, 4 * DEVICES_PER_PHASE, settings.demo_password)
        ensure_current_partitions(Database(settings.with_overrides(database_url=url)),
                                  now=settings.now())
        return report(*run_all(url, engine, devices))
    finally:
        engine.dispose()
        drop_database(settings, url)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
