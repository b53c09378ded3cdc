"""Accounts as the administration sees them: look-ups by code, writes, worker-grid history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, text, update
from werkzeug.security import generate_password_hash

from data.models import (
    Community,
    Department,
    District,
    Grid,
    Street,
    User,
    WorkerGrid,
    WorkerGridHistory,
)

# One account with its scope as codes (what the audit, the page and the API show).
ACCOUNT_SQL = """
    select u.id, u.username, u.display_name, u.role, u.title, u.active, u.district_code,
           u.must_change_password, u.phone_masked,
           s.code as street_code, c.code as community_code, d.code as department_code,
           coalesce((select array_agg(g.code order by g.code) from worker_grids wg
                     join grids g on g.id = wg.grid_id where wg.user_id = u.id),
                    '{}') as grid_codes
    from users u
    left join streets s on s.id = u.street_id
    left join communities c on c.id = u.community_id
    left join departments d on d.id = u.department_id
"""


def codes_to_ids(conn: Connection, district_code: str | None = None) -> dict[str, dict[str, int]]:
    """Every street, community, active department and grid code with its id.

    Parameters
    ----------
    conn : Connection
    district_code : str, optional
        Only this district's streets, communities and grids (departments are shared).

    Returns
    -------
    dict
        ``{"street": {code: id}, "community": ..., "department": ..., "grid": ...}``
    """
    streets = select(Street.id)
    if district_code is not None:
        streets = streets.join(District, District.id == Street.district_id).where(
            District.code == district_code)
    return {
        "street": dict(conn.execute(select(Street.code, Street.id)
                                    .where(Street.id.in_(streets))).all()),
        "community": dict(conn.execute(select(Community.code, Community.id)
                                       .where(Community.street_id.in_(streets))).all()),
        "department": dict(conn.execute(select(Department.code, Department.id)
                                        .where(Department.active.is_(True))).all()),
        "grid": dict(conn.execute(select(Grid.code, Grid.id)
                                  .where(Grid.street_id.in_(streets))).all()),
    }


def parents(conn: Connection) -> dict[str, dict]:
    """Each community's street, each grid's community (ids) and each street's district code."""
    return {"community_street": dict(conn.execute(select(Community.id, Community.street_id)).all()),
            "grid_community": dict(conn.execute(select(Grid.id, Grid.community_id)).all()),
            "street_district": dict(conn.execute(
                select(Street.id, District.code).join(District,
                                                      District.id == Street.district_id)).all())}


def usernames(conn: Connection) -> set[str]:
    """Every username in use (active or not)."""
    return set(conn.execute(select(User.username)).scalars())


def grid_worker_counts(conn: Connection) -> dict[int, int]:
    """How many active workers cover each grid now."""
    rows = conn.execute(select(WorkerGrid.grid_id, func.count())
                        .join(User, User.id == WorkerGrid.user_id)
                        .where(User.active.is_(True)).group_by(WorkerGrid.grid_id)).all()
    return dict(rows)


def account(conn: Connection, user_id: int, lock: bool = False) -> dict | None:
    """One account with its scope as codes (``lock``: hold its row until commit)."""
    if lock:
        conn.execute(select(User.id).where(User.id == user_id).with_for_update())
    row = conn.execute(text(ACCOUNT_SQL + " where u.id = :id"), {"id": user_id}).mappings().first()
    return _plain(row) if row else None


def account_id(conn: Connection, username: str) -> int | None:
    """The id of the account with this username, or None."""
    return conn.execute(select(User.id).where(User.username == username)).scalar()


def accounts(conn: Connection, role: str | None = None, query: str | None = None,
             limit: int = 500, district_code: str | None = None) -> list[dict]:
    """Accounts by username, optionally of one role or matching ``query`` (username or name),
    and of one district (``district_code``; None: every account).
    """
    where: list[str] = ["true"]
    params: dict[str, object] = {"limit": limit}
    if district_code is not None:
        where.append("u.district_code = :district")
        params["district"] = district_code
    if role:
        where.append("u.role = :role")
        params["role"] = role
    if query:
        where.append("(u.username ilike :q or u.display_name ilike :q)")
        params["q"] = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = ACCOUNT_SQL + " where " + " and ".join(where) + " order by u.username limit :limit"
    return [_plain(r) for r in conn.execute(text(sql), params).mappings()]


def _plain(row) -> dict:
    out = dict(row)
    out["grid_codes"] = list(out["grid_codes"] or [])
    return out


