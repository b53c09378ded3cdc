"""The ingest service behind both endpoints: find the device, judge its fixes, store them (doubtful ones aside)."""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from api.errors import ApiError
from api.ingest.group_writer import GroupWriter, Job
from api.ingest.osmand import Reading
from data import devices
from data.db import Database
from data.positions import Fix, district_outline
from data.settings import Settings
from geo import screening, track
from geo.clock_skew import ClockWatch
from workflow.devices.identifiers import is_strong

DEVICE_TTL_S = 60.0
# A device registered a moment ago should work soon, so "unknown" is remembered briefly.
UNKNOWN_TTL_S = 5.0
DISTRICT_TTL_S = 300.0
CACHE_LIMIT = 20_000
# A device's measured clock offset is written when it changes, and at least this often
# (seconds) so that operators see when it was last measured.
CLOCK_STORE_S = 600.0


class FixRejected(ApiError):
    """Some fixes cannot be read as positions at all (off the Earth); nothing was stored.

    ``errors`` lists each one. A doubtful but readable fix is never refused: it is set aside.
    """

    def __init__(self, errors: list[dict]):
        first = errors[0]
        super().__init__(first["status"], first["error"], first["message"], first.get("field"))
        self.errors = errors


@dataclass(frozen=True)
class IngestResult:
    """What happened to a request's fixes: counts, and each reading's fate in order
    (``{"index", "result": accepted | set_aside | duplicate | skipped, "reason"}``).
    """

    received: int
    stored: int
    duplicates: int
    set_aside: int
    skipped: int = 0
    fixes: tuple = ()

    @property
    def flagged(self) -> int:
        """The earlier name of ``set_aside`` (answers keep it for old clients)."""
        return self.set_aside


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


def _off_earth(located: list[tuple[int, Reading]]) -> list[dict]:
    if len(located) == 1:
        ok = [track.in_lonlat_range(located[0][1].lon, located[0][1].lat)]
    else:      # one vectorised test: per fix it would cost milliseconds on a 1,000-fix batch
        ok = track.in_lonlat_range([r.lon for _, r in located], [r.lat for _, r in located])
    return [{"index": i, "status": 400, "error": "invalid_coordinates",
             "message": f"坐标无效 / lat {r.lat}, lon {r.lon} is not on the Earth", "field": "lat"}
            for (i, r), good in zip(located, ok) if not good]


