"""The event log of the generated incidents: one row per transition, with its actor."""
from __future__ import annotations

import numpy as np
import pandas as pd

# (time column, action, from status, to status, who acted)
STEPS = (
    ("reported_at", "report", None, "reported", "reporter"),
    ("accepted_at", "accept", "reported", "accepted", "operator"),
    ("rejected_at", "reject", "accepted", "rejected", "operator"),
    ("dispatched_at", "dispatch", "accepted", "dispatched", "operator"),
    ("started_at", "start", "dispatched", "in_progress", "handler"),
    ("resolved_first", "resolve", "in_progress", "resolved", "handler"),
    ("reopened_at", "reopen", "resolved", "reopened", "verifier"),
    ("reopened_at", "start", "reopened", "in_progress", "handler"),
    ("resolved_at", "resolve", "in_progress", "resolved", "handler"),
    ("verified_at", "verify", "resolved", "verified", "verifier"),
    ("closed_at", "close", "verified", "closed", "operator"),
)
NOTES = {"report": "", "accept": "已受理", "reject": "重复上报，不予立案", "dispatch": "按类别派遣",
         "start": "已到场处置", "resolve": "处置完毕", "reopen": "核查未通过，退回重办",
         "verify": "核查属实，已整改", "close": "结案"}


def incident_events(incidents: pd.DataFrame, actors: dict[str, np.ndarray]) -> pd.DataFrame:
    """Events for every stage an incident reached, ordered by incident and time.

    Parameters
    ----------
    incidents : DataFrame
        With the lifecycle time columns, ``id`` and ``department_id``.
    actors : dict
        Per-incident actor user ids for "reporter", "operator", "handler", "verifier"
        (-1 where nobody in particular: a citizen on the hotline).
    """
    frames = []
    for order, (col, action, before, after, who) in enumerate(STEPS):
        reached = incidents[col].notna().to_numpy()
        if not reached.any():
            continue
        frames.append(pd.DataFrame({
            "incident_id": incidents["id"].to_numpy()[reached],
            "at": incidents[col].to_numpy()[reached],
            "actor_id": actors[who][reached],
            "action": action, "from_status": before, "to_status": after,
            "department_id": incidents["department_id"].to_numpy()[reached]
            if action == "dispatch" else None,
            "note": NOTES[action], "order": order,
        }))
    events = pd.concat(frames, ignore_index=True)
    # Same-second steps (reopen then start) keep their logical order.
    events = events.sort_values(["incident_id", "at", "order"], kind="stable")
    events["actor_id"] = events["actor_id"].where(events["actor_id"] >= 0).astype("Int64")
    events["department_id"] = pd.array(events["department_id"], dtype="Int64")
    events.insert(0, "id", np.arange(1, len(events) + 1))
    return events.drop(columns="order")
