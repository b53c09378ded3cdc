"""`python app.py simulate`: the live patrol feed (phones that walk, buffer and report)."""
from __future__ import annotations

import logging
import signal
import threading

import click

from data.settings import Settings
from etl.sim_faults import Mishaps
from etl.simulate import DEFAULT_SEED, NoRoster, SimOptions, run_simulation


@click.command("simulate")
@click.option("--url", default=None, help="Server base URL (default http://HQ_HOST:HQ_PORT).")
@click.option("--workers", type=int, default=None, help="Simulate at most N workers.")
@click.option("--interval", type=float, default=10.0, show_default=True,
              help="Seconds between a phone's fixes.")
@click.option("--speedup", type=float, default=1.0, show_default=True,
              help="Sim seconds per real second (walking pace is capped to stay plausible).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option("--duration", type=float, default=0.0, help="Stop after this many seconds.")
@click.option("--incident-rate", type=float, default=0.6, show_default=True,
              help="Incidents reported per worker per day.")
@click.option("--threads", type=int, default=32, show_default=True)
@click.option("--osmand-path", default="/osmand", show_default=True,
              help="'/' when --url is the separate OsmAnd port.")
@click.option("--mishaps/--no-mishaps", default=True, show_default=True,
              help="Jumps, walks home, skewed clocks and week-long backlogs, as real phones have.")
@click.option("--whistles/--no-whistles", default=True, show_default=True,
              help="Street chiefs whistle on stuck cases; departments report in, finish, are rated.")
@click.option("--whistles-per-day", type=float, default=4.0, show_default=True,
              help="Whistles blown per day at 1x (times --speedup).")
@click.pass_obj
def simulate_command(settings: Settings, url, workers, interval, speedup, seed, duration,
                     incident_rate, threads, osmand_path, mishaps, whistles,
                     whistles_per_day) -> None:
    """Live patrol feed: grid workers' phones send OsmAnd fixes and report incidents."""
    if interval <= 0 or speedup <= 0:
        raise click.BadParameter("--interval and --speedup must be positive")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options = SimOptions(url or f"http://{settings.host}:{settings.port}", workers, interval,
                         speedup, seed, duration, incident_rate, threads, osmand_path,
                         mishaps=Mishaps() if mishaps else Mishaps.none(), whistles=whistles,
                         whistles_per_day=whistles_per_day)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        counts = run_simulation(settings, options, stop)
    except NoRoster as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"stopped: {counts}")
