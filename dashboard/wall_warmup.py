"""Build the wall's shared answers when a server process starts, before screens ask."""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from dashboard import wall_assembly as wa
from dashboard.context import AppContext
from dashboard.wall_data import wall_now, wall_options

log = logging.getLogger(__name__)


def warm_wall(ctx: AppContext, now: datetime | None = None) -> None:
    """Every question a wall asks in its first minute, in the default language.

    A process that starts cold makes its first screens wait for each build (the headline
    and the map's data take about a second each); afterwards the screens get the last build
    while the next is made (``SharedAnswers``), so only this first round needs doing ahead.
    """
    options = wall_options("", ctx.settings.language)
    now = now or wall_now(options)
    wa.shared_first_map(ctx, options, now)
    wa.shared_map_data(ctx, now)
    wa.shared_positions(ctx, now)
    wa.shared_headline(ctx, now, options.lang)
    wa.panel_parts(ctx, now, options.lang, None)


def start_warming(ctx: AppContext) -> threading.Thread:
    """Run :func:`warm_wall` in a daemon thread; a failure (no world yet, database away) is
    logged and left to the screens, which ask again anyway."""
    def run() -> None:
        try:
            warm_wall(ctx)
        except Exception:  # noqa: BLE001 - warming is an optimisation, never an outage
            log.warning("warming the wall's answers failed", exc_info=True)

    thread = threading.Thread(target=run, name="wall-warm-up", daemon=True)
    thread.start()
    return thread
