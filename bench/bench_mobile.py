"""Benchmark: the phone page's first load on the wire (gzip) against the Dash /cases page.

Run with `.venv/bin/python -m bench mobile`. It loads a small synthetic world (scale 0.05)
into a throw-away database next to the configured one, so the shared demo database is never
touched, and drops it at the end. Signs a grid worker in on /m and a desk operator in on /login with Flask test
clients that accept gzip, then fetches each page's HTML and every script and style sheet it
references, plus the first data request (/m/api/me; Dash's _dash-layout and
_dash-dependencies). Prints bytes transferred and uncompressed per file and in all; the
/cases figure is a lower bound (plotly and the other async chunks load afterwards). The
issue's budget for /m is 500 KB transferred.
"""
from __future__ import annotations

import gzip
import re
import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, select

from app import build_app
from bench.scratch_db import create_database, drop_database
from bench.wall_naive import sign_in
from data.models import User, WorkerGrid
from data.settings import Settings

BUDGET = 500 * 1024
REFS = re.compile(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"')
LOGIN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fetch(client, url: str) -> tuple[int, int, float]:
    """(bytes on the wire, bytes uncompressed, ms) of one GET that accepts gzip."""
    started = time.perf_counter()
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
    wire = response.get_data()
    gz = response.headers.get("Content-Encoding") == "gzip"
    raw = gzip.decompress(wire) if gz else wire
    return len(wire), len(raw), ms


def page_load(client, page: str, data: tuple[str, ...]) -> list[tuple[str, int, int, float]]:
    response = client.get(page, headers={"Accept-Encoding": "gzip"})
    html = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        html = gzip.decompress(html)
    rows = [(page, *fetch(client, page))]
    for url in dict.fromkeys(REFS.findall(html.decode("utf-8", "replace"))):
        rows.append((url, *fetch(client, url)))
    return rows + [(url, *fetch(client, url)) for url in data]


def phone_sign_in(client, username: str, password: str) -> None:
    token = LOGIN_TOKEN.search(client.get("/m/login").get_data(as_text=True)).group(1)
    reply = client.post("/m/login", data={"username": username, "password": password,
                                          "csrf_token": token})
    if reply.status_code != 302:
        raise RuntimeError(f"phone sign-in as {username} failed: HTTP {reply.status_code}")


def a_worker(app) -> str:
    db = app.server.extensions["hq_db"]
    with db.connect() as conn:
        return conn.execute(select(User.username).join(WorkerGrid, WorkerGrid.user_id == User.id)
                            .where(User.role == "grid_worker", User.active.is_(True))
                            .order_by(User.id).limit(1)).scalar_one()


def show(title: str, rows) -> int:
    wire, raw = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{title}: {len(rows)} requests, {wire / 1024:,.1f} KB transferred, "
          f"{raw / 1024:,.1f} KB uncompressed")
    for url, w, r, ms in rows:
        print(f"    {w / 1024:9,.1f} KB  {r / 1024:9,.1f} KB raw  {ms:6.1f} ms  {url[:90]}")
    return wire


def scratch_world(base: Settings) -> Settings:
    """Settings pointing at a new database holding a small world (the caller drops it)."""
    from etl.world.load import load_world

    url = create_database(base, "bench_mobile")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            load_world(conn, 424242, 0.05, datetime.now(UTC), base.demo_password)
    finally:
        engine.dispose()
    return base.with_overrides(database_url=url, database_from_env=True)


def main() -> None:
    base = Settings.from_env().with_overrides(background_jobs=False)
    settings = scratch_world(base)
    try:
        run(settings)
    finally:
        drop_database(base, settings.database_url)


def run(settings: Settings) -> None:
    app = build_app(settings)
    phone = app.server.test_client()
    phone_sign_in(phone, a_worker(app), settings.demo_password)
    mobile = page_load(phone, "/m", ("/m/api/me",))
    desk = app.server.test_client()
    sign_in(desk, "operator1", settings.demo_password)
    cases = page_load(desk, "/cases", ("/_dash-layout", "/_dash-dependencies"))
    m = show("/m (phone page, first load)", mobile)
    c = show("/cases (Dash workbench, first load, lower bound)", cases)
    verdict = "within" if m < BUDGET else "OVER"
    print(f"/m first load {m / 1024:,.1f} KB transferred: {verdict} the 500 KB budget; "
          f"{c / max(m, 1):,.0f}x less than /cases ({c / 1024:,.1f} KB)")
    app.server.extensions["hq_db"].dispose()


if __name__ == "__main__":
    main()
