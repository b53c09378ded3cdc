"""Export the analyst's selection as CSV or XLSX, with formula injection neutralised."""
from __future__ import annotations

import io

import pandas as pd

from dashboard.analyst.layout_parts import COLUMN_KEYS
from dashboard.i18n import t
from workflow.safe_cells import safe_cell, safe_frame

# An export holds at most this many rows (the newest); the page says so when it cut.
EXPORT_MAX_ROWS = 50_000
COLUMNS = ("code", "reported_at", "status", "category", "street", "community", "grid", "source",
           "department", "deadline", "closed_at", "address", "description", "source_code")


NAMED = ("category", "street", "community", "department")


def in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Reference names in the reader's language (the Chinese one where there is no English),
    without the ``*_en`` columns the query brings.
    """
    out = frame.copy()
    for col in NAMED:
        english = out.pop(f"{col}_en") if f"{col}_en" in out else None
        if lang == "en" and english is not None:
            out[col] = english.where(english.notna() & (english != ""), out[col])
    return out


def readable(frame: pd.DataFrame, lang: str, tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """The selection as people read it: local times, translated words, safe text cells."""
    out = in_language(frame, lang).reindex(columns=list(COLUMNS)).copy()
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


DATE_COLUMNS = ("reported_at", "deadline", "closed_at")
FILTER_KEYS = {"street": "an_col_street", "community": "an_col_community", "grid": "an_col_grid",
               "subject": "an_subject", "category": "an_category", "sources": "an_source",
               "statuses": "an_status", "department": "an_department"}


def with_dates(frame: pd.DataFrame, table: pd.DataFrame,
               tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """The readable table with its time columns as real (local, naive) datetimes, so a
    spreadsheet sorts and filters them as dates.
    """
    out = table.copy()
    for position, col in enumerate(COLUMNS):
        if col in DATE_COLUMNS:
            stamps = pd.to_datetime(frame[col], utc=True).dt.tz_convert(tz).dt.tz_localize(None)
            out.isetitem(position, stamps.dt.floor("min").to_numpy())
    return out


def about_rows(state: dict, opts: dict, period: tuple, link: str, exported_at: str,
               rows: int, lang: str) -> list[tuple[str, str]]:
    """What produced an export, as (label, value) rows: period, every filter set, the link."""
    out = [(t("an_export_period", lang), f"{period[0]:%Y-%m-%d} – {period[1]:%Y-%m-%d}")]
    for key, label in FILTER_KEYS.items():
        value = state.get(key)
        if value in (None, [], ""):
            continue
        names = {o["value"]: o["label"] for o in opts.get(key, [])}
        chosen = value if isinstance(value, list) else [value]
        out.append((t(label, lang), t("cases_list_sep", lang).join(
            str(names.get(v, v)) for v in chosen)))
    if state.get("overdue"):
        out.append((t("an_overdue", lang), "✓"))
    out += [(t("an_export_rows", lang), f"{rows:,}"), (t("an_export_when", lang), exported_at),
            (t("an_export_link", lang), link)]
    return [(label, safe_cell(value)) for label, value in out]


def to_xlsx(frame: pd.DataFrame, lang: str, about: list[tuple[str, str]] | None = None) -> bytes:
    """The rows (dates as dates), then a sheet saying which filters produced them and when;
    every text cell is written as a value (strings stay strings).
    """
    buffer = io.BytesIO()
    table = with_dates(frame, readable(frame, lang))
    with pd.ExcelWriter(buffer, engine="openpyxl",
                        datetime_format="yyyy-mm-dd hh:mm") as writer:
        table.to_excel(writer, index=False, sheet_name=t("an_sheet_rows", lang))
        sheet = writer.sheets[t("an_sheet_rows", lang)]
        for letter in ("A", "B", "K", "L"):
            sheet.column_dimensions[letter].width = 20
        if about is not None:
            pd.DataFrame(about, columns=[t("an_export_filter", lang), t("an_export_value", lang)]
                         ).to_excel(writer, index=False, sheet_name=t("an_sheet_filters", lang))
            writer.sheets[t("an_sheet_filters", lang)].column_dimensions["B"].width = 60
    return buffer.getvalue()
