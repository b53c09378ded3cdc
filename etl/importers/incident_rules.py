"""The rules an imported incident must meet: known codes, parseable ordered times, its events."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.importers.fields import parse_times
from etl.importers.problems import Report

TIMES = ("reported_at", "accepted_at", "dispatched_at", "started_at", "resolved_at",
         "verified_at", "closed_at", "rejected_at")
SOURCE_WORDS = {"巡查": "patrol", "网格巡查": "patrol", "网格员": "patrol", "居民": "resident",
                "群众": "resident", "热线": "hotline", "12345": "hotline", "12345热线": "hotline",
                "上级": "superior", "上级交办": "superior", "信访": "petition"}
STATUS_WORDS = {"上报": "reported", "已上报": "reported", "已受理": "accepted",
                "已派遣": "dispatched", "处置中": "in_progress", "已处置": "resolved",
                "已核查": "verified", "结案": "closed", "已结案": "closed",
                "不予立案": "rejected", "重办": "reopened"}
HANDLERS = ("department", "street", "community")
# (time column, action, from status, to status): the event log an incident leaves behind.
STEPS = (
    ("reported_at", "report", None, "reported"),
    ("accepted_at", "accept", "reported", "accepted"),
    ("rejected_at", "reject", "accepted", "rejected"),
    ("dispatched_at", "dispatch", "accepted", "dispatched"),
    ("started_at", "start", "dispatched", "in_progress"),
    ("resolved_at", "resolve", "in_progress", "resolved"),
    ("verified_at", "verify", "resolved", "verified"),
    ("closed_at", "close", "verified", "closed"),
)
NEEDS_TIME = {"closed": "closed_at", "rejected": "rejected_at"}


def normalise(values: pd.Series, allowed, words: dict, kind: str, rows, labels,
              report: Report) -> pd.Series:
    """Codes from a closed list (case-insensitive, or a Chinese word for one); None if not."""
    lowered = values.str.lower()
    codes = lowered.where(lowered.isin(list(allowed)), values.map(words))
    listed = ", ".join(allowed)
    for i in np.flatnonzero(codes.isna().to_numpy()):
        value = values.iat[i]
        report.add(kind, int(rows[i]), labels.iat[i],
                   f"{value!r} 不在 not one of: {listed}" if value else f"缺少 missing: {listed}")
    return codes.astype(object).where(codes.notna(), None)


def known(values: pd.Series, table: dict, kind: str, rows, labels, report: Report,
          required: bool = True) -> None:
    """Report values that are not keys of ``table`` (a category or department lookup)."""
    unknown = ~values.isin(list(table)) & ((values != "") | required)
    for i in np.flatnonzero(unknown.to_numpy()):
        value = values.iat[i]
        report.add(kind, int(rows[i]), labels.iat[i],
                   f"{value!r} 不存在 is not known" if value else "缺少 missing")


def read_times(fields, frame, zone: str, rows, labels, report: Report) -> pd.DataFrame:
    """Every lifecycle time and the deadline, in UTC; bad dates are reported by column.

    A column ``bad`` marks the rows with any unreadable time (they are not checked again).
    """
    out, bad_any = {}, np.zeros(len(frame), dtype=bool)
    for key in TIMES + ("deadline",):
        text = fields.values(frame, key)
        stamps, bad = parse_times(text, zone)
        for i in np.flatnonzero(bad):
            report.add("bad_date", int(rows[i]), labels.iat[i],
                       f"{fields.column(key)}={text.iat[i]!r} 不是ISO 8601日期时间 is not an "
                       "ISO 8601 date and time")
        out[key] = stamps
        bad_any |= bad
    return pd.DataFrame(out, index=frame.index).assign(bad=bad_any)


def check_times(times: pd.DataFrame, statuses: list, zone: str, rows, labels,
                report: Report) -> None:
    """Times before the report, missing reports, and closed/rejected without their time."""
    reported, readable = times["reported_at"], ~times["bad"].to_numpy()
    for i in np.flatnonzero(reported.isna().to_numpy() & readable):
        report.add("missing_field", int(rows[i]), labels.iat[i], "缺少 missing reported_at")
    for key in TIMES[1:]:
        for i in np.flatnonzero((times[key] < reported).to_numpy()):
            report.add("time_order", int(rows[i]), labels.iat[i],
                       f"{key} {_local(times[key].iat[i], zone)} 早于 is before reported_at "
                       f"{_local(reported.iat[i], zone)}")
    statuses = np.asarray(statuses, dtype=object)
    for status, needed in NEEDS_TIME.items():
        lacking = (statuses == status) & times[needed].isna().to_numpy() & readable
        for i in np.flatnonzero(lacking):
            report.add("missing_field", int(rows[i]), labels.iat[i],
                       f"状态 status {status} 需要 needs {needed}")


def _local(stamp: pd.Timestamp, zone: str) -> str:
    return stamp.tz_convert(zone).isoformat(timespec="minutes")


def lifecycle_events(rows: pd.DataFrame, written: pd.DataFrame) -> pd.DataFrame:
    """One event per lifecycle time of each newly inserted incident, in time order."""
    inserted = written.loc[written["inserted"].astype(bool), "id"]
    new = rows[rows["id"].isin(inserted)]
    frames = []
    for order, (column, action, before, after) in enumerate(STEPS):
        reached = new[new[column].notna()].reset_index(drop=True)
        frames.append(pd.DataFrame({
            "incident_id": reached["id"].to_numpy(), "at": reached[column],
            "action": action, "from_status": before, "to_status": after,
            "department_id": reached["department_id"] if action == "dispatch"
            else pd.array([pd.NA] * len(reached), dtype="Int64"),
            "note": "导入 imported", "order": order}))
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values(["incident_id", "at", "order"], kind="stable")
    events["department_id"] = events["department_id"].astype("Int64")
    return events.drop(columns="order").reset_index(drop=True)
