"""The ingest service behind both endpoints: find the device, validate fixes, store them."""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable, Sequence

import numpy as np

from api.errors import ApiError
from api.group_writer import GroupWriter, Job
from api.osmand import Reading
from data import devices
from data.db import Database
from data.positions import Fix, district_outline
from data.settings import Settings
from geo import track

DEVICE_TTL_S = 60.0
# A device registered a moment ago should work soon, so "unknown" is remembered briefly.
UNKNOWN_TTL_S = 5.0
DISTRICT_TTL_S = 300.0
CACHE_LIMIT = 20_000


class FixRejected(ApiError):
    """Some fixes failed validation; nothing was stored. ``errors`` lists each one."""

    def __init__(self, errors: list[dict]):
        first = errors[0]
        super().__init__(first["status"], first["error"], first["message"], first.get("field"))
        self.errors = errors


@dataclass(frozen=True)
class IngestResult:
    """What happened to a request's fixes."""

    received: int
    stored: int
    duplicates: int
    flagged: int
    skipped: int = 0


class TtlCache:
    """A small thread-safe cache whose entries expire (per process, never global)."""

    def __init__(self, clock: Callable[[], float]):
        self.clock, self.items, self.lock = clock, {}, threading.Lock()

    def get(self, key, load: Callable, ttl: float, ttl_if_none: float | None = None):
        now = self.clock()
        hit = self.items.get(key)
        if hit is not None and hit[1] > now:
            return hit[0]
        value = load()
        with self.lock:
            if len(self.items) >= CACHE_LIMIT:
                self.items.clear()
            life = ttl if value is not None or ttl_if_none is None else ttl_if_none
            self.items[key] = (value, now + life)
        return value


def _problem(index: int, status: int, code: str, message: str, field: str) -> dict:
    return {"index": index, "status": status, "error": code, "message": message, "field": field}


class Ingestor:
    """Validates and stores fixes for one server process.

    Parameters
    ----------
    db : Database
    settings : Settings
        ``max_accuracy_m`` (worse is stored flagged), ``timezone``, ``district_code``.
    clock : callable, optional
        Epoch seconds now; by default ``settings.clock``'s. Fixes are judged against it;
        the device cache ages by ``monotonic``, which no change of the wall clock can upset.
    monotonic : callable, optional
        Seconds of a clock that only moves forward (tests step it).
    """

    def __init__(self, db: Database, settings: Settings,
                 clock: Callable[[], float] | None = None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.db, self.settings = db, settings
        self.clock = clock or (lambda: settings.now().timestamp())
        self.cache = TtlCache(monotonic)
        self.writer = GroupWriter(db, settings, FixRejected)

    def device_by_key(self, key: str):
        """The active device a phone's identifier names, or None."""
        def load():
            with self.db.connect() as conn:
                return devices.find_device(conn, key)
        ref = self.cache.get(("key", key), load, DEVICE_TTL_S, UNKNOWN_TTL_S)
        return ref if ref is not None and ref.active else None

    def device_by_token(self, token: str):
        """The active device a bearer token belongs to, or None."""
        def load():
            with self.db.connect() as conn:
                return devices.find_device_by_token(conn, token)
        ref = self.cache.get(("token", devices.hash_token(token)), load, DEVICE_TTL_S,
                             UNKNOWN_TTL_S)
        return ref if ref is not None and ref.active else None

    def envelope(self):
        """The district grown by a few hundred metres (None until a district is loaded)."""
        def load():
            with self.db.connect() as conn:
                outline = district_outline(conn, self.settings.district_code)
            return None if outline is None else track.district_envelope(outline)
        return self.cache.get("district", load, DISTRICT_TTL_S, UNKNOWN_TTL_S)

    def _problems(self, located: list[tuple[int, Reading]], now: float, envelope) -> list[dict]:
        """Every reading's first broken rule, checked for the whole request at once."""
        rs = [r for _, r in located]
        lon, lat = np.array([r.lon for r in rs], float), np.array([r.lat for r in rs], float)
        t = np.array([r.time.timestamp() for r in rs])
        speed = np.array([np.nan if r.speed_mps is None else r.speed_mps for r in rs])
        off_earth = ~track.in_lonlat_range(lon, lat)
        outside = ~off_earth & ~track.inside_envelope(envelope, np.where(off_earth, 0.0, lon),
                                                      np.where(off_earth, 0.0, lat))
        checks = [  # in order: a reading reports only the first rule it breaks
            (off_earth, 400, "invalid_coordinates", "坐标无效 / {where} is not on the Earth", "lat"),
            (t > now + track.FUTURE_TOLERANCE_S, 422, "future_timestamp",
             "时间超前 / {when} is more than 5 minutes ahead of the server", "timestamp"),
            (t < now - track.MAX_AGE_S, 422, "stale_timestamp",
             "定位过旧 / {when} is more than 7 days old", "timestamp"),
            (outside, 422, "outside_district", "超出辖区 / {where} is far outside the district",
             "lat"),
            (speed > track.MAX_SPEED_MPS, 422, "impossible_speed",
             "速度异常 / reported speed {speed:.1f} m/s is impossible on foot or bicycle", "speed"),
        ]
        problems, seen = [], set()
        for mask, status, code, message, field in checks:
            for k in np.flatnonzero(mask):
                if k not in seen:
                    seen.add(k)
                    r = rs[k]
                    text = message.format(where=f"lat {r.lat}, lon {r.lon}",
                                          when=r.time.isoformat(), speed=speed[k])
                    problems.append(_problem(located[k][0], status, code, text, field))
        return sorted(problems, key=lambda p: p["index"])

    def _fix(self, device, r: Reading) -> Fix:
        battery = None if r.battery is None else int(round(min(max(r.battery, 0.0), 100.0)))
        poor = r.accuracy_m is not None and r.accuracy_m > self.settings.max_accuracy_m
        return Fix(device.id, device.user_id, r.time, r.lon, r.lat, r.speed_mps, r.bearing,
                   r.altitude, r.accuracy_m, battery, poor or not r.valid)

    def ingest(self, device, readings: Sequence[Reading]) -> IngestResult:
        """Validate all readings of one device and store them in one transaction, or none.

        Readings without a location are acknowledged and skipped (Traccar heartbeats).
        Raises FixRejected (4xx) listing every failing reading; nothing is written then.
        The write itself goes through the process's GroupWriter (group commit).
        """
        now = self.clock()
        stamp = datetime.fromtimestamp(now, timezone.utc)
        located = [(i, r if r.time else replace(r, time=stamp))
                   for i, r in enumerate(readings) if r.has_location]
        envelope = self.envelope() if located else None
        problems = self._problems(located, now, envelope) if located else []
        if problems:
            raise FixRejected(problems)
        if not located:
            return IngestResult(len(readings), 0, 0, 0, len(readings))
        located.sort(key=lambda item: item[1].time)
        job = Job(device.id, [self._fix(device, r) for _, r in located],
                  [math.nan if r.accuracy_m is None else r.accuracy_m for _, r in located],
                  [i for i, _ in located])
        stored, duplicates = self.writer.write(job)
        return IngestResult(len(readings), stored, duplicates, sum(f.flagged for f in job.fixes),
                            len(readings) - len(job.fixes))
