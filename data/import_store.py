"""Writes and lookups for the file importers: the grid hierarchy, and point tables by key."""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, any_, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from data.bulk import copy_frame, reset_sequence
from data.models import Base
from data.world_store import clear_world

HIERARCHY = ("districts", "streets", "communities", "grids")

REFERENCING_SQL = text("""
    select c.conrelid::regclass::text as tbl, array_agg(distinct a.attname::text) as cols
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
    where c.contype = 'f'
      and c.confrelid::regclass::text = any(:targets)
      and not (c.conrelid::regclass::text = any(:targets))
    group by 1
    order by 1
""")


def hierarchy_counts(conn: Connection) -> dict[str, int]:
    """Rows now in each level of the hierarchy.

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    dict
        Table name to row count, for districts, streets, communities and grids.
    """
    return {t: int(conn.execute(select(func.count()).select_from(_model(t))).scalar_one())
            for t in HIERARCHY}


def hierarchy_references(conn: Connection) -> dict[str, int]:
    """Rows in other tables that point at the hierarchy (and would lose their target).

    Parameters
    ----------
    conn : Connection

    Returns
    -------
    dict
        Table name to row count, only tables that have rows; found from the foreign keys in
        the catalogue, so tables added later are covered too.
    """
    found = conn.execute(REFERENCING_SQL, {"targets": list(HIERARCHY)}).all()
    counts = {}
    for name, columns in found:
        # Only rows that point somewhere: an administrator's account (no street) made
        # before the grids are imported does not hold them.
        pointing = " or ".join(f"{_plain(c)} is not null" for c in sorted(columns))
        n = conn.execute(text(f"select count(*) from {_plain(name)} where {pointing}")
                         ).scalar_one()
        if n:
            counts[name] = int(n)
    return counts


def replace_hierarchy(conn: Connection, tables: dict[str, pd.DataFrame],
                      replace_all: bool = False) -> dict[str, int]:
    """Replace districts, streets, communities and grids with the given frames.

    Parameters
    ----------
    conn : Connection
        In the caller's transaction: all of it is written or none.
    tables : dict
        Table name to a frame with explicit ``id`` and parent ids, geometry as hex EWKB.
    replace_all : bool
        Clear the whole world first (keeping departments and categories) instead of
        deleting just the hierarchy, which fails if anything still refers to it.

    Returns
    -------
    dict
        Rows written per table.
    """
    if replace_all:
        _clear_keeping_reference(conn)
    else:
        for name in reversed(HIERARCHY):
            conn.execute(delete(_model(name)))
    written = {t: copy_frame(conn, _table(t), tables[t]) for t in HIERARCHY}
    for name in HIERARCHY:
        reset_sequence(conn, name)
        conn.execute(text(f"analyze {_table(name)}"))
    return written


def _clear_keeping_reference(conn: Connection) -> None:
    # Departments and categories are configuration, not world: keep them across the clear.
    conn.execute(text("create temp table keep_departments on commit drop as "
                      "select * from departments"))
    conn.execute(text("create temp table keep_categories on commit drop as "
                      "select * from categories"))
    clear_world(conn)
    # One statement each, so self-references are checked only when every row is in.
    conn.execute(text("insert into departments select * from keep_departments"))
    conn.execute(text("insert into categories select * from keep_categories"))
    reset_sequence(conn, "departments")


GRID_INDEX_SQL = text("""
    select g.id, g.code, g.community_id, g.street_id, ST_AsBinary(g.geom) as wkb
    from grids g join streets s on s.id = g.street_id join districts d on d.id = s.district_id
    where cast(:district as varchar) is null or d.code = :district
    order by g.id
""")


def grid_index(conn: Connection, district_code: str | None = None
               ) -> tuple[pd.DataFrame, np.ndarray]:
    """The grids to place points in: ids, codes and parents, and their polygons.

    Parameters
    ----------
    conn : Connection
    district_code : str, optional
        Only this district's grids (None: every district's).

    Returns
    -------
    (DataFrame, ndarray)
        Columns id, code, community_id, street_id; and the WGS84 polygons in that order.
    """
    rows = conn.execute(GRID_INDEX_SQL, {"district": district_code}).all()
    frame = pd.DataFrame([r[:4] for r in rows], columns=["id", "code", "community_id",
                                                         "street_id"])
    geoms = shapely.from_wkb(np.asarray([bytes(r.wkb) for r in rows], dtype=object))
    return frame, np.asarray(geoms, dtype=object)


