"""What goes wrong with real phones, for the simulator to play: jumps, walks home, skewed clocks,
week-long backlogs. Each is something the server must acknowledge and keep off the wall.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Clock errors seen on workers' phones: a few minutes fast, a minute slow, a year behind (a
# phone whose date was reset); seconds per phone, drawn once.
SKEWS_S = (600.0, 120.0, -60.0, -365 * 86400.0)
JUMP_M = (300.0, 800.0)
HOME_MINUTES = (30.0, 60.0)
EVENING_HOURS = (1.0, 3.0)
BACKLOG_DAYS = 8.0
BACKLOG_EVERY_S = 600.0


@dataclass(frozen=True)
class Mishaps:
    """How often each mishap happens.

    Parameters
    ----------
    jump_share : float
        Share of fixes thrown a few hundred metres off (multipath in a street canyon).
    home_per_hour : float
        Per phone and sim hour: the worker walks home with tracking left on, then the phone
        stays off for the evening.
    skewed_share : float
        Share of phones whose clock is off (one of SKEWS_S).
    backlog_share : float
        Share of phones that come back from a week in a drawer with their whole buffer.
    """

    jump_share: float = 0.003
    home_per_hour: float = 0.02
    skewed_share: float = 0.02
    backlog_share: float = 0.005

    @classmethod
    def none(cls) -> Mishaps:
        return cls(0.0, 0.0, 0.0, 0.0)


def draw_skew(rng: np.random.Generator, mishaps: Mishaps) -> float:
    """A phone's clock error in seconds (0 for most)."""
    if rng.random() >= mishaps.skewed_share:
        return 0.0
    return float(SKEWS_S[int(rng.integers(len(SKEWS_S)))])


def jump(rng: np.random.Generator, mishaps: Mishaps) -> tuple[float, float]:
    """How far (dx, dy metres) this fix is thrown; (0, 0) for almost all."""
    if rng.random() >= mishaps.jump_share:
        return 0.0, 0.0
    distance, angle = rng.uniform(*JUMP_M), rng.uniform(0, 2 * np.pi)
    return float(distance * np.cos(angle)), float(distance * np.sin(angle))


def away_from(x: float, y: float, centre: tuple[float, float], rng) -> tuple[float, float]:
    """A unit vector from the district's centre through (x, y): the way home is outwards."""
    dx, dy = x - centre[0], y - centre[1]
    norm = float(np.hypot(dx, dy))
    if norm < 1.0:
        angle = rng.uniform(0, 2 * np.pi)
        return float(np.cos(angle)), float(np.sin(angle))
    return dx / norm, dy / norm


def backlog_times(now: float) -> np.ndarray:
    """When a phone in a drawer took its fixes: every 10 minutes over the last eight days."""
    return np.arange(now - BACKLOG_DAYS * 86400.0, now, BACKLOG_EVERY_S)
