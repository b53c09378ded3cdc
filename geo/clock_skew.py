"""A phone's clock offset, measured from when its fixes say they were taken and when they arrived.

Each request gives one sample: the server's arrival time ``a`` and the phone's time ``d`` of
its newest fix. ``d - a`` (the lead) is the clock offset minus the delivery delay, and the
delay is never negative, so a lead alone cannot tell a slow clock from a fix sent late.
A *live* pair tells: two consecutive samples whose phone times advance as fast as the
arrivals (a phone sending each fix as it takes it). A buffered backlog drains many fixes a
second and a retried fix does not advance at all, so neither makes live pairs. The offset is
the median lead of the live pairs in the last few samples, trusted once enough of them agree.
A small offset is shown but not applied; a large one moves every later fix (the raw time is
kept), with some hysteresis so that a phone's retried fix gets the same corrected time.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from statistics import median

WINDOW = 12
# Consecutive samples this far apart in arrival count as a pair (a phone sends every few
# seconds to a few minutes).
PAIR_MIN_S, PAIR_MAX_S = 2.0, 900.0
# How much the phone's time may differ from the arrivals' over a live pair (network jitter).
LIVE_SLACK_S, LIVE_SLACK_SHARE = 2.0, 0.05
MIN_LIVE = 3
AGREE_S = 5.0
# Offsets smaller than this are reported, not applied: fixes that close are trustworthy as
# they are, and screening sets aside only fixes further ahead (geo.screening.FUTURE_GRACE_S).
APPLY_MIN_S = 30.0
HYSTERESIS_S = 2.0


@dataclass
class ClockWatch:
    """The clock of one phone, as seen by one server process.

    Parameters
    ----------
    estimate : float, optional
        A measured offset to start from (the one stored for the device), in seconds.
    """

    estimate: float | None = None
    applied: float = 0.0
    samples: deque = field(default_factory=lambda: deque(maxlen=WINDOW))
    # When the estimate was last written down (the caller's bookkeeping, server seconds).
    stored_at: float = float("-inf")

    def __post_init__(self) -> None:
        if self.estimate is not None and abs(self.estimate) >= APPLY_MIN_S:
            self.applied = float(self.estimate)

    def live_leads(self) -> list[float]:
        """The leads (phone minus server, seconds) of the live pairs in the window."""
        leads, prev = [], None
        for a, d in self.samples:
            if prev is not None:
                da, dd = a - prev[0], d - prev[1]
                if PAIR_MIN_S <= da <= PAIR_MAX_S and abs(dd - da) <= LIVE_SLACK_S + LIVE_SLACK_SHARE * da:
                    leads.append(d - a)
            prev = (a, d)
        return leads

    def observe(self, arrival: float, device_time: float) -> bool:
        """Add one request's sample; True when the estimate changed enough to be kept.

        Parameters
        ----------
        arrival : float
            Epoch seconds of the server clock when the request arrived.
        device_time : float
            Epoch seconds the phone gave its newest fix in the request.

        Returns
        -------
        bool
        """
        if self.samples and arrival < self.samples[-1][0]:
            self.samples.clear()        # the server clock went back: start again
        self.samples.append((arrival, device_time))
        leads = self.live_leads()
        if len(leads) < MIN_LIVE:
            return False
        middle = median(leads)
        if sum(abs(x - middle) <= AGREE_S for x in leads) < MIN_LIVE:
            return False
        changed = self.estimate is None or abs(middle - self.estimate) > 1.0
        self.estimate = middle
        target = middle if abs(middle) >= APPLY_MIN_S else 0.0
        if abs(target - self.applied) > HYSTERESIS_S:
            self.applied = target
        return changed

    def correct(self, device_time: float) -> float:
        """The server-clock time of a fix the phone stamped ``device_time``."""
        return device_time - self.applied
