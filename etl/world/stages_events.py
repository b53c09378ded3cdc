"""The world's event stages: a year of incidents with their log, and the whistles."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from etl.world import incidents as incident_world
from etl.world.duplicates import plant
from etl.world.frames import nullable_int, with_point
from etl.world.incident_events import incident_events
from etl.world.places import hotspots, place_incidents
from etl.world.rating_rounds import rating_rounds
from etl.world.stages import WorldState
from etl.world.timeline import report_times
from etl.world.whistles import Staff, whistles

TIME_COLUMNS = ("reported_at", "accepted_at", "dispatched_at", "started_at", "resolved_at",
                "verified_at", "closed_at", "rejected_at", "deadline")


def stage_incidents(conn: Connection, st: WorldState) -> pd.DataFrame:
    rng = st.rng(5)
    g = st.geo.grids
    as_of64 = np.datetime64(pd.Timestamp(st.as_of).tz_convert("UTC").tz_localize(None), "ns")
    times = report_times(st.as_of, st.scale, rng)
    population = g["population"].to_numpy(float) + 1
    spots = hotspots(st.grids_metric, population, max(6, int(28 * min(1, st.scale * 4))), rng)
    lon, lat, grid_idx, spot = place_incidents(times, as_of64, st.grids_metric, population,
                                               spots, st.geo.outline_metric, rng)
    frame = pd.DataFrame({"id": np.arange(1, len(times) + 1), "lon": lon, "lat": lat})
    frame["grid_id"] = g["id"].to_numpy()[grid_idx]
    frame["community_id"] = g["community_id"].to_numpy()[grid_idx]
    frame["street_id"] = g["street_id"].to_numpy()[grid_idx]
    spot_kind = np.where(spot >= 0, spots.kind[np.maximum(spot, 0)], "")
    months = pd.DatetimeIndex(times).month.to_numpy()
    frame["category_code"] = incident_world.categories_for(g["street_idx"].to_numpy()[grid_idx], spot_kind,
                                                months, len(st.geo.streets), rng)
    frame["source"] = rng.choice(incident_world.SOURCES, len(frame), p=incident_world.SOURCE_SHARES)
    frame["handled_by"] = rng.choice(incident_world.HANDLERS, len(frame), p=incident_world.HANDLER_SHARES)
    cats = st.categories.set_index("code")
    dept_id = dict(zip(st.departments["code"], st.departments["id"]))
    frame["department_id"] = nullable_int(frame["category_code"].map(cats["department_code"])
                                          .map(dept_id).where(frame["handled_by"] == "department"))
    deadline_h = frame["category_code"].map(cats["deadline_hours"].astype(float)).to_numpy()
    life = incident_world.lifecycle(times, deadline_h, as_of64, rng)
    frame = pd.concat([frame, life], axis=1)
    frame["handled_by"] = frame["handled_by"].where(frame["dispatched_at"].notna())
    frame["department_id"] = frame["department_id"].where(frame["dispatched_at"].notna())
    actors = _actors(frame, st, rng)
    frame["reporter_id"] = nullable_int(np.where(actors["reporter"] >= 0, actors["reporter"], -1))
    frame["reporter_id"] = frame["reporter_id"].where(frame["reporter_id"] >= 0)
    n = len(frame)
    phones = np.char.add(np.char.add("1", rng.integers(30, 90, n).astype(str)),
                         np.char.add("****", rng.integers(1000, 9999, n).astype(str)))
    frame["reporter_contact"] = np.where(frame["source"].isin(["hotline", "resident"]), phones,
                                         None)
    names = g.set_index("id")["name_zh"]
    cat_names = cats["name_zh"]
    frame["address"] = frame["grid_id"].map(names).to_numpy()
    frame["description"] = (frame["address"] + "发现" + frame["category_code"].map(cat_names)
                            + "问题")
    frame["code"] = incident_world.incident_codes(times, frame["id"].to_numpy())
    events = incident_events(frame, actors)
    # Its own stream, appended after every other row: planting changes nothing else.
    planted = plant(frame, st.geo.grids, as_of64, st.rng(9), len(frame) + 1)
    if not planted.empty:
        planted["code"] = incident_world.incident_codes(
            planted["reported_at"].to_numpy("datetime64[ns]"), planted["id"].to_numpy())
        events = pd.concat([events, _report_events(planted, len(events) + 1)],
                           ignore_index=True)
    _write_incidents(st, pd.concat([frame, planted], ignore_index=True))
    st.writer.copy("incident_events", events)
    st.counts.update(incidents=len(frame) + len(planted), incident_events=len(events),
                     planted_duplicates=len(planted))
    return frame


def _report_events(planted: pd.DataFrame, first_id: int) -> pd.DataFrame:
    """The one event of each planted report: a resident's call, taken by nobody yet."""
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + len(planted)), "incident_id": planted["id"],
        "at": planted["reported_at"], "actor_id": pd.array([None] * len(planted), "Int64"),
        "action": "report", "from_status": None, "to_status": "reported",
        "department_id": pd.array([None] * len(planted), "Int64"), "note": ""})


