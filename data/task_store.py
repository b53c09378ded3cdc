"""Field tasks in PostGIS: the nearest on-duty workers, offer, pass on, accept, complete."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, text

LIVE = "('offered', 'accepted', 'unassigned')"

# Workers of the case's grid first, then of its community; each by distance from their
# newest fix, which must be recent (on duty now). Workers already passed over are skipped.
NEAREST_SQL = text("""
    select u.id as user_id, wg.grid_id = i.grid_id as own_grid,
           ST_DistanceSphere(lp.geom, i.geom) as distance_m
    from incidents i
    join grids g on g.community_id = i.community_id
    join worker_grids wg on wg.grid_id = g.id
    join users u on u.id = wg.user_id and u.active and u.role = 'grid_worker'
    join lateral (select l.geom, l.device_time from latest_positions l
                  where l.user_id = u.id order by l.device_time desc limit 1) lp on true
    where i.id = :incident_id and lp.device_time > :since and lp.device_time <= :now
      and u.id <> all(:skip)
    order by own_grid desc, distance_m, u.id
    limit :limit
""")


def nearest_workers(conn: Connection, incident_id: int, now: datetime, online: timedelta,
                    skip: list[int], limit: int = 5) -> list[dict]:
    """On-duty grid workers for a case: its grid's, then its community's, nearest first.

    Parameters
    ----------
    conn : Connection
    incident_id : int
    now : datetime
    online : timedelta
        A worker whose newest fix is older than this is not on duty.
    skip : list of int
        User ids already passed over.
    limit : int

    Returns
    -------
    list of dict
        user_id, own_grid (bool), distance_m.
    """
    rows = conn.execute(NEAREST_SQL, {"incident_id": incident_id, "now": now,
                                      "since": now - online, "skip": skip, "limit": limit})
    return [dict(r) for r in rows.mappings()]


def insert_task(conn: Connection, incident_id: int, kind: str, now: datetime) -> int:
    """A new task, not yet offered to anyone; returns its id."""
    return conn.execute(text("""insert into field_tasks (incident_id, kind, status, created_at)
                                values (:id, :kind, 'unassigned', :now) returning id"""),
                        {"id": incident_id, "kind": kind, "now": now}).scalar_one()


def lock_task(conn: Connection, task_id: int) -> dict | None:
    """One task with its case's place and status, row-locked."""
    row = conn.execute(text("""
        select t.*, i.status as incident_status, i.grid_id, i.community_id, i.street_id,
               i.code, i.reporter_id, i.handled_by, i.department_id
        from field_tasks t join incidents i on i.id = t.incident_id
        where t.id = :id for update of t"""), {"id": task_id}).mappings().first()
    return dict(row) if row else None


def live_task(conn: Connection, incident_id: int, kind: str | None = None) -> dict | None:
    """The case's live task (of ``kind``), if any."""
    sql = f"select * from field_tasks where incident_id = :id and status in {LIVE}"
    if kind:
        sql += " and kind = :kind"
    row = conn.execute(text(sql + " order by id limit 1"),
                       {"id": incident_id, "kind": kind}).mappings().first()
    return dict(row) if row else None


def update_task(conn: Connection, task_id: int, values: dict) -> None:
    """Write some columns of one task (names fixed by the caller, never from a client)."""
    allowed = {"status", "assignee_id", "offered_at", "accept_by", "accepted_at", "done_at",
               "passed", "offers", "outcome", "note", "photo_url"}
    names = [k for k in values if k in allowed]
    sets = ", ".join(f"{k} = :{k}" for k in names)
    conn.execute(text(f"update field_tasks set {sets} where id = :task_id"),
                 {**{k: values[k] for k in names}, "task_id": task_id})


def set_task_position(conn: Connection, task_id: int, lon: float, lat: float) -> None:
    """Where the worker stood when completing the task."""
    conn.execute(text("update field_tasks set geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) "
                      "where id = :id"), {"lon": lon, "lat": lat, "id": task_id})


def cancel_live(conn: Connection, incident_id: int, now: datetime) -> int:
    """Cancel every live task of a case; returns how many."""
    return conn.execute(text(f"""update field_tasks set status = 'cancelled', done_at = :now
                                 where incident_id = :id and status in {LIVE}"""),
                        {"id": incident_id, "now": now}).rowcount


