"""PostgreSQL binary COPY bodies built by numpy: no per-value Python formatting.

A binary COPY row is a field count, then per field a byte length (-1 for NULL) and the
value. Rows whose NULLs and text lengths are the same share one fixed layout, so the rows
are grouped by layout and each group is one numpy structured array.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# The binary COPY header: signature, flags, header-extension length (PostgreSQL docs,
# "COPY ... Binary Format"); the trailer is a field count of -1.
HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
# PostgreSQL's epoch for timestamps is 2000-01-01; values are microseconds since then.
PG_EPOCH_US = 946_684_800_000_000
POINT_EWKB_HEX = 50
FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float4": ">f4", "float8": ">f8",
         "bool": "u1", "timestamptz": ">i8", "timestamp": ">i8", "geometry": "S25"}
TEXT = ("varchar", "text", "bpchar")
# Grouping by layout pays while layouts are few; free text of every length is not worth it.
MAX_LAYOUTS = 4000


class _Column:
    """One column encoded once: a null mask, and either fixed values or text codes."""

    def __init__(self, series: pd.Series, pg_type: str) -> None:
        self.null = series.isna().to_numpy()
        self.fixed = FIXED.get(pg_type)
        if self.fixed:
            self.values = _fixed_values(series, pg_type, self.null)
            self.lengths = np.where(self.null, -1, np.dtype(self.fixed).itemsize)
        else:
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            encoded = [str(u).encode() for u in uniques]
            self.codes = codes
            sizes = np.array([len(b) for b in encoded] or [0])
            self.table = np.array(encoded or [b""], dtype=f"S{max(int(sizes.max()), 1)}")
            self.lengths = np.where(self.null, -1, sizes[np.maximum(codes, 0)])

    def field(self, length: int) -> str:
        return self.fixed if self.fixed else f"S{max(length, 1)}"

    def take(self, rows: np.ndarray, length: int) -> np.ndarray:
        if self.fixed:
            return self.values[rows]
        # Every row of a group has exactly ``length`` bytes here, so narrowing drops only
        # the padding of the widest value.
        return self.table[self.codes[rows]].astype(f"S{max(length, 1)}")


def _fixed_values(series: pd.Series, pg_type: str, null: np.ndarray) -> np.ndarray:
    if pg_type in ("timestamptz", "timestamp"):
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        micros = series.to_numpy("datetime64[us]").astype(np.int64)
        return np.where(null, 0, micros - PG_EPOCH_US)
    if pg_type == "geometry":
        hexes = series.where(~null, "0" * POINT_EWKB_HEX).tolist()
        return np.frombuffer(bytes.fromhex("".join(hexes)), dtype="S25")
    if null.any() or pd.api.types.is_extension_array_dtype(series.dtype):
        # NULL fields carry no value; the filler only keeps the array numeric.
        kind = np.float64 if pg_type.startswith("float") else np.int64
        return series.astype(object).where(~null, 0).to_numpy(dtype=kind)
    return series.to_numpy()


def binary_ready(frame: pd.DataFrame, types: dict[str, str]) -> bool:
    """True when every column's type can go binary (points only, for geometry)."""
    for column in frame.columns:
        pg_type = types.get(column)
        if pg_type not in FIXED and pg_type not in TEXT:
            return False
        if pg_type == "geometry":
            present = frame[column].dropna()
            if not (present.str.len() == POINT_EWKB_HEX).all():
                return False
    return True


def binary_body(frame: pd.DataFrame, types: dict[str, str]) -> bytes | None:
    """The whole COPY body for ``frame``, or None when it has too many row layouts."""
    columns = [_Column(frame[c], types[c]) for c in frame.columns]
    if not len(frame):
        return HEADER + TRAILER
    key = _layout_key([c.lengths for c in columns])
    groups = int(key.max()) + 1
    if groups > MAX_LAYOUTS:
        return None
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(groups + 1))
    parts = [HEADER]
    for k in range(groups):
        rows = order[bounds[k]:bounds[k + 1]]
        layout = [int(c.lengths[rows[0]]) for c in columns]
        parts.append(_group(columns, layout, rows))
    parts.append(TRAILER)
    return b"".join(parts)


def _layout_key(lengths: list[np.ndarray]) -> np.ndarray:
    """A dense group number per row: rows with equal lengths in every column share one."""
    key = np.zeros(len(lengths[0]), dtype=np.int64)
    for column in lengths:
        codes, uniques = pd.factorize(column)
        if len(uniques) > 1:
            # Mixed radix, compacted again at once, so the number never overflows.
            key, _ = pd.factorize(key * len(uniques) + codes)
    return key


def _group(columns: list[_Column], layout: list[int], rows: np.ndarray) -> bytes:
    fields = [("count", ">i2")]
    for i, (column, length) in enumerate(zip(columns, layout)):
        fields.append((f"len{i}", ">i4"))
        if length >= 0 and (length > 0 or column.fixed):
            fields.append((f"val{i}", column.field(length)))
    out = np.empty(len(rows), dtype=np.dtype(fields))
    out["count"] = len(columns)
    for i, (column, length) in enumerate(zip(columns, layout)):
        out[f"len{i}"] = length
        if f"val{i}" in (out.dtype.names or ()):
            out[f"val{i}"] = column.take(rows, length)
    return out.tobytes()
