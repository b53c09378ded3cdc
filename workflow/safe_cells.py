"""Spreadsheet cells that cannot run or break a file: control characters dropped, text
starting with = + - @ (or tab/CR/LF) quoted.
"""
from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters an XLSX (XML 1.0) cannot hold: openpyxl raises on them, which made a whole
# export fail for one description. Tab, LF and CR are allowed and kept.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_cell(value):
    """The value for a CSV/XLSX cell: control characters (U+0000-U+001F but tab, LF, CR;
    and DEL) removed, then text that a spreadsheet would read as a formula gets a leading
    apostrophe (OWASP's advice), so ``=HYPERLINK(...)`` shows as text; numbers, dates and
    other values pass unchanged.
    """
    if not isinstance(value, str):
        return value
    value = CONTROL.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """``safe_cell`` over a row."""
    return [safe_cell(v) for v in values]


def safe_frame(frame):
    """A copy of a DataFrame with every text cell made safe (for CSV/XLSX downloads)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    return out
