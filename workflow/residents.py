"""Reading a resident's record: only staff with the area in scope, always masked, always audited."""
from __future__ import annotations

from sqlalchemy import Connection

from data.resident_store import record_access, resident_record
from workflow.errors import forbidden, not_found
from workflow.roles import SCOPES, Actor, Target

READ = "resident.read"
# Who may open a resident's record and where: the people who serve residents of an area.
# (Kept beside the workflow's PERMISSIONS table, with the same scope names.)
RESIDENT_READ = {"operator": "area", "street_chief": "street", "community_chief": "community",
                 "admin": "any"}


def resident_view(conn: Connection, actor: Actor, resident_id: int, ip: str | None = None,
                  path: str | None = None) -> dict:
    """The masked record, after writing the audit row (in the caller's transaction).

    403 for roles that never see residents; 404 for unknown records and those outside the
    actor's area (their existence is not revealed either).
    """
    scope = RESIDENT_READ.get(actor.role)
    if scope is None:
        raise forbidden("您的角色无权查看居民信息 / your role may not view residents")
    row = resident_record(conn, resident_id)
    if row is None or not SCOPES[scope](actor, Target(
            street_id=row["street_id"], community_ids=frozenset([row["community_id"]]),
            grid_id=row["grid_id"])):
        raise not_found("居民", "resident", "id")
    record_access(conn, actor.id, actor.role, READ, "resident", resident_id, ip, path)
    return row
