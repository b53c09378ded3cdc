"""The live patrol feed: every grid worker's phone sending OsmAnd fixes to the server over HTTP."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from data.db import Database
from data.devices import demo_token
from data.queries.patrol import incident_categories, patrol_roster
from data.settings import Settings
from etl.sim_client import RETRY_S, Sender, incident_payload
from etl.sim_faults import Mishaps
from etl.sim_fleet import Fleet, make_phone
from geo.crs import to_metric

log = logging.getLogger(__name__)
DEFAULT_SEED = 20191115
FALLBACK_CATEGORIES = [("0101", "道路设施"), ("0102", "环境卫生")]


@dataclass(frozen=True)
class SimOptions:
    """How the simulator runs (the CLI's options)."""

    url: str
    workers: int | None = None
    interval_s: float = 10.0
    speedup: float = 1.0
    seed: int = DEFAULT_SEED
    duration_s: float = 0.0
    incident_rate: float = 0.6
    threads: int = 32
    osmand_path: str = "/osmand"
    report_every: int = 6
    mishaps: Mishaps = Mishaps()
    retry_s: float = RETRY_S
    # The whistle loop (etl/sim_whistles.py): off unless asked, as the feed's own tests
    # count only what phones do; `python app.py simulate` (and so `make demo`) turns it on.
    whistles: bool = False
    whistles_per_day: float = 4.0


class NoRoster(RuntimeError):
    """There is nobody to simulate (the world is not loaded)."""


def build_fleet(db: Database, options: SimOptions) -> tuple[Fleet, list]:
    """Load workers, devices and grids from the database and make a phone for each."""
    with db.connect() as conn:
        roster = patrol_roster(conn, options.workers)
        categories = incident_categories(conn) or FALLBACK_CATEGORIES
    if not roster:
        raise NoRoster("no active grid workers with devices: load the world first")
    grids = to_metric(np.array([p.grid for p in roster], dtype=object))
    phones = [make_phone(p, g, options.seed, options.mishaps) for p, g in zip(roster, grids)]
    return Fleet(phones, options.speedup, options.mishaps), categories


def _report(fleet: Fleet, sender: Sender, categories: list, options: SimOptions,
            secret: str) -> None:
    reports = []
    for phone in fleet.incidents(options.interval_s, options.incident_rate):
        lon, lat = fleet.position(phone)
        category = categories[int(phone.rng.integers(len(categories)))]
        reports.append((incident_payload(phone, lon, lat, category, phone.rng),
                        demo_token(phone.device_id, secret)))
    sender.report_incidents(reports)


def _start_whistles(settings: Settings, db: Database, options: SimOptions):
    """The whistle loop beside the phones, at the same speed; None when not asked for."""
    if not options.whistles:
        return None
    from etl.sim_whistles import PlayerThread, PlayOptions, WhistlePlayer

    play = PlayOptions(seed=options.seed, per_day=options.whistles_per_day,
                       speedup=options.speedup)
    thread = PlayerThread(WhistlePlayer(db, play), settings.clock)
    thread.start()
    log.info("whistle loop: about %.0f whistles a day at this speed",
             options.whistles_per_day * options.speedup)
    return thread


def run_simulation(settings: Settings, options: SimOptions, stop: threading.Event | None = None,
                   db: Database | None = None, fleet: list | None = None) -> dict:
    """Run the feed until ``stop`` is set or ``duration_s`` (if > 0) has passed.

    Parameters
    ----------
    fleet : list, optional
        Filled with the Fleet as soon as it is built (tests look into the phones' buffers).

    Returns
    -------
    dict
        Counters: ticks, phones, fixes_taken, fixes_ok (acknowledged), retries_<why> (sends
        that failed and wait in the buffer: 503, no_answer, an error code), backlog (fixes
        still buffered at the end), incidents_ok, incidents_failed, ticks_late.
    """
    stop = stop or threading.Event()
    db = db or Database(settings)
    phones, categories = build_fleet(db, options)
    if fleet is not None:
        fleet.append(phones)
    sender = Sender(options.url, options.threads, options.osmand_path, options.retry_s)
    player = _start_whistles(settings, db, options)
    log.info("simulating %d phones -> %s every %.1fs (speedup %.1f)", len(phones.phones),
             sender.osmand_url, options.interval_s, options.speedup)
    started = time.monotonic()
    ticks = 0
    try:
        while not stop.is_set():
            tick_start, now = time.monotonic(), time.time()
            due = phones.tick(now, options.interval_s)
            _report(phones, sender, categories, options, settings.demo_secret)
            sender.send_fixes(due, now)
            ticks += 1
            if time.monotonic() - tick_start > options.interval_s:
                sender.count("ticks_late")
            if ticks % options.report_every == 0:
                log.info("tick %d: backlog %d, %s", ticks, phones.backlog(), dict(sender.counts))
            if options.duration_s and time.monotonic() - started >= options.duration_s:
                break
            stop.wait(max(0.0, options.interval_s - (time.monotonic() - tick_start)))
    finally:
        sender.close()
        if player is not None:
            player.stop()
    return {"ticks": ticks, "phones": len(phones.phones), **sender.counts,
            "fixes_taken": sum(p.taken for p in phones.phones), "backlog": phones.backlog()}
