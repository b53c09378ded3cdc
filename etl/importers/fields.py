"""Which column holds what (the field mapping), and parsing the text values of a file."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.importers.problems import ImportRefused

TRUE = frozenset({"1", "true", "t", "yes", "y", "是", "√", "有"})
FALSE = frozenset({"0", "false", "f", "no", "n", "否", "", "无"})
# A time of day followed by a UTC offset: the text says which zone it is in.
OFFSET = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"


class Fields:
    """Resolve logical field names (``code``, ``reported_at``) to a file's columns.

    Parameters
    ----------
    columns : list of str
        The file's columns.
    mapping : dict
        Explicit choices (``--code-field``, ``--map key=column``); each must exist.
    defaults : dict
        Per key, the column names tried in order when the key is not mapped.
    """

    def __init__(self, columns, mapping: dict[str, str], defaults: dict[str, tuple[str, ...]]):
        self.columns = [str(c) for c in columns]
        self.mapping = {k: v for k, v in mapping.items() if v}
        self.defaults = defaults
        missing = [f"{k}={v}" for k, v in self.mapping.items() if v not in self.columns]
        if missing:
            raise ImportRefused(f"字段不存在 no such column: {', '.join(missing)}; "
                                f"文件字段 the file has: {', '.join(self.columns)}")

    def column(self, key: str) -> str | None:
        """The column for ``key``, or None when neither mapped nor found by default."""
        if key in self.mapping:
            return self.mapping[key]
        for name in self.defaults.get(key, (key,)):
            if name in self.columns:
                return name
        return None

    def values(self, frame: pd.DataFrame, key: str) -> pd.Series:
        """The text values for ``key`` ('' throughout when the file has no such column)."""
        column = self.column(key)
        if column is None:
            return pd.Series("", index=frame.index, dtype=str)
        # Sources hold text already: stripped, missing values as ''.
        return frame[column]


def parse_map(items) -> dict[str, str]:
    """``key=column`` pairs from repeated ``--map`` options."""
    out = {}
    for item in items or ():
        key, sep, column = item.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise ImportRefused(f"--map 需要 key=column 格式 needs key=column, got {item!r}")
        out[key.strip()] = column.strip()
    return out


def parse_times(values: pd.Series, zone: str) -> tuple[pd.Series, np.ndarray]:
    """A column of times (UTC) and a mask of the values that are not dates.

    Text with an offset (``+08:00``, ``Z``) keeps it; naive text is local time in ``zone``.
    """
    text = values.str.replace("/", "-", regex=False)
    empty = (text == "").to_numpy()
    aware = text.str.contains(OFFSET, regex=True).to_numpy() & ~empty
    naive = ~aware & ~empty
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if aware.any():
        out[aware] = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
    if naive.any():
        local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        if getattr(local.dtype, "tz", None) is None:
            local = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
        out[naive] = local.dt.tz_convert("UTC")
    return out, out.isna().to_numpy() & ~empty


def parse_bools(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Booleans from 1/0, true/false, yes/no, 是/否 ('' is False) and a mask of the rest."""
    lowered = values.str.lower()
    yes = lowered.isin(TRUE).to_numpy()
    no = lowered.isin(FALSE).to_numpy()
    return yes, ~(yes | no)


def parse_ints(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Nullable integers ('' is missing) and a mask of the values that are not integers."""
    numbers = pd.to_numeric(values.where(values != "", None), errors="coerce")
    integral = numbers.isna() | (numbers == numbers.round())
    bad = ((values != "") & numbers.isna()) | ~integral
    return numbers.where(~bad).round().astype("Int64"), bad.to_numpy()


def iso_text(stamps: pd.Series) -> pd.Series:
    """ISO 8601 text of times to the second, with the UTC offset of zoned ones ('' if NaT)."""
    missing = stamps.isna().to_numpy()
    zoned = getattr(stamps.dtype, "tz", None) is not None
    local = stamps.dt.tz_localize(None) if zoned else stamps
    # Vectorised: strftime on zoned times costs ~30 µs a value.
    text = np.datetime_as_string(local.to_numpy("datetime64[s]"), unit="s").astype(object)
    if zoned:
        seconds = (local - stamps.dt.tz_convert("UTC").dt.tz_localize(None)).dt.total_seconds()
        table = {s: _offset(s) for s in seconds.dropna().unique()}
        suffix = seconds.map(table).astype(object).where(seconds.notna(), "")
        text = text + suffix.to_numpy(object)
    return pd.Series(np.where(missing, "", text), index=stamps.index, dtype=str)


def _offset(seconds: float) -> str:
    sign = "-" if seconds < 0 else "+"
    minutes = int(abs(seconds)) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
