"""What importing incidents needs besides keyed writes: which codes are here, ids up front."""
from __future__ import annotations

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY

from data.models import Incident

KNOWN_REFS_SQL = text("""
    select source_code as ref from incidents
    where source_system = :system and source_code = any(:codes)
    union
    select code from incidents where code = any(:codes)
""")


def known_incident_refs(conn: Connection, system: str, codes: list[str]) -> set[str]:
    """Which of a file's incident codes are already here.

    Parameters
    ----------
    conn : Connection
    system : str
        The old system the file comes from.
    codes : list of str
        The file's codes.

    Returns
    -------
    set of str
        Codes imported before from ``system``, and codes that are our own incident codes
        (a file exported from here, read back).
    """
    codes_param = bindparam("codes", list(codes), type_=ARRAY(Incident.__table__.c.code.type))
    return set(conn.execute(KNOWN_REFS_SQL.bindparams(codes_param),
                            {"system": system}).scalars())


def reserve_incident_ids(conn: Connection, n: int) -> list[int]:
    """Take ``n`` incident ids from the sequence, for rows whose code is made from their id.

    Parameters
    ----------
    conn : Connection
    n : int

    Returns
    -------
    list of int
        In increasing order.
    """
    sql = text("select nextval(pg_get_serial_sequence('incidents', 'id')) as id "
               "from generate_series(1, :n) order by 1")
    return [int(v) for v in conn.execute(sql, {"n": n}).scalars()]
