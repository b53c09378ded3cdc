"""Reads of one resident's masked record and writes of the access audit."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select

from data.models import AccessAudit, Grid, Resident

# The only columns a resident read ever returns: id_hash (a keyed hash of the ID number)
# stays in the database, where it serves matching on import, never display.
SHOWN = (Resident.id, Resident.grid_id, Resident.building_id, Resident.household_no,
         Resident.name_masked, Resident.age_band, Resident.sex, Resident.elderly_alone,
         Resident.disabled, Resident.low_income, Resident.special_care, Resident.floor)


def resident_record(conn: Connection, resident_id: int) -> dict | None:
    """One resident's shown fields with the scope columns of their grid.

    Parameters
    ----------
    conn : Connection
    resident_id : int

    Returns
    -------
    dict or None
        The SHOWN columns plus grid_code, community_id and street_id; None if unknown.
    """
    row = conn.execute(
        select(*SHOWN, Grid.code.label("grid_code"), Grid.community_id, Grid.street_id)
        .join(Grid, Grid.id == Resident.grid_id).where(Resident.id == resident_id)
    ).mappings().first()
    return dict(row) if row else None


def record_access(conn: Connection, actor_id: int | None, actor_role: str, action: str,
                  subject_type: str, subject_id: int, ip: str | None = None,
                  path: str | None = None) -> int:
    """Insert one access-audit row and return its id.

    Parameters
    ----------
    conn : Connection
    actor_id, actor_role : who looked
    action : str
        e.g. ``resident.read``.
    subject_type, subject_id : what was looked at
    ip, path : where from (truncated to the column widths)

    Returns
    -------
    int
    """
    return conn.execute(insert(AccessAudit).values(
        actor_id=actor_id, actor_role=actor_role[:20], action=action[:40],
        subject_type=subject_type[:20], subject_id=subject_id,
        ip=(ip or None) and ip[:45], path=(path or None) and path[:200],
    ).returning(AccessAudit.id)).scalar_one()
