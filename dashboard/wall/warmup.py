"""Build the wall's shared answers as a server process starts, and renew them while screens watch."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from dashboard.context import AppContext
from dashboard.wall import assembly
from dashboard.wall.reads import wall_now, wall_options

log = logging.getLogger(__name__)


def warm_wall(ctx: AppContext, now: datetime | None = None) -> None:
    """Every question a wall asks in its first minute, in the default language.

    A process that starts cold makes its first screens wait for each build (the headline
    and the map's data take about a second each); afterwards the screens get the last build
    while the next is made (``SharedAnswers``), so only this first round needs doing ahead.
    """
    options = wall_options("", ctx.settings.language)
    now = now or wall_now(options, ctx.settings)
    assembly.shared_first_map(ctx, options, now)
    assembly.shared_map_data(ctx, now)
    assembly.shared_positions(ctx, now)
    assembly.shared_headline(ctx, now, options.lang)
    assembly.panel_parts(ctx, now, options.lang, None)


def keep_warm(ctx: AppContext, stop: threading.Event, every_s: float = 1.0,
              watched_s: float = 120.0, clock: Callable[[], float] = time.time) -> None:
    """Warm the wall once, then every ``every_s`` while a live screen asked in the last
    ``watched_s`` seconds.

    Each call finds most answers fresh (a lookup) and starts the rebuild of those whose slot
    has just ended, in the background. Left to the screens, rebuilds started when the screens
    asked, and forty screens ticking together made every rebuild of both server processes
    fall into the same few seconds, with both cores busy; started here at each question's own
    slot boundary (``SharedAnswers(spread=True)``), the same work is spread over the minute.
    """
    first = True
    while first or not stop.wait(every_s):
        if first or clock() - ctx.wall_seen_at < watched_s:
            try:
                warm_wall(ctx)
            except Exception:  # noqa: BLE001 - warming is an optimisation, never an outage
                log.warning("warming the wall's answers failed", exc_info=True)
        first = False


def start_warming(ctx: AppContext, stop: threading.Event | None = None) -> threading.Thread:
    """Run :func:`keep_warm` in a daemon thread; a failure (no world yet, database away) is
    logged and left to the screens, which ask anyway.
    """
    thread = threading.Thread(target=keep_warm, args=(ctx, stop or threading.Event()),
                              name="wall-warm-up", daemon=True)
    thread.start()
    return thread
