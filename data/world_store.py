"""Whole-world operations: is a world loaded, clear it, finish a bulk load."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from data.bulk import reset_sequence
from data.queries.analyst_raw import rebuild_rollups

# Children before parents, so that TRUNCATE order never matters with CASCADE anyway.
WORLD_TABLES = (
    "street_ratings", "patrol_exceptions", "leave_days", "patrol_sheets", "whistle_events",
    "whistle_summons", "whistle_incidents", "whistles",
    "incident_events", "incidents", "latest_positions", "positions", "devices",
    "worker_grids", "users", "cameras", "residents", "buildings", "categories",
    "departments", "grids", "communities", "streets", "districts",
)
SEQUENCED = (
    "districts", "streets", "communities", "grids", "buildings", "residents", "departments",
    "users", "worker_grids", "devices", "cameras", "incidents", "incident_events", "whistles",
    "whistle_summons", "whistle_events",
)


def world_is_loaded(conn: Connection) -> bool:
    """True when any grid exists (a world, synthetic or imported, is in place)."""
    return bool(conn.execute(text("select exists(select 1 from grids)")).scalar())


def clear_world(conn: Connection) -> None:
    """Remove every row of the world (TRUNCATE bypasses the append-only row triggers)."""
    conn.execute(text("truncate " + ", ".join(WORLD_TABLES) + " restart identity cascade"))


ROLLUP_TABLES = ("incident_rollup", "incident_rollup_month", "incident_rollup_street_month",
                 "incident_rollup_grid_month", "incident_rollup_day_kind")


def finish_load(conn: Connection) -> None:
    """After COPY with explicit ids: move sequences on, and refresh planner statistics."""
    for table in SEQUENCED:
        reset_sequence(conn, table)
    for table in WORLD_TABLES + ROLLUP_TABLES:
        conn.execute(text("analyze " + table))


@contextmanager
def rollups_paused(conn: Connection) -> Iterator[None]:
    """Bulk loads with the analyst rollup triggers off, then the rollups rebuilt once.

    The statement triggers aggregate each COPY's transition table into five rollups (15 s
    for a year of Hongqiao); one GROUP BY over the loaded incidents takes about a second.
    The switch is transaction-local, so a failed load leaves nothing behind.
    """
    conn.execute(text("select set_config('hongqiao.rollup', 'off', true)"))
    yield
    rebuild_rollups(conn)
    conn.execute(text("select set_config('hongqiao.rollup', 'on', true)"))


INDEX_SQL = text("""
    select i.indexname, i.indexdef
    from pg_indexes i
    where i.schemaname = 'public' and i.tablename = any(:tables)
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
""")
FOREIGN_KEY_SQL = text("""
    select c.conrelid::regclass::text as tbl, c.conname, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.contype = 'f' and c.conrelid::regclass::text = any(:tables)
""")
BULK_TABLES = ("residents", "buildings", "cameras", "incidents", "incident_events",
               "whistle_events", "whistle_summons", "whistle_incidents", "whistles",
               "positions", "latest_positions") + ROLLUP_TABLES


@contextmanager
def deferred_checks(conn: Connection, tables: tuple[str, ...] = BULK_TABLES) -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of ``tables``; restore them afterwards.

    During COPY PostgreSQL maintains each index row by row and fires one trigger per row per
    foreign key (2 million events x 3 keys took two minutes). Building an index once over
    the loaded rows, and validating a foreign key once with a set-based join when it is
    added back, is many times faster, and just as strict: a bad reference still fails the
    load. Primary and unique keys stay. All of it is one transaction. The loader writes each
    row's district itself, so the triggers that copy it from the parent row (0022, one
    lookup per row, like a foreign key) are off too; the composite keys added back check it.
    """
    conn.execute(text("select set_config('hongqiao.district_given', 'on', true)"))
    indexes = conn.execute(INDEX_SQL, {"tables": list(tables)}).all()
    keys = conn.execute(FOREIGN_KEY_SQL, {"tables": list(tables)}).all()
    for table, name, _ in keys:
        conn.execute(text(f'alter table {_plain(table)} drop constraint "{_plain(name)}"'))
    for name, _ in indexes:
        conn.execute(text(f'drop index "{_plain(name)}"'))
    yield
    for _, definition in indexes:
        # A partitioned table's index reads back as "ON ONLY parent", which would build an
        # invalid index with no partitions under it; rebuild it across every partition.
        conn.execute(text(definition.replace(" ON ONLY ", " ON ")))
    for table, name, definition in keys:
        conn.execute(text(f'alter table {_plain(table)} add constraint "{_plain(name)}" {definition}'))
    conn.execute(text("select set_config('hongqiao.district_given', 'off', true)"))


def _plain(name: str) -> str:
    # Names come from the catalogue, not from users; still refuse anything unexpected.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected identifier {name!r}")
    return name


DIGEST_SQL = text("""
    select md5(string_agg(part, '|' order by ord)) from (
      select 1 as ord, (select md5(string_agg(code || ST_AsEWKB(geom)::text, ',' order by code))
                        from grids) as part
      union all select 2, (select md5(string_agg(concat_ws(',', username, role, street_id,
                           community_id, department_id), ';' order by id)) from users)
      union all select 3, (select md5(string_agg(concat_ws(',', id_hash, grid_id, age_band, sex,
                           ST_AsText(geom)), ';' order by id)) from residents)
      union all select 4, (select md5(string_agg(concat_ws(',', code, category_code, source,
                           status, reported_at, closed_at, ST_AsText(geom)), ';' order by id))
                           from incidents)
      union all select 5, (select md5(string_agg(concat_ws(',', incident_id, at, action,
                           actor_id), ';' order by id)) from incident_events)
      union all select 6, (select md5(string_agg(concat_ws(',', code, street_id, level, blown_at,
                           deadline, closed_at), ';' order by id)) from whistles)
      union all select 7, (select md5(string_agg(concat_ws(',', device_id, device_time,
                           ST_AsText(geom)), ';' order by device_id, device_time)) from positions)
      union all select 8, (select md5(string_agg(concat_ws(',', code, kind, ST_AsText(geom)),
                           ';' order by id)) from cameras)
    ) parts
""")


def world_digest(conn: Connection) -> str:
    """One md5 over the world's content: the same seed must give the same digest."""
    return conn.execute(DIGEST_SQL).scalar_one()


def district_exists(conn: Connection, code: str) -> bool:
    """True when the district with this 6-digit code is loaded."""
    return bool(conn.execute(text("select exists(select 1 from districts where code = :c)"),
                             {"c": code}).scalar())


def next_ids(conn: Connection, tables: tuple[str, ...]) -> dict[str, int]:
    """The first free id of each table (for a COPY with explicit ids beside existing rows).

    Parameters
    ----------
    conn : Connection
    tables : tuple of str
        Trusted table names of SEQUENCED.

    Returns
    -------
    dict
        table: max(id) + 1.
    """
    if set(tables) - set(SEQUENCED):
        raise ValueError("only the world's sequenced tables")
    return {t: int(conn.execute(text(f"select coalesce(max(id), 0) + 1 from {t}")).scalar_one())
            for t in tables}


def reset_sequences(conn: Connection, tables: tuple[str, ...]) -> None:
    """Move these tables' sequences past the ids just written by COPY."""
    for table in tables:
        reset_sequence(conn, table)
