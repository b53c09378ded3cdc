"""The world's 下考上 rating rounds: each month, each street rates every department it dispatched to."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from workflow.clock import BEIJING

NOTES = ("响应及时，配合到位", "到场较慢，需加强沟通", "处置质量好", "回复不够及时", "态度认真")


def rating_rounds(incidents: pd.DataFrame, chiefs_by_street: dict[int, list[int]],
                  as_of: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """One rating per street, department and month the street dispatched work to it, given
    in the first days of the next month (a round not yet due by ``as_of`` is not there).

    Each department has its own standing (some are rated better than others, as in life)
    and each rating scatters around it; the same seed gives the same rounds.
    """
    done = incidents[(incidents["handled_by"] == "department") & incidents["dispatched_at"].notna()]
    local = pd.to_datetime(done["dispatched_at"], utc=True).dt.tz_convert(BEIJING)
    pairs = (pd.DataFrame({"street_id": done["street_id"].astype(int),
                           "department_id": done["department_id"].astype(int),
                           "month": local.dt.strftime("%Y-%m")})
             .drop_duplicates().sort_values(["month", "street_id", "department_id"]))
    depts = sorted(pairs["department_id"].unique())
    standing = dict(zip(depts, np.clip(rng.normal(82, 6, len(depts)), 60, 96)))
    rows = []
    for r in pairs.itertuples(index=False):
        year, mon = (int(x) for x in r.month.split("-"))
        first = datetime(year, mon, 1).date()
        after = datetime(year + mon // 12, mon % 12 + 1, 1).date()
        rated = datetime.combine(after, datetime.min.time(), tzinfo=BEIJING) + timedelta(
            days=int(rng.integers(0, 5)), hours=int(rng.integers(9, 17)))
        scores = np.clip(np.rint(standing[r.department_id] + rng.normal(0, 6, 3)), 40, 100)
        note = NOTES[int(rng.integers(len(NOTES)))] if rng.random() < 0.2 else None
        chief = int(rng.choice(chiefs_by_street[r.street_id]))
        if rated > as_of:
            continue
        rows.append((r.street_id, r.department_id, first, after, *map(int, scores), note,
                     chief, rated))
    return pd.DataFrame(rows, columns=["street_id", "department_id", "period_from", "period_to",
                                       "timeliness", "quality", "attitude", "note",
                                       "rated_by_id", "rated_at"])
