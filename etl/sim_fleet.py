"""The simulated phones: grid workers walking their beats, each phone buffering its fixes as
Traccar Client does (sent oldest first, kept until the server answers 200), with jitter, gaps,
dead batteries and the mishaps of etl/sim_faults.py.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from etl import sim_faults
from etl.sim_faults import Mishaps
from geo.patrol import LatticeWalker, to_lonlat
from geo.track import KNOT_MPS, MAX_SPEED_MPS

# Sim-time hazards per hour and their durations (minutes): a phone in a pocket indoors or
# in a stairwell (gap: no network, fixes wait in its buffer), and a phone switched off
# (nothing is recorded; its buffer survives, as Traccar Client's database does).
GAP_PER_HOUR, GAP_MINUTES = 0.4, (1.0, 5.0)
OFF_PER_HOUR, OFF_MINUTES = 0.03, (20.0, 120.0)
DEAD_BATTERY, RECHARGE_MINUTES = 3.0, (30.0, 90.0)
DRAIN_PER_HOUR = (5.0, 12.0)
# A few phones stay at home all shift.
NEVER_ONLINE_SHARE = 0.02
POOR_FIX_SHARE = 0.01
# Walking faster than this many times real pace would trip the server's speed check.
MAX_WALK_SPEEDUP = 0.6 * MAX_SPEED_MPS / 1.44
ALTITUDE_M = 4.0
HOME_MPS = 1.3


@dataclass
class Phone:
    """One grid worker's phone and everything the simulation remembers about it."""

    device_id: str
    user_id: int
    grid_id: int
    walker: LatticeWalker
    rng: np.random.Generator
    battery: float
    drain: float
    never_online: bool
    skew_s: float = 0.0
    backlog: bool = False
    off_until: float = 0.0
    gap_until: float = 0.0
    # Traccar Client's buffer: fixes waiting for a 200, oldest first.
    queue: deque = field(default_factory=deque)
    retry_at: float = 0.0
    heading: float = 0.0
    home: tuple | None = None          # walking home: (x, y, ux, uy, until sim time)
    taken: int = 0

    def online(self, sim_t: float) -> bool:
        return not self.never_online and sim_t >= self.gap_until


def make_phone(patroller, grid_metric, seed: int, mishaps: Mishaps | None = None) -> Phone:
    """A phone for one roster entry; its random stream depends only on (seed, user id)."""
    mishaps = mishaps or Mishaps()
    rng = np.random.default_rng([seed, patroller.user_id])
    walker = LatticeWalker(grid_metric, rng)
    phone = Phone(patroller.device_id, patroller.user_id, patroller.grid_id, walker, rng,
                  battery=float(rng.uniform(55, 100)), drain=float(rng.uniform(*DRAIN_PER_HOUR)),
                  never_online=bool(rng.random() < NEVER_ONLINE_SHARE))
    # Drawn from their own stream, so that switching mishaps off changes nothing else.
    own = np.random.default_rng([seed, patroller.user_id, 1])
    phone.skew_s = sim_faults.draw_skew(own, mishaps)
    phone.backlog = bool(own.random() < mishaps.backlog_share)
    return phone


def _hazard(rng, per_hour: float, dt_sim: float) -> bool:
    return rng.random() < 1.0 - np.exp(-per_hour * dt_sim / 3600.0)


def _update_power(phone: Phone, sim_t: float, dt_sim: float) -> bool:
    """Drain, die and recharge; True when the phone is on and tracking."""
    rng = phone.rng
    if phone.never_online or sim_t < phone.off_until:
        return False
    phone.battery -= phone.drain * dt_sim / 3600.0
    if phone.battery <= DEAD_BATTERY:
        phone.off_until = sim_t + 60 * rng.uniform(*RECHARGE_MINUTES)
        phone.battery = float(rng.uniform(80, 100))
        return False
    if _hazard(rng, OFF_PER_HOUR, dt_sim):
        phone.off_until = sim_t + 60 * rng.uniform(*OFF_MINUTES)
        return False
    return True


def _noisy_fix(phone: Phone, x: float, y: float, dx: float, dy: float, dt_real: float):
    rng = phone.rng
    poor = rng.random() < POOR_FIX_SHARE
    accuracy = float(rng.uniform(120, 300) if poor else np.clip(rng.lognormal(2.0, 0.4), 3, 40))
    ox, oy = rng.normal(0, accuracy * (0.3 if poor else 0.5), 2)
    # The error stays within the reported accuracy radius, so honest jitter never looks
    # like an impossible jump to the server's speed check (which forgives the radii).
    shrink = min(1.0, accuracy / max(float(np.hypot(ox, oy)), 1e-9))
    if dx or dy:
        phone.heading = float(np.degrees(np.arctan2(dx, dy)) % 360)
    speed = float(np.hypot(dx, dy) / dt_real) if dt_real > 0 else 0.0
    return x + ox * shrink, y + oy * shrink, accuracy, speed


