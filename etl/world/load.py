"""Load the whole synthetic world in one transaction, stage by stage, with progress."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from data.bulk import CopyWriter
from data.db import Database
from data.settings import Settings
from data.world_store import (
    clear_world,
    deferred_checks,
    finish_load,
    rollups_paused,
    world_is_loaded,
)
from etl.world.district import add_district
from etl.world.stages import (
    WorldState,
    stage_cameras,
    stage_geography,
    stage_people,
    stage_residents,
)
from etl.world.stages_events import stage_incidents, stage_whistles
from etl.world.stages_live import prepare_partitions, stage_patrols
from workflow.open311.requests import ensure_demo_client


class WorldExists(RuntimeError):
    """A world is loaded already and --replace was not given."""


def load_world(conn: Connection, seed: int, scale: float, as_of: datetime, demo_password: str,
               replace: bool = False, report: Callable[[str, float], None] | None = None,
               device_secret: str | None = None) -> dict:
    """Generate and write the world inside the caller's transaction.

    Parameters
    ----------
    conn : Connection
        In a transaction: either everything is written or nothing.
    seed, scale : the generator's seed and size (1 = full Hongqiao).
    as_of : datetime
        Timezone-aware end of the history ("today" for the live screens).
    demo_password : str
        The shared password of the demo accounts.
    replace : bool
        Clear an existing world first instead of refusing.
    report : callable, optional
        Called with (stage name, seconds) after each stage.
    device_secret : str, optional
        What the demo devices' tokens and the demo Open311 key derive from
        (Settings.demo_secret); without it they are random and nobody knows them.

    Returns
    -------
    dict
        Counts of what was written.
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if world_is_loaded(conn) and not replace:
        raise WorldExists("a world is already loaded; use --replace to load again")
    # Truncating in the loading transaction also lets PostgreSQL (wal_level=minimal, as the
    # local cluster runs) skip WAL for the COPYs that follow.
    clear_world(conn)
    st = WorldState(seed=seed, scale=scale, as_of=as_of)
    report = report or (lambda name, seconds: None)
    stages = (("geography", lambda: stage_geography(conn, st)),
              ("residents", lambda: stage_residents(conn, st)),
              ("people", lambda: stage_people(conn, st, demo_password, device_secret)),
              ("cameras", lambda: stage_cameras(conn, st)))
    prepare_partitions(conn, st)
    # The rollups are rebuilt first, while their secondary indexes are still dropped too.
    with deferred_checks(conn), rollups_paused(conn):
        # A deep queue lets generation run ahead while the server is busy with a big COPY.
        with CopyWriter(conn, depth=8) as st.writer:
            for name, run in stages:
                _timed(name, run, report)
            incidents = _timed("incidents", lambda: stage_incidents(conn, st), report)
            _timed("whistles", lambda: stage_whistles(conn, st, incidents), report)
            _timed("patrols", lambda: stage_patrols(st), report)
            start = time.perf_counter()
        report("copy (waiting)", time.perf_counter() - start)
        start = time.perf_counter()
    report("indexes and keys", time.perf_counter() - start)
    _timed("finish", lambda: finish_load(conn), report)
    if device_secret:
        ensure_demo_client(conn, device_secret)     # the demo's Open311 api key (docs/open311.md)
    return st.counts


def _timed(name, run, report):
    start = time.perf_counter()
    result = run()
    report(name, time.perf_counter() - start)
    return result


def parse_as_of(text: str | None, settings: Settings) -> datetime:
    """--as-of: an ISO date or datetime (Beijing time when naive); now when omitted."""
    if not text:
        return settings.now()
    from zoneinfo import ZoneInfo

    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return value


class ProductionRefused(ValueError):
    """The synthetic world (its shared demo password, made-up people) never loads in
    production mode.
    """


def refuse_in_production(settings: Settings) -> None:
    """Raise ProductionRefused when HQ_PRODUCTION=1."""
    if settings.production:
        raise ProductionRefused("生产环境不能加载演示数据 / the demo world refuses to load in "
                                "production mode (HQ_PRODUCTION=1): set up the district with "
                                "the importers and `python app.py users` (docs/operating.md)")


def run_load(settings: Settings, seed: int, scale: float, as_of: datetime, replace: bool,
             echo=print) -> dict:
    """Load the world with a stage-by-stage progress line; returns the counts (refused in
    production mode).
    """
    refuse_in_production(settings)
    db = Database(settings)
    started = time.perf_counter()
    try:
        with db.begin() as conn:
            counts = load_world(conn, seed, scale, as_of, settings.demo_password, replace,
                                report=lambda name, s: echo(f"  ✓ {name:<16} {s:6.1f} s"),
                                device_secret=settings.demo_secret)
    finally:
        db.dispose()
    echo(f"loaded in {time.perf_counter() - started:.1f} s: "
         + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return counts


def run_add_district(settings: Settings, code: str, seed: int, scale: float,
                     echo=print) -> dict:
    """Add a further district beside the loaded world (etl.world.district), in one
    transaction; returns the counts (refused in production mode).
    """
    refuse_in_production(settings)
    db = Database(settings)
    started = time.perf_counter()
    try:
        with db.begin() as conn:
            counts = add_district(conn, code, seed, scale, settings.demo_password)
    finally:
        db.dispose()
    echo(f"district {code} loaded in {time.perf_counter() - started:.1f} s: "
         + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return counts
