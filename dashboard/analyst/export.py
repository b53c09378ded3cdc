"""Export the analyst's selection as CSV or XLSX, with formula injection neutralised."""
from __future__ import annotations

import io

import pandas as pd

from dashboard.analyst.layout_parts import COLUMN_KEYS
from dashboard.i18n import t
from workflow.safe_cells import safe_frame

# An export holds at most this many rows (the newest); the page says so when it cut.
EXPORT_MAX_ROWS = 50_000
COLUMNS = ("code", "reported_at", "status", "category", "street", "community", "grid", "source",
           "department", "deadline", "closed_at", "address", "description")


def readable(frame: pd.DataFrame, lang: str, tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """The selection as people read it: local times, translated words, safe text cells."""
    out = frame.reindex(columns=list(COLUMNS)).copy()
    for col in ("reported_at", "deadline", "closed_at"):
        stamps = pd.to_datetime(out[col], utc=True).dt.tz_convert(tz)
        out[col] = stamps.dt.strftime("%Y-%m-%d %H:%M").where(stamps.notna(), "")
    out["status"] = [t(f"st_{s}", lang) for s in out["status"]]
    out["source"] = [t(f"src_{s}", lang) for s in out["source"]]
    out = safe_frame(out)
    headers = {c: t(COLUMN_KEYS.get(c, "an_col_description"), lang) for c in COLUMNS}
    return out.rename(columns=headers)


def to_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.

    Rows end in CRLF (RFC 4180), which also makes any field holding a CR or LF quoted.
    """
    return readable(frame, lang).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, lang: str) -> bytes:
    """One sheet; every cell is written as a value (strings stay strings)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        readable(frame, lang).to_excel(writer, index=False, sheet_name="incidents")
    return buffer.getvalue()
