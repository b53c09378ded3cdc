"""Notices in PostGIS: who to tell, the outbox rows, their delivery log, the in-app inbox."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from data.models import Notice, NoticeDelivery, NoticeRoute, User

INBOX_COLUMNS = (Notice.id, Notice.kind, Notice.title, Notice.title_en, Notice.body,
                 Notice.urgent, Notice.incident_id, Notice.whistle_id, Notice.created_at,
                 Notice.read_at)


def add_notices(conn: Connection, rows: list[dict]) -> int:
    """Insert outbox rows; a row whose ``key`` exists already is skipped. Returns how many
    were new.

    Parameters
    ----------
    conn : Connection
    rows : list of dict
        Columns of ``notices`` (key, kind, channel, user_id, route_id, address, incident_id,
        whistle_id, title, title_en, body, urgent, created_at, status, next_attempt_at,
        sent_at).

    Returns
    -------
    int
    """
    if not rows:
        return 0
    stmt = pg_insert(Notice).values(rows).on_conflict_do_nothing(index_elements=["key"])
    return conn.execute(stmt.returning(Notice.id)).rowcount or 0


def users_where(conn: Connection, role: str, department_id: int | None = None,
                street_id: int | None = None, titles: tuple[str, ...] = ()) -> list[int]:
    """Active accounts of one role, optionally of one department or street and titles."""
    stmt = select(User.id).where(User.role == role, User.active.is_(True))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    if street_id is not None:
        stmt = stmt.where(User.street_id == street_id)
    if titles:
        stmt = stmt.where(User.title.in_(titles))
    return list(conn.execute(stmt.order_by(User.id)).scalars())


def user_role(conn: Connection, user_id: int) -> str | None:
    """The role of an active account, or None."""
    return conn.execute(select(User.role).where(User.id == user_id,
                                                User.active.is_(True))).scalar_one_or_none()


def routes(conn: Connection, department_ids: list[int], user_ids: list[int]) -> list[dict]:
    """Active outside-channel routes of these departments and people."""
    if not department_ids and not user_ids:
        return []
    stmt = select(NoticeRoute.id, NoticeRoute.department_id, NoticeRoute.user_id,
                  NoticeRoute.channel, NoticeRoute.address).where(
        NoticeRoute.active.is_(True),
        NoticeRoute.department_id.in_(department_ids) | NoticeRoute.user_id.in_(user_ids))
    return [dict(r) for r in conn.execute(stmt.order_by(NoticeRoute.id)).mappings()]


def add_route(conn: Connection, values: dict) -> int:
    """Insert one route (department_id or user_id, channel, address, secret); its id."""
    return conn.execute(insert(NoticeRoute).values(**values)
                        .returning(NoticeRoute.id)).scalar_one()


def all_routes(conn: Connection) -> list[dict]:
    """Every route with its department code or username (the secret is not read)."""
    sql = text("""
        select r.id, r.channel, r.address, r.active, r.secret <> '' as signed,
               d.code as department_code, u.username
        from notice_routes r
        left join departments d on d.id = r.department_id
        left join users u on u.id = r.user_id
        order by r.id""")
    return [dict(r) for r in conn.execute(sql).mappings()]


def set_route_active(conn: Connection, route_id: int, active: bool) -> bool:
    """Switch a route on or off; False when there is no such route."""
    result = conn.execute(update(NoticeRoute).where(NoticeRoute.id == route_id)
                          .values(active=active))
    return bool(result.rowcount)


def open311_email(conn: Connection, incident_id: int) -> str | None:
    """The email an Open311 reporter gave with this incident, or None."""
    sql = text("select contact ->> 'email' from open311_requests where incident_id = :id")
    value = conn.execute(sql, {"id": incident_id}).scalar_one_or_none()
    return value.strip() if value and value.strip() else None


def due_ids(conn: Connection, now: datetime, limit: int = 50) -> list[int]:
    """Pending outside-channel notices whose next attempt is due, oldest first."""
    stmt = (select(Notice.id).where(Notice.status == "pending", Notice.next_attempt_at <= now)
            .order_by(Notice.next_attempt_at, Notice.id).limit(limit))
    return list(conn.execute(stmt).scalars())


CLAIM_SQL = text("""
    select n.id, n.key, n.kind, n.channel, n.address, n.title, n.title_en, n.body, n.urgent,
           n.attempts, n.incident_id, n.whistle_id, coalesce(r.secret, '') as secret
    from notices n left join notice_routes r on r.id = n.route_id
    where n.id = :id and n.status = 'pending'
    for update of n skip locked
