"""Phones whose clock is off: recognised from arrival times, corrected, shown; backlogs are not."""
from datetime import UTC, datetime, timezone

import pytest
from sqlalchemy import text

from api.ingest.ingestor import Ingestor
from api.ingest.osmand import Reading
from tests.clock import SESSION_NOW
from tests.ingest_helpers import LAT, LON, M, aside, ingest_db, phone, stored  # noqa: F401

YEAR_S = 365 * 86400


class Phone:
    """A phone sending one fix per request to an ingestor whose clock the test moves."""

    def __init__(self, ingest_db, phone, skew_s: float = 0.0, start: float | None = None):
        settings, db, _ = ingest_db
        self.now = start if start is not None else SESSION_NOW.timestamp() - 3 * 3600
        self.ingestor = Ingestor(db, settings, clock=lambda: self.now)
        self.device = self.ingestor.device_by_key(phone["id"])
        self.skew, self.k = skew_s, 0

    def reading(self, taken: float) -> Reading:
        self.k += 1
        return Reading(time=datetime.fromtimestamp(taken + self.skew, UTC),
                       lat=LAT + (self.k % 50) * M, lon=LON, accuracy_m=5.0)

    def live(self, n: int, every: float = 10.0):
        """``n`` fixes, each sent as it is taken, ``every`` seconds apart."""
        results = []
        for _ in range(n):
            self.now += every
            results.append(self.ingestor.ingest(self.device, [self.reading(self.now - 0.2)]))
        return results

    def backlog(self, since: float, every: float = 10.0, drain: float = 0.05):
        """The fixes taken every ``every`` s since ``since`` while offline, sent oldest first,
        one per request, as fast as the network allows.
        """
        taken, results = since, []
        while taken < self.now:
            self.now += drain
            results.append(self.ingestor.ingest(self.device, [self.reading(taken)]))
            taken += every
        return results


def offset_of(ingest_db, phone):
    with ingest_db[1].connect() as conn:
        return conn.execute(text("select clock_offset_s, clock_checked_at from devices "
                                 "where id = :d"), {"d": phone["device"]}).one()


def fates(results):
    return [r.fixes[0]["result"] + (":" + r.fixes[0]["reason"] if "reason" in r.fixes[0] else "")
            for r in results]


@pytest.mark.parametrize("skew", [600.0, -YEAR_S])
def test_a_phone_whose_clock_is_off_is_measured_and_its_fixes_corrected(ingest_db, phone, skew):
    p = Phone(ingest_db, phone, skew)
    results = fates(p.live(12))
    doubt = "future_timestamp" if skew > 0 else "stale_timestamp"
    # Until enough fixes arrive at the pace they were taken, the offset is unknown.
    assert results[:3] == [f"set_aside:{doubt}"] * 3 and results[4:] == ["accepted"] * 8
    rows = stored(ingest_db, phone)
    with ingest_db[1].connect() as conn:
        raw = conn.execute(text("select device_time, raw_time from positions where device_id = :d "
                                "order by device_time"), {"d": phone["device"]}).all()
    for row in raw:
        # Stored at the server's time of the fix, the phone's own time kept beside it.
        assert abs(row.device_time.timestamp() - (row.raw_time.timestamp() - skew)) < 3
        assert row.device_time.timestamp() <= p.now
    assert len(rows) == len(raw) >= 8
    offset, checked = offset_of(ingest_db, phone)
    assert offset == pytest.approx(skew, abs=1.0) and checked.timestamp() <= p.now
    assert [r.reason for r in aside(ingest_db, phone)] == [doubt] * len(aside(ingest_db, phone))


def test_a_phone_two_minutes_fast_keeps_its_dot_moving(ingest_db, phone):
    """Journey 8: every fix acknowledged; once measured, each fix moves the dot forward."""
    p = Phone(ingest_db, phone, 120.0)
    results = fates(p.live(30))
    assert all(r in ("accepted", "set_aside:future_timestamp") for r in results)
    first = results.index("accepted")
    assert first <= 4 and results[first:] == ["accepted"] * (30 - first)
    times = [r.device_time.timestamp() for r in stored(ingest_db, phone)]
    assert times == sorted(times) and all(b - a > 5 for a, b in zip(times, times[1:]))
    with ingest_db[1].connect() as conn:
        latest = conn.execute(text("select device_time from latest_positions where device_id = :d"),
                              {"d": phone["device"]}).scalar_one()
    assert latest.timestamp() == times[-1] and abs(latest.timestamp() - p.now) < 5
    assert offset_of(ingest_db, phone).clock_offset_s == pytest.approx(120.0, abs=1.0)


def test_a_backlog_is_not_mistaken_for_a_slow_clock(ingest_db, phone):
    p = Phone(ingest_db, phone)
    p.live(6)
    went_offline = p.now
    p.now += 2 * 3600                                 # two hours without a network
    drained = p.backlog(went_offline + 10)
    after = p.live(6)
    assert fates(drained + after) == ["accepted"] * (len(drained) + 6)
    with ingest_db[1].connect() as conn:
        corrected = conn.execute(text("select count(*) from positions where device_id = :d "
                                      "and raw_time is not null"), {"d": phone["device"]}).scalar()
    assert corrected == 0 and len(drained) >= 720
    assert abs(offset_of(ingest_db, phone).clock_offset_s) < 2


def test_a_week_long_backlog_keeps_its_times_and_sets_aside_what_is_too_old(ingest_db, phone):
    p = Phone(ingest_db, phone, start=SESSION_NOW.timestamp() - 600)
    since = p.now - 8 * 86400
    # A week in a drawer: one fix every 10 minutes in the backlog, then back on patrol.
    drained = p.backlog(since, every=600.0)
    after = p.live(5)
    results = fates(drained)
    old = sum(1 for k in range(len(drained)) if since + 600 * k < p.now - 7 * 86400 - 1)
    assert results[:old - 1] == ["set_aside:stale_timestamp"] * (old - 1)
    assert results[old + 1:] == ["accepted"] * (len(drained) - old - 1)
    assert fates(after) == ["accepted"] * 5
    with ingest_db[1].connect() as conn:
        corrected = conn.execute(text("select count(*) from positions where device_id = :d "
                                      "and raw_time is not null"), {"d": phone["device"]}).scalar()
    assert corrected == 0


def test_a_retried_corrected_fix_is_stored_once(ingest_db, phone):
    p = Phone(ingest_db, phone, 600.0)
    p.live(8)
    reading = p.reading(p.now + 10)
    p.now += 10
    first = p.ingestor.ingest(p.device, [reading])
    p.now += 30                                       # the phone did not get the answer
    again = p.ingestor.ingest(p.device, [reading])
    assert fates([first, again]) == ["accepted", "duplicate"]


def test_a_restarted_server_applies_the_offset_it_stored(ingest_db, phone):
    p = Phone(ingest_db, phone, 600.0)
    p.live(8)
    restarted = Phone(ingest_db, phone, 600.0, start=p.now)
    restarted.k = p.k
    assert fates(restarted.live(1)) == ["accepted"]
