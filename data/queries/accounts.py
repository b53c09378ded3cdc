"""The demo's accounts and devices, for `python app.py demo accounts`."""
from __future__ import annotations

from sqlalchemy import Connection, text

ACCOUNTS_SQL = text("""
    select u.username, u.role, u.title, u.display_name,
           coalesce(d.name_zh, c.name_zh, s.name_zh, '红桥区') as scope,
           case when u.role = 'dept_officer' then 'department'
                when u.role = 'community_chief' then 'community'
                when u.role in ('street_chief') then 'street'
                when u.role = 'grid_worker' then 'grid'
                else 'district' end as scope_level,
           g.code as grid_code
    from users u
    left join departments d on d.id = u.department_id and u.role = 'dept_officer'
    left join communities c on c.id = u.community_id
    left join streets s on s.id = u.street_id
    left join worker_grids wg on wg.user_id = u.id and wg.is_primary
    left join grids g on g.id = wg.grid_id
    order by u.id
""")

DEVICES_SQL = text("""
    select dv.device_id, u.username as worker, g.code as grid_code
    from devices dv join users u on u.id = dv.user_id
    left join worker_grids wg on wg.user_id = u.id and wg.is_primary
    left join grids g on g.id = wg.grid_id
    where dv.active
    order by dv.device_id
""")


def demo_accounts(conn: Connection) -> list[dict]:
    """Every account with its role and scope (department, community, street or district).

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    list of dict
    """
    return [dict(r) for r in conn.execute(ACCOUNTS_SQL).mappings()]


def demo_devices(conn: Connection) -> list[dict]:
    """Every active device with the worker who carries it and their grid."""
    return [dict(r) for r in conn.execute(DEVICES_SQL).mappings()]
