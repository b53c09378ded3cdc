"""The suite's one clock: the machine's time, read once when the session starts, then frozen.

Every test that needs "now" takes it from here (``SESSION_NOW``, or the ``now`` fixture), and
every app a test builds reads the same moment through ``Settings.clock`` (conftest's
``server_settings``). A test that must run on the moving clock (Chromium or the simulator
stamping fixes with the machine's time) builds its app with
``settings.with_overrides(clock=system_clock)`` and then reads only ``utcnow()``. Nothing mixes
the two, so the suite passes whatever the date and hour: ``make test-clock`` runs it
with the machine's clock moved (scripts/test_clock.sh).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

from data.clock import frozen_clock


def _move_the_clock(shift_s: str | None) -> None:
    """make test-clock: Python's wall clock moved by ``shift_s`` seconds and left ticking.

    time-machine moves time.time, datetime.now and their kin for the whole process, but not
    the monotonic clock, so sleeps, timeouts and thread waits behave. (libfaketime, which moves
    the PostgreSQL server by the same shift, breaks them in Python: a faked monotonic clock
    leaves lock waits hanging, a real one makes time.sleep fail with EINVAL.)
    """
    if shift_s:
        import time_machine

        start = datetime.now(UTC) + timedelta(seconds=int(shift_s))
        time_machine.travel(start, tick=True).start()


_move_the_clock(os.environ.get("HQ_TEST_CLOCK_SHIFT_S"))
SESSION_NOW = datetime.now(UTC).replace(microsecond=0)
session_clock = frozen_clock(SESSION_NOW)
