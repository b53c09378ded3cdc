"""The one clock: real or frozen, passed in through Settings so every part reads the same now."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now from the machine, timezone-aware UTC."""
    return datetime.now(UTC)


def frozen_clock(at: datetime) -> Clock:
    """A clock that always reads ``at`` (tests, replays).

    Parameters
    ----------
    at : datetime
        An aware moment.

    Returns
    -------
    Clock
    """
    if at.tzinfo is None:
        raise ValueError("a frozen clock needs an aware datetime")
    return lambda: at