class Ingestor:
    """Decides and stores fixes for one server process.

    Parameters
    ----------
    db : Database
    settings : Settings
        ``max_accuracy_m`` (worse is set aside), ``timezone``, ``district_code``,
        ``production`` (weak device identifiers are not accepted).
    clock : callable, optional
        Epoch seconds now; by default ``settings.clock``'s. Fixes are judged against it and
        it is each request's arrival time for the clock-offset measure; the device cache
        ages by ``monotonic``, which no change of the wall clock can upset.
    monotonic : callable, optional
        Seconds of a clock that only moves forward (tests step it).
    """

    def __init__(self, db: Database, settings: Settings,
                 clock: Callable[[], float] | None = None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.db, self.settings = db, settings
        self.clock = clock or (lambda: settings.now().timestamp())
        self.cache = TtlCache(monotonic)
        self.writer = GroupWriter(db, settings)
        self.watches: dict[int, ClockWatch] = {}
        self.watch_lock = threading.Lock()

    def device_by_key(self, key: str):
        """The active device a phone's identifier names, or None.

        In production an identifier that could be guessed (short, sequential) names nothing,
        without a database read: listing ids by trying them learns nothing either way.
        """
        if self.settings.production and not is_strong(key):
            return None

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

    def envelope(self, district_code: str | None = None):
        """The district grown by a few hundred metres (None until a district is loaded).

        One per district, cached for the process: a device's fixes are judged against its
        worker's district (``district_code``; the home district when None).
        """
        code = district_code or self.settings.district_code

        def load():
            with self.db.connect() as conn:
                outline = district_outline(conn, code)
            return None if outline is None else track.district_envelope(outline)
        return self.cache.get(("district", code), load, DISTRICT_TTL_S, UNKNOWN_TTL_S)

    def _clock(self, device, now: float, newest: float | None):
        """The device's clock watch after this request's sample, and an offset to store."""
        with self.watch_lock:
            watch = self.watches.get(device.id)
            if watch is None:
                if len(self.watches) >= CACHE_LIMIT:
                    self.watches.clear()
                watch = self.watches[device.id] = ClockWatch(device.clock_offset_s)
            changed = newest is not None and watch.observe(now, newest)
            store = None
            if watch.estimate is not None and (changed or now - watch.stored_at > CLOCK_STORE_S):
                watch.stored_at = now
                store = (watch.estimate, datetime.fromtimestamp(now, UTC))
            return watch.applied, store

    def ingest(self, device, readings: Sequence[Reading]) -> IngestResult:
        """Store all readings of one device in one transaction: trusted or set aside.

        Readings without a location are acknowledged and skipped (Traccar heartbeats).
        Raises FixRejected (400) when a reading is off the Earth; nothing is written then.
        The write itself goes through the process's GroupWriter (group commit).
        """
        now = self.clock()
        located = [(i, r) for i, r in enumerate(readings) if r.has_location]
        problems = _off_earth(located)
        if problems:
            raise FixRejected(problems)
        if not located:
            return IngestResult(len(readings), 0, 0, 0, len(readings),
                                tuple({"index": i, "result": "skipped"} for i in range(len(readings))))
        timed = [r.time.timestamp() for _, r in located if r.time is not None]
        offset, store = self._clock(device, now, max(timed) if timed else None)
        raw = [r.time.timestamp() if r.time is not None else now for _, r in located]
        t = [x - offset if r.time is not None else x for x, (_, r) in zip(raw, located)]
        rs = [r for _, r in located]
        district = device.district_code or self.settings.district_code
        why = screening.reasons(t, [r.lon for r in rs], [r.lat for r in rs],
                                [r.accuracy_m for r in rs], [r.speed_mps for r in rs],
                                [r.valid for r in rs], [r.mock for r in rs], now,
                                self.envelope(district), self.settings.max_accuracy_m)
        order = sorted(range(len(rs)), key=lambda k: t[k])
        fixes = [self._fix(device, rs[k], t[k], raw[k] if offset and rs[k].time else None, why[k])
                 for k in order]
        job = Job(device.id, fixes, [math.nan if rs[k].accuracy_m is None else rs[k].accuracy_m
                                     for k in order], [located[k][0] for k in order], store,
                  district)
        return _result(readings, job.indexes, self.writer.write(job))

    def _fix(self, device, r: Reading, t: float, raw: float | None, reason: str | None) -> Fix:
        battery = None if r.battery is None else int(round(min(max(r.battery, 0.0), 100.0)))
        # Uncorrected, the phone's own datetime is the fix's (no float round trip).
        when = r.time if raw is None and r.time is not None else datetime.fromtimestamp(t, UTC)
        return Fix(device.id, device.user_id, when, r.lon, r.lat, r.speed_mps, r.bearing,
                   r.altitude, r.accuracy_m, battery, False,
                   None if raw is None else r.time, reason)


def _result(readings: Sequence[Reading], indexes: list[int], fates: list) -> IngestResult:
    fixes = {i: {"index": i, "result": "skipped"} for i in range(len(readings))}
    for i, (fate, reason) in zip(indexes, fates):
        fixes[i] = {"index": i, "result": fate, **({"reason": reason} if reason else {})}
    counts = {"accepted": 0, "set_aside": 0, "duplicate": 0, "skipped": 0}
    for item in fixes.values():
        counts[item["result"]] += 1
    return IngestResult(len(readings), counts["accepted"], counts["duplicate"],
                        counts["set_aside"], counts["skipped"],
                        tuple(fixes[i] for i in range(len(readings))))
