"""Patrol spreadsheets (daily sheets with their roll-ups, the monthly attendance, the
discovery rate) as XLSX.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workflow.clock import BEIJING
from workflow.patrol.sheets import rollup
from workflow.safe_cells import safe_row

SHEET_COLUMNS = (("street_zh", "街道"), ("community_zh", "社区"), ("grid_code", "网格"),
                 ("display_name", "网格员"), ("username", "账号"), ("first_fix", "首次定位"),
                 ("last_fix", "末次定位"), ("km", "里程(km)"),
                 ("minutes_on_beat", "在岗分钟"), ("minutes_off_beat", "离岗分钟"),
                 ("beat_covered", "网格覆盖率"), ("stops", "停留"), ("reports", "上报事件"),
                 ("set_aside", "搁置定位"))
ROLLUP_COLUMNS = (("workers", "网格员"), ("on_duty", "在岗"), ("km", "里程(km)"),
                  ("minutes_on_beat", "在岗分钟"), ("minutes_off_beat", "离岗分钟"),
                  ("beat_covered", "平均覆盖率"), ("stops", "停留"), ("reports", "上报事件"),
                  ("set_aside", "搁置定位"))


def _value(value):
    # Spreadsheets hold naive times: Beijing wall-clock time, as the users read it.
    if isinstance(value, datetime):
        return value.astimezone(BEIJING).replace(tzinfo=None)
    return value


def _table(book: Workbook, title: str, columns: Sequence[tuple[str, str]], rows: list[dict],
           first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Names are typed by people: no cell may become a formula.
        sheet.append(safe_row(_value(row.get(key)) for key, _ in columns))
    for col in range(1, min(len(columns), 14) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 14


def sheets_xlsx(rows: list[dict]) -> bytes:
    """The day's sheets, then their roll-ups by community and by street."""
    book = Workbook()
    _table(book, "网格员巡查日报", SHEET_COLUMNS, rows, first=True)
    _table(book, "按社区", (("community_zh", "社区"),) + ROLLUP_COLUMNS,
           rollup(rows, "community_id"))
    _table(book, "按街道", (("street_zh", "街道"),) + ROLLUP_COLUMNS, rollup(rows, "street_id"))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


STATUS_ZH = {"ok": "正常", "late": "迟到", "early": "早退", "late_early": "迟到早退",
             "absent": "缺勤", "leave": "请假"}


def attendance_xlsx(table: dict) -> bytes:
    """The month's attendance: a summary per worker, then a worker-by-day calendar."""
    book = Workbook()
    summary = [{**{k: w[k] for k in ("street_zh", "community_zh", "grid_code", "display_name",
                                     "username")},
                **{STATUS_ZH[k]: n for k, n in w["counts"].items()}} for w in table["workers"]]
    head = (("street_zh", "街道"), ("community_zh", "社区"), ("grid_code", "网格"),
            ("display_name", "网格员"), ("username", "账号"))
    _table(book, f"考勤汇总{table['month']}", head + tuple((v, v) for v in STATUS_ZH.values()),
           summary, first=True)
    days = table["days"]
    calendar = [{"display_name": w["display_name"], "username": w["username"],
                 **{d: STATUS_ZH.get(w["status"].get(d), "") for d in days}}
                for w in table["workers"]]
    _table(book, "考勤明细", (("display_name", "网格员"), ("username", "账号"))
           + tuple((d, d[5:]) for d in days), calendar)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


DISCOVERY_GRID_COLUMNS = (("street_zh", "街道"), ("community_zh", "社区"), ("grid_code", "网格"),
                          ("incidents", "事件"), ("by_patrol", "巡查发现"),
                          ("by_public", "群众/热线/Open311"), ("walked_past", "巡经未报"),
                          ("patrol_share", "巡查发现率"))
DISCOVERY_WORKER_COLUMNS = (("display_name", "网格员"), ("username", "账号"),
                            ("grid_code", "网格"), ("found", "巡查上报"),
                            ("walked_past", "巡经未报"), ("patrol_share", "发现率"))
PASS_COLUMNS = (("code", "事件编号"), ("source", "来源"), ("reported_at", "上报时间"),
                ("display_name", "网格员"), ("username", "账号"), ("last_pass", "最近经过"),
                ("metres", "最近距离(m)"))


def discovery_xlsx(body: dict) -> bytes:
    """The discovery rate: by grid, by worker, then every (incident, worker) walked past."""
    book = Workbook()
    _table(book, "按网格", DISCOVERY_GRID_COLUMNS, body["grids"], first=True)
    _table(book, "按网格员", DISCOVERY_WORKER_COLUMNS, body["workers"])
    passes = [{**i, **w} for i in body["walked_past"] for w in i["workers"]]
    _table(book, "巡经未报", PASS_COLUMNS, passes)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