# Temporary passwords are random (about 70 bits) and live until the first sign-in, so a
# fast salted hash is as safe as scrypt for them and lets a roster of 1,000 accounts load
# in seconds rather than minutes (scrypt costs ~0.1-0.5 s each here). Passwords people
# choose themselves get werkzeug's default (scrypt) in auth_store.password_changed.
TEMPORARY_HASH = "pbkdf2:sha256:20000"


def insert_account(conn: Connection, values: dict, password: str) -> int:
    """A new account (scope columns as ids) with a temporary password; returns its id."""
    return conn.execute(insert(User).values(
        **values, password_hash=generate_password_hash(password, method=TEMPORARY_HASH),
        must_change_password=True).returning(User.id)).scalar_one()


def update_account(conn: Connection, user_id: int, values: dict) -> None:
    """Change columns of an account (role, title, scope ids, name, phone, active)."""
    if values:
        conn.execute(update(User).where(User.id == user_id).values(**values))


def set_temporary_password(conn: Connection, user_id: int, password: str) -> None:
    """A temporary password the account must change at its next sign-in."""
    conn.execute(update(User).where(User.id == user_id).values(
        password_hash=generate_password_hash(password, method=TEMPORARY_HASH),
        must_change_password=True))


def set_worker_grids(conn: Connection, user_id: int, grid_ids: list[int], now: datetime) -> None:
    """Make ``grid_ids`` the worker's grids from ``now``: assignments that end are closed in
    the history (valid_to), new ones opened; unchanged ones keep their row.
    """
    current = set(conn.execute(select(WorkerGrid.grid_id)
                               .where(WorkerGrid.user_id == user_id)).scalars())
    wanted = list(dict.fromkeys(grid_ids))
    gone = current - set(wanted)
    if gone:
        conn.execute(delete(WorkerGrid).where(
            WorkerGrid.user_id == user_id, WorkerGrid.grid_id.in_(gone)))
        closed = set(conn.execute(update(WorkerGridHistory).where(
            WorkerGridHistory.user_id == user_id, WorkerGridHistory.grid_id.in_(gone),
            WorkerGridHistory.valid_to.is_(None)).values(valid_to=now)
            .returning(WorkerGridHistory.grid_id)).scalars())
        # Assignments written without a history row (the demo world's COPY) held since
        # the account was made.
        created = conn.execute(select(User.created_at).where(User.id == user_id)).scalar_one()
        for grid_id in sorted(gone - closed):
            conn.execute(insert(WorkerGridHistory).values(
                user_id=user_id, grid_id=grid_id, valid_from=min(created, now), valid_to=now))
    for position, grid_id in enumerate(wanted):
        if grid_id not in current:
            conn.execute(insert(WorkerGrid).values(user_id=user_id, grid_id=grid_id,
                                                   is_primary=position == 0))
            conn.execute(insert(WorkerGridHistory).values(user_id=user_id, grid_id=grid_id,
                                                          valid_from=now))


HISTORY_SQL = """
    select h.user_id, u.username, g.code as grid_code, h.valid_from, h.valid_to, h.id
    from worker_grid_history h join users u on u.id = h.user_id join grids g on g.id = h.grid_id
    where {where}
    union all
    -- Current assignments written without a history row (the demo world's COPY): held
    -- since the account was made.
    select wg.user_id, u.username, g.code, u.created_at, null, 0
    from worker_grids wg join users u on u.id = wg.user_id join grids g on g.id = wg.grid_id
    where {current} and not exists (
        select 1 from worker_grid_history h where h.user_id = wg.user_id
          and h.grid_id = wg.grid_id and h.valid_to is null)
    order by valid_from desc, id desc
"""


def grid_history(conn: Connection, user_id: int | None = None,
                 grid_id: int | None = None) -> list[dict]:
    """Assignments with their validity (newest first), of one worker or one grid."""
    if (user_id is None) == (grid_id is None):
        raise ValueError("give exactly one of user_id, grid_id")
    column = "user_id" if user_id is not None else "grid_id"
    sql = HISTORY_SQL.format(where=f"h.{column} = :key", current=f"wg.{column} = :key")
    rows = conn.execute(text(sql), {"key": user_id if user_id is not None else grid_id})
    return [{k: v for k, v in r.items() if k != "id"} for r in rows.mappings()]


def grid_worker_at(conn: Connection, grid_id: int, at: datetime) -> list[int]:
    """The workers who covered ``grid_id`` at the moment ``at`` (by the history)."""
    stmt = (select(WorkerGridHistory.user_id)
            .where(WorkerGridHistory.grid_id == grid_id, WorkerGridHistory.valid_from <= at,
                   (WorkerGridHistory.valid_to.is_(None)) | (WorkerGridHistory.valid_to > at))
            .order_by(WorkerGridHistory.user_id))
    return list(conn.execute(stmt).scalars())
