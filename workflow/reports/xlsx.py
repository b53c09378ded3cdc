"""The monthly report as XLSX: an overview sheet, then one sheet per table, in Chinese."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workflow.reports.format import cell, when
from workflow.reports.monthly import COLUMNS, Table
from workflow.safe_cells import safe_row

FORMATS = {"pct": "0.0%", "pts": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"', "hours": "0.0", "score": "0.0", "int": "#,##0"}
HEAD_FILL = PatternFill("solid", fgColor="1B6FB3")
TOTAL_FILL = PatternFill("solid", fgColor="EEF2F7")
HEADLINE_ROWS = (("closure_rate", "全区办结率", "pct"),
                 ("closure_delta", "办结率较上期变化", "pts"),
                 ("on_time_rate", "全区按期办结率", "pct"),
                 ("on_time_delta", "按期率较上期变化", "pts"),
                 ("reported", "上报事件", "int"), ("target", "办结率目标", "pct"),
                 ("below_target", "低于目标的部门", "int"), ("whistles", "吹哨", "int"),
                 ("second", "二次哨", "int"), ("overdue", "当前超期事项", "int"))
TOTAL_LABEL = "全区合计"
DISTRICT = "全区"
# The overview's figures, each with its scope and its time: (key, label, format, scope,
# time) where scope is "district" or "mine" (the street chief's street, else the
# district) and time "period", "change" (the period against the one compared) or "now".
RATE_FIGURES = (("closure_rate", "办结率", "pct", "period"),
                ("closure_delta", "办结率较上期变化", "pts", "change"),
                ("on_time_rate", "按期办结率", "pct", "period"),
                ("on_time_delta", "按期率较上期变化", "pts", "change"),
                ("reported", "上报事件", "int", "period"))
OTHER_FIGURES = (("target", "办结率目标", "pct", "district", ""),
                 ("below_target", "低于目标的部门", "int", "district", "period"),
                 ("whistles", "吹哨", "int", "district", "period"),
                 ("second", "二次哨", "int", "district", "period"),
                 ("overdue", "当前超期事项", "int", "mine", "now"))


def overview(book: Workbook, report: dict) -> None:
    sheet = book.active
    sheet.title = "概览"
    sheet.append(safe_row([report["title"]]))
    sheet["A1"].font = Font(size=16, bold=True)
    for label, value in (("统计时段", report["period"]), ("对比", report.get("compared", "")),
                         ("数据截至", when(report["asof"])),
                         ("范围", report["scope"])):
        sheet.append(safe_row([label, value]))
    sheet.append([])
    sheet.append(["指标", "数值", "范围", "时段"])
    for col in range(1, 5):
        sheet.cell(sheet.max_row, col).font = Font(bold=True)
    for scope, label, value, kind, period in figure_rows(report):
        # Labelled like the page's tiles ("全区 · 办结率"), and the scope and time again in
        # their own columns, so a filter or a pivot can use them.
        sheet.append(safe_row([f"{scope} · {label}", cell(value, kind), scope, period]))
        if kind in FORMATS:
            sheet.cell(sheet.max_row, 2).number_format = FORMATS[kind]
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 44


def figure_rows(report: dict) -> list[tuple[str, str, object, str, str]]:
    """The overview's figures as (scope, label, value, format, time): a street chief's own
    street's rates first, then the district's, then the district-wide counts and what is
    overdue now in the reader's scope.
    """
    head = report["headline"]
    mine = head.get("street_name") or DISTRICT
    times = {"period": report["period"], "now": f"截至 {when(report['asof'])}", "": "",
             "change": f"{report['period']} 对比 {report.get('compared', '')}"}
    rows = []
    if head.get("street"):
        rows += [(mine, label, head["street"][key], kind, times[time])
                 for key, label, kind, time in RATE_FIGURES]
    rows += [(DISTRICT, label, head[key], kind, times[time])
             for key, label, kind, time in RATE_FIGURES]
    rows += [(mine if scope == "mine" else DISTRICT, label, head[key], kind, times[time])
             for key, label, kind, scope, time in OTHER_FIGURES]
    return rows


def table_sheet(book: Workbook, table: Table) -> None:
    """One table: a bold header, numbers as numbers with formats, the total at the bottom."""
    sheet = book.create_sheet(table.title[:31])
    kinds = [COLUMNS[c][2] for c in table.columns]
    sheet.append([COLUMNS[c][0] for c in table.columns])
    for col in range(1, len(table.columns) + 1):
        head = sheet.cell(1, col)
        head.font, head.fill = Font(bold=True, color="FFFFFF"), HEAD_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows = list(table.rows)
    if table.total is not None:
        rows.append({**table.total, "name_zh": TOTAL_LABEL})
    for row in rows:
        # Matters and names are typed by people: no cell may become a formula.
        sheet.append(safe_row(cell(row.get(c), k) for c, k in zip(table.columns, kinds)))
        for col, kind in enumerate(kinds, start=1):
            if kind in FORMATS:
                sheet.cell(sheet.max_row, col).number_format = FORMATS[kind]
    if table.total is not None:
        for col in range(1, len(kinds) + 1):
            sheet.cell(sheet.max_row, col).fill = TOTAL_FILL
            sheet.cell(sheet.max_row, col).font = Font(bold=True)
    for col, key in enumerate(table.columns, start=1):
        wide = key in ("name_zh", "matter", "parties", "department_name", "second_note")
        sheet.column_dimensions[get_column_letter(col)].width = 30 if wide else 14
    sheet.freeze_panes = "A2"


def build_xlsx(report: dict) -> bytes:
    """The workbook's bytes: 概览, then a sheet per table in the report's order."""
    book = Workbook()
    overview(book, report)
    for table in report["tables"]:
        table_sheet(book, table)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
