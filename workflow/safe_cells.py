"""Spreadsheet cells that cannot run: text starting with = + - @ (or tab/CR) is quoted."""
from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """The value for a CSV/XLSX cell: text that a spreadsheet would read as a formula gets a
    leading apostrophe (OWASP's advice), so ``=HYPERLINK(...)`` shows as text; numbers,
    dates and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
