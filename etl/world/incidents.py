"""A year of incidents: what, where, from whom, and every lifecycle step up to as-of."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.world.places import HOTSPOT_KINDS
from etl.world.timeline import BEIJING, as_minutes, lognormal_minutes

SOURCES = np.array(["patrol", "hotline", "resident", "app", "superior", "petition"])
SOURCE_SHARES = np.array([0.62, 0.15, 0.09, 0.08, 0.04, 0.02])
# Base mix of level-2 categories; each street perturbs it (Dirichlet) so mixes differ.
BASE_MIX = {"0101": 8, "0102": 16, "0103": 5, "0104": 5, "0105": 9, "0106": 4, "0107": 4,
            "0201": 4, "0202": 5, "0203": 1, "0301": 6, "0302": 3, "0303": 3, "0304": 4,
            "0401": 4, "0402": 2, "0403": 3, "0404": 2, "0405": 2, "0501": 4, "0502": 1,
            "0503": 2, "0504": 3, "0505": 5}
HANDLERS = np.array(["department", "street", "community"])
HANDLER_SHARES = np.array([0.55, 0.30, 0.15])
REJECT_SHARE = 0.012
REOPEN_SHARE = 0.02


def categories_for(street_idx: np.ndarray, spot_kind: np.ndarray, months: np.ndarray,
                   n_streets: int, rng: np.random.Generator) -> np.ndarray:
    """A level-2 category per incident: the street's own mix, hot spots' typical ones."""
    codes = np.array(list(BASE_MIX))
    base = np.array(list(BASE_MIX.values()), float)
    mixes = rng.dirichlet(base / base.sum() * 60, n_streets)
    heating = codes == "0504"
    out = np.empty(len(street_idx), dtype=object)
    winter = np.isin(months, (11, 12, 1, 2, 3))
    for s in range(n_streets):
        for cold in (False, True):
            rows = np.flatnonzero((street_idx == s) & (winter == cold))
            p = mixes[s] * np.where(heating & cold, 4.0, 1.0)
            out[rows] = rng.choice(codes, len(rows), p=p / p.sum())
    for kind, typical in HOTSPOT_KINDS.items():
        rows = np.flatnonzero((spot_kind == kind) & (rng.random(len(out)) < 0.7))
        out[rows] = rng.choice(np.array(typical), len(rows))
    return out.astype(str)


def lifecycle(reported: np.ndarray, deadline_h: np.ndarray, as_of64: np.datetime64,
              rng: np.random.Generator) -> pd.DataFrame:
    """Every stage's time (NaT where not reached by as-of), status and reopen count."""
    n = len(reported)
    t = pd.DataFrame({"reported_at": reported})
    t["accepted_at"] = reported + lognormal_minutes(15, 0.8, n, rng)
    rejected = rng.random(n) < REJECT_SHARE
    t["dispatched_at"] = t["accepted_at"] + lognormal_minutes(40, 0.7, n, rng)
    t["deadline"] = t["dispatched_at"] + (deadline_h * 3600).astype("timedelta64[s]")
    t["started_at"] = t["dispatched_at"] + lognormal_minutes(120, 0.9, n, rng)
    work = rng.lognormal(np.log(0.33), 0.7, n) * deadline_h * 60
    t["resolved_at"] = t["started_at"] + as_minutes(work)
    reopened = (rng.random(n) < REOPEN_SHARE) & ~rejected
    t["reopened_at"] = pd.Series(t["resolved_at"] + lognormal_minutes(240, 0.6, n, rng)).where(reopened)
    again = t["reopened_at"] + as_minutes(work * 0.5)
    t["resolved_first"] = t["resolved_at"].where(reopened)
    t["resolved_at"] = again.where(reopened, t["resolved_at"])
    t["verified_at"] = t["resolved_at"] + lognormal_minutes(240, 0.6, n, rng)
    t["closed_at"] = t["verified_at"] + lognormal_minutes(30, 0.6, n, rng)
    t["rejected_at"] = t["accepted_at"].where(rejected)
    for col in ("dispatched_at", "deadline", "started_at", "resolved_at", "reopened_at",
                "resolved_first", "verified_at", "closed_at"):
        t[col] = t[col].where(~rejected)
    stages = ["reported_at", "accepted_at", "dispatched_at", "started_at", "resolved_first",
              "reopened_at", "resolved_at", "verified_at", "closed_at", "rejected_at"]
    for col in stages:
        t[col] = t[col].where(t[col] <= as_of64)
    # Resolved once and not reopened by as-of: that first resolution is the case's only one
    # so far (its status is resolved, so its resolved_at must be there).
    waiting = t["resolved_first"].notna() & t["reopened_at"].isna()
    t.loc[waiting, "resolved_at"] = t.loc[waiting, "resolved_first"]
    t.loc[waiting, "resolved_first"] = pd.NaT
    t["deadline"] = t["deadline"].where(t["dispatched_at"].notna())
    t["status"] = _status(t)
    t["reopen_count"] = t["reopened_at"].notna().astype(int)
    return t


def _status(t: pd.DataFrame) -> np.ndarray:
    status = np.full(len(t), "reported", dtype=object)
    # Later stages overwrite earlier ones: the last one reached is the status.
    for col, name in (("accepted_at", "accepted"), ("dispatched_at", "dispatched"),
                      ("started_at", "in_progress"), ("resolved_first", "resolved"),
                      ("reopened_at", "in_progress"), ("resolved_at", "resolved"),
                      ("verified_at", "verified"), ("closed_at", "closed"),
                      ("rejected_at", "rejected")):
        status[t[col].notna().to_numpy()] = name
    return status


def incident_codes(reported: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """HQ + Beijing date + "-" + the incident's id: the one format the API makes too
    (workflow.incidents.codes), written vectorised for a year of reports.
    """
    day = pd.Series(pd.to_datetime(reported).tz_localize("UTC").tz_convert(BEIJING).strftime("%Y%m%d"))
    return ("HQ" + day + "-" + pd.Series(np.asarray(ids)).astype(str)).to_numpy()