def lookup(conn: Connection, table: str, key: str, value: str) -> dict[str, object]:
    """A mapping from one column to another for a whole (small) table.

    Parameters
    ----------
    conn : Connection
    table : str
        A model table, e.g. ``categories``.
    key, value : str
        Column names of that table.

    Returns
    -------
    dict
    """
    model = _model(table)
    return {k: v for k, v in conn.execute(select(model.c[key], model.c[value])).all()}


def existing_keys(conn: Connection, table: str, key: str, values: list[str]) -> set[str]:
    """Which of ``values`` the table already holds in its unique column ``key``.

    Parameters
    ----------
    conn : Connection
    table, key : str
    values : list of str

    Returns
    -------
    set of str
    """
    column = _model(table).c[key]
    # One array parameter, however many values (an IN list would bind each one).
    values_param = bindparam("values", list(values), type_=ARRAY(column.type))
    return set(conn.execute(select(column).where(column == any_(values_param))).scalars())


def write_keyed(conn: Connection, table: str, frame: pd.DataFrame, key: str | tuple[str, ...],
                update: bool) -> pd.DataFrame:
    """Insert rows by a unique key: new keys are inserted, known ones updated or skipped.

    Parameters
    ----------
    conn : Connection
        In the caller's transaction.
    table : str
        Target table.
    frame : DataFrame
        Columns named as the table's (no ``id``); geometry as hex EWKB.
    key : str or tuple of str
        The unique column(s) that identify a row (``code``, ``id_hash``,
        ``("source_system", "source_code")``).
    update : bool
        Update the other columns of rows whose key exists (True) or leave them (False).

    Returns
    -------
    DataFrame
        ``id``, the key column(s), and ``inserted`` (False for updated rows) of every row
        written.
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    _columns(table, list(keys))
    listed_keys = ", ".join(keys)
    columns = _columns(table, list(frame.columns))
    staging = f"import_{table}"
    listed = ", ".join(columns)
    conn.execute(text(f"create temp table {staging} on commit drop as "
                      f"select {listed} from {_table(table)} limit 0"))
    copy_frame(conn, staging, frame)
    if update:
        sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        action = f"do update set {sets}"
    else:
        action = "do nothing"
    sql = (f"insert into {_table(table)} ({listed}) select {listed} from {staging} "
           f"on conflict ({listed_keys}) {action} "
           f"returning id, {listed_keys}, (xmax = 0) as inserted")
    rows = conn.execute(text(sql)).all()
    conn.execute(text(f"drop table {staging}"))
    return pd.DataFrame(rows, columns=["id", *keys, "inserted"])


def append_rows(conn: Connection, table: str, frame: pd.DataFrame) -> int:
    """COPY rows into a table whose ids come from its sequence.

    Parameters
    ----------
    conn : Connection
    table : str
    frame : DataFrame
        Columns named as the table's.

    Returns
    -------
    int
        Rows written.
    """
    _columns(table, list(frame.columns))
    return copy_frame(conn, _table(table), frame)


def refresh_grid_population(conn: Connection) -> None:
    """Set each grid's population to the residents it holds.

    Parameters
    ----------
    conn : Connection
        In the caller's transaction, after residents were written.
    """
    conn.execute(text("""
        update grids g set population = coalesce(r.n, 0)
        from grids g2 left join (select grid_id, count(*) as n from residents group by grid_id) r
          on r.grid_id = g2.id
        where g.id = g2.id and g.population is distinct from coalesce(r.n, 0)
    """))


def _columns(table: str, names: list[str]) -> list[str]:
    # Identifiers cannot be bound: accept only columns the model declares.
    known = set(Base.metadata.tables[_table(table)].columns.keys())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"not columns of {table}: {unknown}")
    return list(names)


def _model(name: str):
    return Base.metadata.tables[_table(name)]


def _table(name: str) -> str:
    if name not in Base.metadata.tables:
        raise ValueError(f"not a table: {name!r}")
    return name


def _plain(name: str) -> str:
    # Names from the catalogue, not from users; still refuse anything unexpected.
    if not name.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"unexpected identifier {name!r}")
    return name
