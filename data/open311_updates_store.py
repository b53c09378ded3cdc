"""Open311 servicerequestupdates: the steps of requests filed through Open311, oldest first."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

# Every lifecycle step is an update (its status is public anyway, as the request's status);
# a remark (comment, a child told its parent closed) only when its author marked it public;
# the 督办 escalation is internal. A note or photo appears only on a public step.
UPDATES_SQL = """
    select e.id as update_id, i.code, i.status as incident_status, e.action, e.from_status,
           e.to_status, e.at,
           case when e.public then e.note else '' end as note,
           case when e.public then e.photo_url end as photo_url
    from open311_requests r
    join incidents i on i.id = r.incident_id
    join incident_events e on e.incident_id = i.id
    where e.at >= :start and e.at <= :end
      and e.action not in ('report', 'escalate')
      and (e.to_status <> 'commented' or (e.public and e.note <> ''))
      and i.category_code <> all(:hidden)
"""


def request_updates(conn: Connection, start: datetime, end: datetime, hidden: list[str],
                    codes: list[str] | None = None, limit: int = 1000) -> list[dict]:
    """Steps of Open311 requests taken in [start, end], oldest first.

    Parameters
    ----------
    conn : Connection
    start, end : datetime
        Aware bounds on the step's time.
    hidden : list of str
        Category codes never listed publicly.
    codes : list of str, optional
        Only these requests (incident codes).
    limit : int

    Returns
    -------
    list of dict
        update_id, code, incident_status, action, from_status, to_status, at, note (public
        only, else ''), photo_url (public steps only).
    """
    sql, params = UPDATES_SQL, {"start": start, "end": end, "hidden": hidden, "limit": limit}
    if codes:
        sql += " and i.code = any(:codes)"
        params["codes"] = codes
    sql += " order by e.at, e.id limit :limit"
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]