def due_offers(conn: Connection, now: datetime) -> list[int]:
    """Tasks to (re)offer: offers not accepted in time, and tasks nobody holds."""
    rows = conn.execute(text("""select id from field_tasks
                                where (status = 'offered' and accept_by <= :now)
                                   or status = 'unassigned'
                                order by id for update skip locked"""), {"now": now})
    return [r.id for r in rows]


NEEDING_SQL = text("""
    select i.id, 'verify' as kind from incidents i
    where i.status = 'reported' and i.parent_id is null and i.source = any(:sources)
      and i.reported_at > :since
      and not exists (select 1 from field_tasks t where t.incident_id = i.id
                      and t.kind = 'verify')
    union all
    select i.id, 'check' from incidents i
    where i.status = 'resolved' and i.parent_id is null and i.source = any(:sources)
      and not exists (select 1 from field_tasks t where t.incident_id = i.id and t.kind = 'check'
                      and (t.status in ('offered', 'accepted', 'unassigned')
                           or t.done_at >= i.resolved_at))
    order by 1, 2
""")


def cases_needing_tasks(conn: Connection, sources: list[str], since: datetime) -> list[dict]:
    """Cases without their task yet: new reports to verify (核实) reported after ``since``,
    and resolved ones to check (核查) since their latest resolve.
    """
    rows = conn.execute(NEEDING_SQL, {"sources": sources, "since": since})
    return [dict(r) for r in rows.mappings()]


MINE_SQL = text("""
    select t.id, t.incident_id, t.kind, t.status, t.offered_at, t.accept_by, t.accepted_at,
           i.code, i.category_code, c.name_zh as category_name, c.name_en as category_name_en,
           i.address, left(i.description, 200) as description, i.photo_url,
           ST_X(i.geom) as lon, ST_Y(i.geom) as lat,
           case when lp.geom is null then null
                else ST_DistanceSphere(lp.geom, i.geom) end as distance_m
    from field_tasks t
    join incidents i on i.id = t.incident_id
    join categories c on c.code = i.category_code
    left join lateral (select l.geom from latest_positions l where l.user_id = t.assignee_id
                       order by l.device_time desc limit 1) lp on true
    where t.assignee_id = :user_id and t.status in ('offered', 'accepted')
    order by (t.status = 'accepted') desc, distance_m nulls last, t.accept_by, t.id
""")


def tasks_of(conn: Connection, user_id: int) -> list[dict]:
    """A worker's live tasks in the order to do them: accepted first, then the nearest."""
    return [dict(r) for r in conn.execute(MINE_SQL, {"user_id": user_id}).mappings()]


RECENT_SQL = text("""
    select t.id, t.kind, t.status, t.outcome, coalesce(t.done_at, t.accepted_at, t.offered_at,
           t.created_at) as at, i.code, s.name_zh as street_zh, s.name_en as street_en,
           i.category_code, c.name_zh as category_zh, c.name_en as category_en
    from field_tasks t
    join incidents i on i.id = t.incident_id
    join streets s on s.id = i.street_id
    join categories c on c.code = i.category_code
    where t.status <> 'cancelled'
      and (cast(:street as text) is null or s.code = :street)
      and (cast(:district as text) is null or t.district_code = :district)
      and coalesce(t.done_at, t.accepted_at, t.offered_at, t.created_at) <= :now
      and coalesce(t.done_at, t.accepted_at, t.offered_at, t.created_at)
          > cast(:now as timestamptz) - interval '1 day'
    order by at desc, t.id desc limit :limit
""")


def recent_tasks(conn: Connection, now: datetime, limit: int = 10,
                 street: str | None = None, district: str | None = None) -> list[dict]:
    """The field tasks that moved in the last day, newest first (the wall's ticker), in one
    street (its code) or the district (``district``; every district when None).
    """
    rows = conn.execute(RECENT_SQL, {"now": now, "limit": limit, "street": street,
                                     "district": district})
    return [dict(r) for r in rows.mappings()]