""")


def claim(conn: Connection, notice_id: int) -> dict | None:
    """A pending notice, row-locked (None when sent meanwhile or another worker holds it)."""
    row = conn.execute(CLAIM_SQL, {"id": notice_id}).mappings().first()
    return dict(row) if row else None


def record_attempt(conn: Connection, notice_id: int, at: datetime, attempt: int, ok: bool,
                   detail: str, values: dict) -> None:
    """Log one delivery attempt and write the notice's new state (``values``)."""
    conn.execute(insert(NoticeDelivery).values(notice_id=notice_id, at=at, attempt=attempt,
                                               ok=ok, detail=detail[:300]))
    conn.execute(update(Notice).where(Notice.id == notice_id).values(**values))


def defer(conn: Connection, notice_id: int, until: datetime) -> None:
    """Move a notice's next attempt (quiet hours); no attempt is counted."""
    conn.execute(update(Notice).where(Notice.id == notice_id).values(next_attempt_at=until))


def deliveries(conn: Connection, notice_id: int) -> list[dict]:
    """A notice's delivery log, oldest first."""
    stmt = (select(NoticeDelivery.at, NoticeDelivery.attempt, NoticeDelivery.ok,
                   NoticeDelivery.detail).where(NoticeDelivery.notice_id == notice_id)
            .order_by(NoticeDelivery.id))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def inbox(conn: Connection, user_id: int, unread_only: bool, limit: int,
          before_id: int | None = None) -> list[dict]:
    """A person's in-app notices, newest first."""
    stmt = select(*INBOX_COLUMNS).where(Notice.channel == "inbox", Notice.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    if before_id is not None:
        stmt = stmt.where(Notice.id < before_id)
    stmt = stmt.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def unread_count(conn: Connection, user_id: int) -> int:
    """How many in-app notices the person has not read."""
    sql = text("""select count(*) from notices
                  where channel = 'inbox' and user_id = :u and read_at is null""")
    return int(conn.execute(sql, {"u": user_id}).scalar_one())


def mark_read(conn: Connection, user_id: int, now: datetime,
              notice_id: int | None = None) -> int:
    """Mark one of the person's notices (or all when ``notice_id`` is None) read; how many
    changed.
    """
    stmt = update(Notice).where(Notice.channel == "inbox", Notice.user_id == user_id,
                                Notice.read_at.is_(None))
    if notice_id is not None:
        stmt = stmt.where(Notice.id == notice_id)
    return conn.execute(stmt.values(read_at=now)).rowcount or 0


def owns_notice(conn: Connection, user_id: int, notice_id: int) -> bool:
    """Is this an in-app notice of this person?"""
    stmt = select(Notice.id).where(Notice.id == notice_id, Notice.channel == "inbox",
                                   Notice.user_id == user_id)
    return conn.execute(stmt).first() is not None


DUE_SOON_SQL = text("""
    select i.id, i.code, i.deadline, i.department_id, i.address, c.name_zh as category_name
    from incidents i join categories c on c.code = i.category_code
    where i.status in ('dispatched', 'in_progress', 'reopened') and i.department_id is not null
      and i.deadline > :now and i.deadline <= :until
      -- told already for this dispatch: skipped without writing (the key would skip it too,
      -- but every few seconds for every case due tomorrow is work for nothing)
      and not exists (select 1 from notices n where n.incident_id = i.id
                      and n.kind = 'due_soon' and n.created_at >= i.dispatched_at)
    order by i.deadline limit :limit
""")


def incidents_due_soon(conn: Connection, now: datetime, until: datetime,
                       limit: int = 500) -> list[dict]:
    """Open department incidents whose deadline falls in (now, until]."""
    rows = conn.execute(DUE_SOON_SQL, {"now": now, "until": until, "limit": limit})
    return [dict(r) for r in rows.mappings()]


MEETINGS_SQL = text("""
    select w.id from whistles w
    where w.status in ('summoned', 'reported_in') and w.meeting_at > :now
      and w.meeting_at <= :until
      -- a whistle just blown told its meeting already: no reminder on the heels of it
      and w.blown_at <= :fresh
      and not exists (select 1 from notices n where n.whistle_id = w.id
                      and n.kind = 'meeting_reminder')
    order by w.meeting_at limit :limit
""")


def meetings_soon(conn: Connection, now: datetime, until: datetime,
                  limit: int = 200) -> list[int]:
    """Open whistles whose meeting falls in (now, until]."""
    rows = conn.execute(MEETINGS_SQL, {"now": now, "until": until, "limit": limit,
                                       "fresh": now - timedelta(minutes=30)})
    return list(rows.scalars())
