"""The world's 下考上 rating rounds: each month, each street rates every department it dispatched to."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

# A note agrees with its scores: praise for a good rating, a complaint for a poor one.
PRAISE = ("响应及时，配合到位", "处置质量好", "态度认真")
COMPLAINT = ("到场较慢，需加强沟通", "回复不够及时", "处置不够彻底")


def rating_rounds(incidents: pd.DataFrame, chiefs_by_street: dict[int, list[int]],
                  as_of: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """One rating per street, department and month the street dispatched work to it, given
    in the first days of the next month (a round not yet due by ``as_of`` is not there).

    Each department has its own standing (some are rated better than others, as in life)
    and each rating scatters around it; the same seed gives the same rounds.
    """
    done = incidents[(incidents["handled_by"] == "department") & incidents["dispatched_at"].notna()]
    # Beijing months by arithmetic on the instants (UTC+8, no summer time): formatting
    # 290,000 timestamps as text took seconds of the load.
    utc = pd.to_datetime(done["dispatched_at"], utc=True).dt.tz_localize(None).to_numpy()
    months = (utc + np.timedelta64(8, "h")).astype("datetime64[M]")
    pairs = (pd.DataFrame({"street_id": done["street_id"].to_numpy().astype(int),
                           "department_id": done["department_id"].to_numpy().astype(int),
                           "month": months.astype(str)})
             .drop_duplicates().sort_values(["month", "street_id", "department_id"]))
    depts = sorted(pairs["department_id"].unique())
    standing = dict(zip(depts, np.clip(rng.normal(82, 6, len(depts)), 60, 96)))
    n = len(pairs)
    # Drawn all at once (a draw per row took seconds of the load).
    first = pairs["month"].to_numpy().astype("datetime64[M]")
    after = first + np.timedelta64(1, "M")
    rated = (pd.to_datetime(after.astype("datetime64[D]")) - pd.Timedelta(hours=8)
             + pd.to_timedelta(rng.integers(0, 5, n), unit="D")
             + pd.to_timedelta(rng.integers(9, 17, n), unit="h")).tz_localize("UTC")
    base = pairs["department_id"].map(standing).to_numpy()[:, None]
    scores = np.clip(np.rint(base + rng.normal(0, 6, (n, 3))), 40, 100).astype(int)
    mean = scores.mean(axis=1)
    which = rng.integers(3, size=n)
    notes = np.where(mean >= 85, np.array(PRAISE, dtype=object)[which],
                     np.where(mean < 75, np.array(COMPLAINT, dtype=object)[which], None))
    notes = np.where(rng.random(n) < 0.3, notes, None)
    pick = rng.random(n)
    chief = [chiefs_by_street[s][int(p * len(chiefs_by_street[s]))]
             for s, p in zip(pairs["street_id"], pick)]
    out = pd.DataFrame({"street_id": pairs["street_id"].to_numpy(),
                        "department_id": pairs["department_id"].to_numpy(),
                        "period_from": first.astype("datetime64[D]").astype(object),
                        "period_to": after.astype("datetime64[D]").astype(object),
                        "timeliness": scores[:, 0], "quality": scores[:, 1],
                        "attitude": scores[:, 2], "note": notes, "rated_by_id": chief,
                        "rated_at": rated})
    # A round not yet due by as_of is not there.
    return out[out["rated_at"] <= pd.Timestamp(as_of)].reset_index(drop=True)
