"""The city wall's list of loaded districts (their figures come from the district wall's queries)."""
from __future__ import annotations

from sqlalchemy import Connection, text

DISTRICTS = text("select code, name_zh, name_en from districts order by code")


def district_names(conn: Connection) -> list[dict]:
    """Every loaded district: code, name_zh, name_en, by code.

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    list of dict
    """
    return [dict(r) for r in conn.execute(DISTRICTS).mappings()]
