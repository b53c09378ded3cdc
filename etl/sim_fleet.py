"""The simulated phones: grid workers walking their beats, with jitter, gaps, dead batteries."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from geo.patrol import LatticeWalker, to_lonlat
from geo.track import KNOT_MPS, MAX_SPEED_MPS

# Sim-time hazards per hour and their durations (minutes): a phone in a pocket indoors or
# in a stairwell (gap: fixes are buffered and sent later, as Traccar Client does), and a
# phone switched off (offline: nothing is recorded).
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
    off_until: float = 0.0
    gap_until: float = 0.0
    buffered: list = field(default_factory=list)
    heading: float = 0.0


def make_phone(patroller, grid_metric, seed: int) -> Phone:
    """A phone for one roster entry; its random stream depends only on (seed, user id)."""
    rng = np.random.default_rng([seed, patroller.user_id])
    walker = LatticeWalker(grid_metric, rng)
    return Phone(patroller.device_id, patroller.user_id, patroller.grid_id, walker, rng,
                 battery=float(rng.uniform(55, 100)), drain=float(rng.uniform(*DRAIN_PER_HOUR)),
                 never_online=bool(rng.random() < NEVER_ONLINE_SHARE))


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
        phone.buffered.clear()
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
        pace so fixes stay plausible to the server (timestamps are always real).
    """

    def __init__(self, phones: list[Phone], speedup: float = 1.0):
        self.phones, self.speedup, self.sim_t = phones, float(speedup), 0.0
        self.walk_speedup = min(self.speedup, MAX_WALK_SPEEDUP)

    def tick(self, now: float, dt_real: float) -> dict[str, list[dict]]:
        """Advance every phone by ``dt_real`` real seconds; returns what each must send now.

        Returns
        -------
        dict of device id to a list of OsmAnd parameter dicts, oldest first
        """
        dt_sim = dt_real * self.speedup
        self.sim_t += dt_sim
        moves = [p.walker.position for p in self.phones]
        after = [p.walker.advance(dt_real * self.walk_speedup) for p in self.phones]
        raw = [_noisy_fix(p, *xy, xy[0] - m[0], xy[1] - m[1], dt_real)
               for p, xy, m in zip(self.phones, after, moves)]
        lon, lat = to_lonlat([r[0] for r in raw], [r[1] for r in raw])
        due = {}
        for i, phone in enumerate(self.phones):
            if not _update_power(phone, self.sim_t, dt_sim):
                continue
            fix = {"id": phone.device_id, "timestamp": int(now), "lat": f"{lat[i]:.7f}",
                   "lon": f"{lon[i]:.7f}", "speed": f"{raw[i][3] / KNOT_MPS:.2f}",
                   "bearing": f"{phone.heading:.1f}", "altitude": ALTITUDE_M,
                   "accuracy": f"{raw[i][2]:.1f}", "batt": f"{phone.battery:.0f}"}
            phone.buffered.append(fix)
            if self.sim_t < phone.gap_until:
                continue
            if _hazard(phone.rng, GAP_PER_HOUR, dt_sim):
                phone.gap_until = self.sim_t + 60 * phone.rng.uniform(*GAP_MINUTES)
                continue
            due[phone.device_id], phone.buffered = phone.buffered, []
        return due

    def incidents(self, dt_real: float, rate_per_day: float) -> list[Phone]:
        """The phones whose worker reports an incident this tick (Poisson, per worker)."""
        p = 1.0 - np.exp(-rate_per_day * dt_real * self.speedup / 86400.0)
        return [ph for ph in self.phones
                if not ph.never_online and self.sim_t >= ph.off_until and ph.rng.random() < p]

    def position(self, phone: Phone) -> tuple[float, float]:
        """A phone's true (noise-free) lon/lat now."""
        lon, lat = to_lonlat([phone.walker.position[0]], [phone.walker.position[1]])
        return float(lon[0]), float(lat[0])