def _actors(frame: pd.DataFrame, st: WorldState, rng) -> dict[str, np.ndarray]:
    users = st.users
    n = len(frame)
    workers = users[users["role"] == "grid_worker"]
    # Patrol reports come from one of the grid's own workers, picked uniformly.
    workers = workers.sort_values(["grid_id", "id"])
    grid_ids = workers["grid_id"].astype(int).to_numpy()
    first = pd.Series(np.arange(len(workers))).groupby(grid_ids).min()
    count = pd.Series(grid_ids).value_counts()
    gid = frame["grid_id"].to_numpy()
    offset = (rng.random(n) * count.reindex(gid).to_numpy()).astype(int)
    reporter = workers["id"].to_numpy()[first.reindex(gid).to_numpy() + offset]
    reporter = np.where(frame["source"].to_numpy() == "patrol", reporter, -1)
    operators = users.loc[users["role"] == "operator", "id"].to_numpy()
    officer = users[users["role"] == "dept_officer"].set_index("department_id")["id"]
    chief = users[users["role"] == "community_chief"].set_index("community_id")["id"]
    handler = frame["department_id"].map(officer).fillna(frame["community_id"].map(chief))
    operator = rng.choice(operators, n)
    verifier = np.where(reporter >= 0, reporter, operator)
    return {"reporter": reporter, "operator": operator,
            "handler": handler.fillna(-1).astype(int).to_numpy(), "verifier": verifier}


def _write_incidents(st: WorldState, frame: pd.DataFrame) -> None:
    cols = ["id", "code", "street_id", "community_id", "grid_id", "category_code", "source",
            "status", "handled_by", "department_id", "reporter_id", "reporter_contact",
            "address", "description", "reopen_count", "lon", "lat", *TIME_COLUMNS]
    out = frame.reindex(columns=cols + ["idempotency_key"]).copy()
    out["department_id"] = nullable_int(out["department_id"])
    out["reporter_id"] = nullable_int(out["reporter_id"])
    out["updated_at"] = out["closed_at"].fillna(out["reported_at"])
    st.writer.copy("incidents", with_point(out))


def stage_whistles(conn: Connection, st: WorldState, incidents: pd.DataFrame) -> None:
    users = st.users
    chiefs = users[users["role"] == "street_chief"].groupby("street_id")["id"].apply(list)
    staff = Staff(chiefs_by_street={int(k): v for k, v in chiefs.items()},
                  leaders=users.loc[users["role"] == "district_leader", "id"].tolist(),
                  dept_ids=dict(zip(st.departments["code"], st.departments["id"])),
                  category_dept=dict(zip(st.categories["code"], st.categories["department_code"])))
    dingzigu = int(st.geo.streets.loc[st.geo.streets["name_zh"] == "丁字沽街道", "id"].iloc[0])
    tables = whistles(incidents, staff, dingzigu, st.rng(6))
    w = tables["whistles"]
    w["parent_id"] = nullable_int(w["parent_id"])
    st.writer.copy("whistles", with_point(w))
    st.writer.copy("whistle_incidents", tables["links"])
    s = tables["summons"]
    s["department_id"] = nullable_int(s["department_id"])
    s["leader_id"] = nullable_int(s["leader_id"])
    st.writer.copy("whistle_summons", s)
    e = tables["events"]
    st.writer.copy("whistle_events", e.assign(actor_id=nullable_int(e["actor_id"]),
                                                department_id=nullable_int(e["department_id"])))
    st.counts.update(whistles=len(w), second_whistles=int((w["level"] == 2).sum()))
    # Its own stream (9): the rounds never shift what the other stages draw.
    rounds = rating_rounds(incidents, staff.chiefs_by_street, st.as_of, st.rng(9))
    st.writer.copy("street_ratings", rounds)
    st.counts.update(street_ratings=len(rounds))
