"""The load benchmark's world: the synthetic district, extra phones, and the viewers' sessions."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import requests
from sqlalchemy import create_engine, insert, select, text

from data.devices import hash_token
from data.models import Device, Grid, User, WorkerGrid

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
WORLD_SEED = 20191115


def load_world(url: str, scale: float, password: str) -> dict:
    """The synthetic Hongqiao world "as of" now, so its history ends where the load begins."""
    from etl.world.load import load_world as load

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return load(conn, WORLD_SEED, scale, datetime.now(UTC), password)
    finally:
        engine.dispose()


def add_phones(url: str, n: int) -> list[tuple[str, float, float]]:
    """``n`` grid workers with a phone each, spread over the basic grids.

    Returns
    -------
    list of (device_id, lon, lat)
        Each phone's identifier and a start point inside its grid.
    """
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            # Idempotent: a reused database keeps the phones it has and gets the rest.
            have = conn.execute(text("select count(*) from users where username like 'load%'"))
            first = int(have.scalar_one())
            grids = conn.execute(select(
                Grid.id, Grid.street_id, Grid.community_id,
                text("ST_X(ST_PointOnSurface(grids.geom))"),
                text("ST_Y(ST_PointOnSurface(grids.geom))")).order_by(Grid.id)).all()
            users = conn.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
                dict(username=f"load{k:05d}", password_hash="x", display_name=f"压测{k}",
                     role="grid_worker", street_id=grids[k % len(grids)][1],
                     community_id=grids[k % len(grids)][2])
                for k in range(first, n)]).scalars().all() if n > first else []
            if users:
                conn.execute(insert(WorkerGrid), [
                    dict(user_id=u, grid_id=grids[k % len(grids)][0], is_primary=True)
                    for k, u in enumerate(users, start=first)])
                conn.execute(insert(Device), [
                    dict(device_id=f"load-{k:05d}", user_id=u,
                         token_hash=hash_token(f"load-{k:05d}"))
                    for k, u in enumerate(users, start=first)])
    finally:
        engine.dispose()
    return [(f"load-{k:05d}", grids[k % len(grids)][3], grids[k % len(grids)][4])
            for k in range(n)]


def signed_in(base: str, username: str, password: str) -> dict:
    """Sign in once through /login; returns the cookies and the CSRF header to copy around."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30)
    token = TOKEN.search(page.text).group(1)
    reply = session.post(f"{base}/login", allow_redirects=False, timeout=60,
                         data={"username": username, "password": password, "csrf_token": token})
    if reply.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {reply.status_code}")
    cookies = session.cookies.get_dict()
    return {"cookies": cookies, "headers": {"X-CSRFToken": cookies["_csrf_token"]}}


def stored_keys(url: str, prefix: str = "load-") -> set[tuple[str, int]]:
    """Every stored fix of the benchmark's phones as (device id, epoch seconds)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "select d.device_id, extract(epoch from p.device_time)::bigint from positions p "
                "join devices d on d.id = p.device_id where d.device_id like :p"),
                {"p": prefix + "%"}).all()
    finally:
        engine.dispose()
    return {(d, int(t)) for d, t in rows}
