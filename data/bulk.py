"""Bulk writers: COPY DataFrames into tables, and keep id sequences in step afterwards."""
from __future__ import annotations

import io
import queue
import threading

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from data.bulk_binary import binary_body, binary_ready

NULL = r"\N"


# Little-endian EWKB of a 2-D point with SRID: byte order, type 1 | SRID flag, SRID 4326.
_EWKB_POINT_HEADER = bytes.fromhex("0101000020E6100000")
_EWKB_POINT = np.dtype([("head", "S9"), ("x", "<f8"), ("y", "<f8")])


def raw_cursor(conn: Connection):
    """psycopg2's own cursor under a SQLAlchemy connection: COPY needs the driver's."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver.cursor()


def points_ewkb(lon: np.ndarray, lat: np.ndarray) -> list[str]:
    """Hex EWKB (SRID 4326) of points, built in bulk: the fastest form PostGIS parses.

    Parameters
    ----------
    lon, lat : ndarray
        WGS84 degrees.

    Returns
    -------
    list of str
        One 50-character hex string per point.
    """
    records = np.empty(len(lon), dtype=_EWKB_POINT)
    records["head"] = _EWKB_POINT_HEADER
    records["x"], records["y"] = lon, lat
    text_all = records.tobytes().hex().upper()
    width = 2 * _EWKB_POINT.itemsize
    return [text_all[i:i + width] for i in range(0, len(text_all), width)]


SPECIAL = ("\\", "\t", "\n", "\r")


def _escape(values: pd.Series) -> list[str]:
    # COPY text format: backslash, tab, newline and carriage return must be escaped. Most
    # columns contain none of them, and one scan of the joined text proves it cheaply.
    missing = values.isna().to_numpy()
    if missing.any():
        strings = values.astype(object).where(~missing, "").astype(str).tolist()
    else:
        strings = values.astype(str).tolist()
    joined = "\x00".join(strings)
    if any(ch in joined for ch in SPECIAL):
        strings = [_escape_one(v) for v in strings]
    if missing.any():
        strings = [NULL if m else v for v, m in zip(strings, missing)]
    return strings


def _escape_one(value: str) -> str:
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        value = value.replace(raw, escaped)
    return value


def column_text(values: pd.Series) -> list[str]:
    r"""One column as COPY text fields; missing values become \N.

    Naive datetimes are taken as UTC; booleans become t/f; floats are written exactly.
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) and not values.isna().any():
        return np.where(values.to_numpy(bool), "t", "f").tolist()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        # Written without an offset: COPY runs with the session time zone set to UTC.
        if getattr(dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = values.to_numpy("datetime64[s]")
        out = np.datetime_as_string(stamps, unit="s").tolist()
        if np.isnat(stamps).any():
            out = [NULL if s == "NaT" else s for s in out]
        return out
    if pd.api.types.is_integer_dtype(dtype) and not values.isna().any():
        return list(map(str, values.to_numpy().tolist()))
    if pd.api.types.is_float_dtype(dtype):
        # repr gives the shortest text that reads back to the same double.
        return [NULL if v != v else repr(v) for v in values.to_numpy(float).tolist()]
    if pd.api.types.is_integer_dtype(dtype):
        return [NULL if v is None else str(v) for v in values.to_numpy(object, na_value=None)]
    return _escape(values)


def _copy_statement(table: str, frame: pd.DataFrame) -> str:
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    return f"COPY {_ident(table)} ({columns}) FROM STDIN"


def _bodies(frame: pd.DataFrame, chunk_rows: int):
    for start in range(0, len(frame), chunk_rows):
        part = frame.iloc[start:start + chunk_rows]
        cols = [column_text(part[c]) for c in part.columns]
        yield "\n".join(map("\t".join, zip(*cols))) + "\n"


def copy_frame(conn: Connection, table: str, frame: pd.DataFrame, chunk_rows: int = 500_000) -> int:
    """COPY a DataFrame into ``table`` (its columns name the table's columns).

    Parameters
    ----------
    conn : Connection
        A SQLAlchemy connection on psycopg2; the COPY joins its transaction.
    table : str
        Target table name (a trusted constant, never user input).
    frame : DataFrame
        Geometry columns hold EWKT or hex EWKB text.

    Returns
    -------
    int
        Rows written.
    """
    if frame.empty:
        return 0
    sql = _copy_statement(table, frame)
    cursor = raw_cursor(conn)
    cursor.execute("set local timezone = 'UTC'")
    try:
        for body in _bodies(frame, chunk_rows):
            cursor.copy_expert(sql, io.StringIO(body))
    finally:
        cursor.close()
    return len(frame)


class CopyWriter:
    """COPY in a background thread while the caller prepares the next table.

    The server parses and stores rows on one core while Python generates on the other; the
    COPYs still run one after another on the caller's connection and transaction. Use it as
    a context manager; leaving it waits for every COPY and re-raises the first error.

    Parameters
    ----------
    conn : Connection
        Not to be used by the caller until the writer is closed.
    """

    def __init__(self, conn: Connection, depth: int = 3) -> None:
        self._types = column_types(conn)
        self._cursor = raw_cursor(conn)
        # Timestamps are written without an offset, as UTC.
        self._cursor.execute("set local timezone = 'UTC'")
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="copy-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
                try:
                    body = item[1]
                    stream = io.BytesIO(body) if isinstance(body, bytes) else io.StringIO(body)
                    self._cursor.copy_expert(item[0], stream)
                except BaseException as exc:  # noqa: BLE001 - re-raised in close()
                    self._error = exc

    def copy(self, table: str, frame: pd.DataFrame, chunk_rows: int = 500_000) -> int:
        """Queue ``frame`` for COPY into ``table``; returns its row count."""
        if self._error is not None:
            raise self._error
        if frame.empty:
            return 0
        sql = _copy_statement(table, frame)
        types = self._types.get(table, {})
        if binary_ready(frame, types):
            # Binary COPY is built by numpy in bulk instead of formatting every value as
            # text in Python (positions and incident events: millions of rows).
            for start in range(0, len(frame), chunk_rows):
                part = frame.iloc[start:start + chunk_rows]
                body = binary_body(part, types)
                if body is not None:
                    self._queue.put((sql + " WITH (FORMAT binary)", body))
                else:   # too many layouts (free text of every length): text COPY
                    for text_body in _bodies(part, chunk_rows):
                        self._queue.put((sql, text_body))
            return len(frame)
        for body in _bodies(frame, chunk_rows):
            self._queue.put((sql, body))
        return len(frame)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._cursor.close()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> CopyWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()


COLUMN_TYPES = text("""
    select c.relname, a.attname, t.typname
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0
      and not a.attisdropped
""")


def column_types(conn: Connection) -> dict[str, dict[str, str]]:
    """Every public table's columns and their type names: {table: {column: typname}}."""
    types: dict[str, dict[str, str]] = {}
    for table, column, typname in conn.execute(COLUMN_TYPES):
        types.setdefault(table, {})[column] = typname
    return types


def reset_sequence(conn: Connection, table: str, column: str = "id") -> None:
    """Move a serial/identity sequence past the largest id written by COPY."""
    # Identifiers cannot be bound parameters; both are checked to be plain names.
    sql = (f"select setval(pg_get_serial_sequence(:t, :c), "
           f"coalesce((select max({_ident(column)}) from {_ident(table)}), 0) + 1, false)")
    conn.execute(text(sql), {"t": table, "c": column})


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a table name: {name!r}")
    return name