class Fleet:
    """All simulated phones, advanced one tick at a time.

    Parameters
    ----------
    phones : list of Phone
    speedup : float
        Sim seconds per real second; walking is capped at MAX_WALK_SPEEDUP times real
        pace so fixes stay plausible to the server (timestamps are always real). A walk
        home is not capped: sped up, it is faster than anyone walks, as a car would be.
    mishaps : Mishaps
    """

    def __init__(self, phones: list[Phone], speedup: float = 1.0, mishaps: Mishaps | None = None):
        mishaps = mishaps or Mishaps()
        self.phones, self.speedup, self.sim_t = phones, float(speedup), 0.0
        self.walk_speedup = min(self.speedup, MAX_WALK_SPEEDUP)
        self.mishaps = mishaps
        homes = np.array([p.walker.position for p in phones]) if phones else np.zeros((1, 2))
        self.centre = (float(homes[:, 0].mean()), float(homes[:, 1].mean()))
        self.started = False

    def _fix(self, phone: Phone, now: float, lon: float, lat: float, raw) -> dict:
        phone.taken += 1
        return {"id": phone.device_id, "timestamp": int(now + phone.skew_s),
                "lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "speed": f"{raw[3] / KNOT_MPS:.2f}",
                "bearing": f"{phone.heading:.1f}", "altitude": ALTITUDE_M,
                "accuracy": f"{raw[2]:.1f}", "batt": f"{phone.battery:.0f}"}

    def _drawer(self, now: float) -> None:
        """Phones back from a week in a drawer start with eight days of buffered fixes."""
        for phone in self.phones:
            if not phone.backlog:
                continue
            times = sim_faults.backlog_times(now)
            x, y = phone.walker.position
            lon, lat = to_lonlat(x + phone.rng.normal(0, 5, len(times)),
                                 y + phone.rng.normal(0, 5, len(times)))
            for t, a, b in zip(times, lon, lat):
                phone.queue.append(self._fix(phone, float(t), float(a), float(b),
                                             (0, 0, 8.0, 0.0)))

    def _walk_home(self, phone: Phone, dt_sim: float, dt_real: float):
        """Where a worker walking home is; None once home (the phone goes off till later)."""
        if phone.home is None:
            if not _hazard(phone.rng, self.mishaps.home_per_hour, dt_sim):
                return None
            ux, uy = sim_faults.away_from(*phone.walker.position, self.centre, phone.rng)
            until = self.sim_t + 60 * phone.rng.uniform(*sim_faults.HOME_MINUTES)
            phone.home = (*phone.walker.position, ux, uy, until)
        x, y, ux, uy, until = phone.home
        if self.sim_t >= until:
            phone.home = None
            phone.off_until = self.sim_t + 3600 * phone.rng.uniform(*sim_faults.EVENING_HOURS)
            return None
        step = HOME_MPS * self.speedup * dt_real
        phone.home = (x + ux * step, y + uy * step, ux, uy, until)
        return phone.home[0], phone.home[1], ux * step, uy * step

    def tick(self, now: float, dt_real: float) -> list[Phone]:
        """Advance every phone by ``dt_real`` real seconds; returns the phones with fixes to
        send now (online, something buffered, not waiting to retry).
        """
        if not self.started:
            self.started = True
            self._drawer(now)
        dt_sim = dt_real * self.speedup
        self.sim_t += dt_sim
        moves = [p.walker.position for p in self.phones]
        after = [p.walker.advance(dt_real * self.walk_speedup) for p in self.phones]
        taking, points = [], []
        for i, phone in enumerate(self.phones):
            if not _update_power(phone, self.sim_t, dt_sim):
                continue
            home = self._walk_home(phone, dt_sim, dt_real)
            x, y = (home[0], home[1]) if home else after[i]
            dx, dy = (home[2], home[3]) if home else (x - moves[i][0], y - moves[i][1])
            raw = _noisy_fix(phone, x, y, dx, dy, dt_real)
            jx, jy = sim_faults.jump(phone.rng, self.mishaps)
            taking.append((phone, raw))
            points.append((raw[0] + jx, raw[1] + jy))
        if taking:
            # One projection for the whole fleet: per phone it would cost most of the tick.
            lon, lat = to_lonlat([p[0] for p in points], [p[1] for p in points])
            for (phone, raw), a, b in zip(taking, lon, lat):
                phone.queue.append(self._fix(phone, now, float(a), float(b), raw))
                if self.sim_t >= phone.gap_until and _hazard(phone.rng, GAP_PER_HOUR, dt_sim):
                    phone.gap_until = self.sim_t + 60 * phone.rng.uniform(*GAP_MINUTES)
        return [p for p in self.phones
                if p.queue and p.online(self.sim_t) and now >= p.retry_at]

    def backlog(self) -> int:
        """Fixes waiting in all phones' buffers."""
        return sum(len(p.queue) for p in self.phones)

    def incidents(self, dt_real: float, rate_per_day: float) -> list[Phone]:
        """The phones whose worker reports an incident this tick (Poisson, per worker)."""
        p = 1.0 - np.exp(-rate_per_day * dt_real * self.speedup / 86400.0)
        return [ph for ph in self.phones
                if not ph.never_online and self.sim_t >= ph.off_until and ph.home is None
                and ph.rng.random() < p]

    def position(self, phone: Phone) -> tuple[float, float]:
        """A phone's true (noise-free) lon/lat now."""
        lon, lat = to_lonlat([phone.walker.position[0]], [phone.walker.position[1]])
        return float(lon[0]), float(lat[0])
