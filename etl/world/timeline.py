"""When incidents happen: daily counts with weekly and seasonal rhythm, and times of day."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd

BEIJING = timezone(timedelta(hours=8))
PER_YEAR = 290_000
WEEKDAY = np.array([1.10, 1.08, 1.06, 1.06, 1.04, 0.84, 0.82])   # Monday first
# Reports follow the working day: patrols 08:00-17:30, the hotline into the evening.
HOURS = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 1.6, 4.6, 7.2, 8.0, 7.0, 4.0, 3.8,
                  6.4, 7.4, 6.8, 4.8, 2.4, 1.8, 1.4, 1.0, 0.6, 0.3])


def year_days(as_of: datetime) -> pd.DatetimeIndex:
    """The 365 Beijing-time days ending with the day of ``as_of``."""
    end = as_of.astimezone(BEIJING).date()
    return pd.date_range(end=pd.Timestamp(end), periods=365, freq="D", tz=BEIJING)


def report_times(as_of: datetime, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Report times (UTC, datetime64[ns]) for one year up to ``as_of``, sorted.

    Parameters
    ----------
    as_of : datetime
        Timezone-aware end of the history.
    scale : float
        1 for Hongqiao's ~290,000 reports a year.
    rng : Generator

    Returns
    -------
    ndarray of datetime64[ns]
    """
    days = year_days(as_of)
    doy = days.day_of_year.to_numpy()
    seasonal = 1 + 0.15 * np.sin(2 * np.pi * (doy - 110) / 365)
    rate = WEEKDAY[days.day_of_week.to_numpy()] * seasonal
    rate = rate / rate.mean() * PER_YEAR * scale / 365
    counts = rng.poisson(rate)
    day_start = np.repeat(days.tz_convert("UTC").tz_localize(None).to_numpy(), counts)
    hour = rng.choice(24, counts.sum(), p=HOURS / HOURS.sum())
    seconds = hour * 3600 + rng.integers(0, 3600, counts.sum())
    times = day_start + seconds.astype("timedelta64[s]")
    cutoff = np.datetime64(as_of.astimezone(UTC).replace(tzinfo=None), "ns")
    return np.sort(times[times <= cutoff])


def lognormal_minutes(median_min: float, sigma: float, n: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Durations as timedelta64[s] with the given median (minutes) and log-spread."""
    return as_minutes(rng.lognormal(np.log(median_min), sigma, n))


def as_minutes(minutes: np.ndarray) -> np.ndarray:
    """Float minutes as timedelta64[s]."""
    return (np.asarray(minutes) * 60).astype("int64").astype("timedelta64[s]")
