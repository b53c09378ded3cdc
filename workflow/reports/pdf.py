"""The monthly report as PDF (reportlab): figures, charts, then every table, in Chinese."""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as Grid

from workflow.reports.format import text, when
from workflow.reports.monthly import COLUMNS, Table
from workflow.reports.xlsx import HEADLINE_ROWS, TOTAL_LABEL

FONT = "STSong-Light"     # a CID font every PDF reader has: Chinese without shipping fonts
MAX_ROWS = 60
BLUE, PALE, RED = colors.HexColor("#1b6fb3"), colors.HexColor("#9cc3e6"), colors.HexColor("#ff4d4f")


def para(value, style) -> Paragraph:
    """A Paragraph of plain text. ReportLab reads a Paragraph's text as markup (``<img
    src=...>`` fetches a URL or reads a file, an unbalanced ``<b>`` fails the whole PDF),
    so every text is escaped: whatever a person typed prints as typed. Control characters
    (which the PDF's XML parser refuses) become spaces.
    """
    text = "" if value is None else str(value)
    text = "".join(" " if ord(c) < 32 and c not in "\n" else c for c in text)
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _styles() -> dict:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {"title": ParagraphStyle("t", fontName=FONT, fontSize=20, leading=26, spaceAfter=6),
            "h2": ParagraphStyle("h", fontName=FONT, fontSize=13, leading=18, spaceBefore=8,
                                 spaceAfter=4, textColor=colors.HexColor("#0b2149")),
            "body": ParagraphStyle("b", fontName=FONT, fontSize=10, leading=14),
            "cell": ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9.5)}


def rates_chart(rows: list[dict], target: float, title: str) -> Drawing:
    """Closure and on-time rates per row as bars, the target as a red line."""
    drawing = Drawing(760, 230)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 45, 690, 150
    chart.data = [[(r["closure_rate"] or 0) * 100 for r in rows],
                  [(r["on_time_rate"] or 0) * 100 for r in rows]]
    low = min([v for series in chart.data for v in series] + [target * 100])
    chart.valueAxis.valueMin = max(0, int(low) - 5)
    chart.valueAxis.valueMax = 100
    chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.categoryNames = [r["name_zh"][:6] for r in rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.bars[0].fillColor, chart.bars[1].fillColor = BLUE, PALE
    drawing.add(chart)
    span = chart.valueAxis.valueMax - chart.valueAxis.valueMin
    y = chart.y + chart.height * (target * 100 - chart.valueAxis.valueMin) / span
    drawing.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=RED, strokeDashArray=[4, 3]))
    drawing.add(String(chart.x + chart.width - 60, y + 3, f"目标 {target * 100:g}%", fontName=FONT,
                       fontSize=8, fillColor=RED))
    drawing.add(String(50, 212, title + "（蓝：办结率，浅蓝：按期率，%）", fontName=FONT, fontSize=10))
    return drawing


def ranking_chart(rows: list[dict]) -> Drawing:
    """The ten best performance scores."""
    top = [r for r in rows if r["performance"] is not None][:10]
    drawing = Drawing(760, 40 + 18 * max(1, len(top)))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 160, 10, 560, 18 * max(1, len(top))
    chart.data = [[r["performance"] for r in top][::-1] or [0]]
    chart.categoryAxis.categoryNames = [f"{r['rank']}. {r['name_zh']}" for r in top][::-1] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.bars[0].fillColor = BLUE
    drawing.add(chart)
    drawing.add(String(10, chart.y + chart.height + 12, "下考上综合绩效前十名（街道评价占50%）",
                       fontName=FONT, fontSize=10))
    return drawing


def grid(table: Table, styles: dict) -> list:
    """A table's header and rows (at most MAX_ROWS, the rest in the XLSX) with its total."""
    total = [{**table.total, "name_zh": TOTAL_LABEL}] if table.total else []
    rows = table.rows[:MAX_ROWS] + total
    kinds = [COLUMNS[c][2] for c in table.columns]
    data = [[para(COLUMNS[c][0], styles["cell"]) for c in table.columns]]
    data += [[para(text(r.get(c), k), styles["cell"]) for c, k in zip(table.columns, kinds)]
             for r in rows]
    out = [para(table.title, styles["h2"])]
    if not table.rows:
        return out + [para("本期无数据", styles["body"])]
    shown = Grid(data, repeatRows=1, hAlign="LEFT")
    style = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
             ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9d3df")),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if table.total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f4f6fa")))
    shown.setStyle(TableStyle(style))
    out.append(shown)
    if len(table.rows) > MAX_ROWS:
        out.append(para(f"仅列前 {MAX_ROWS} 行，共 {len(table.rows)} 行，完整清单见 XLSX 月报。",
                        styles["body"]))
    return out


def build_pdf(report: dict) -> bytes:
    """The PDF's bytes: title and figures, the charts, then every table."""
    styles = _styles()
    tables = {t.key: t for t in report["tables"]}
    head = report["headline"]
    story = [para(report["title"], styles["title"]),
             para(f"统计时段：{report['period']}　对比：{report.get('compared', '')}　"
                  f"数据截至：{when(report['asof'])}　范围：{report['scope']}", styles["body"]),
             Spacer(1, 4 * mm)]
    figures = [[para(label, styles["cell"]) for _, label, _ in HEADLINE_ROWS],
               [para(text(head[key], kind), styles["cell"]) for key, _, kind in HEADLINE_ROWS]]
    story += [Grid(figures, hAlign="LEFT", style=TableStyle(
        [("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9d3df")),
         ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7"))])), Spacer(1, 4 * mm)]
    story.append(rates_chart(tables["street"].rows, head["target"], "各街道办结率与按期率"))
    busy = [r for r in tables["department"].rows if r["reported"]]
    story.append(rates_chart(sorted(busy, key=lambda r: -r["reported"])[:20], head["target"],
                             "主要部门办结率与按期率"))
    story += [PageBreak(), ranking_chart(tables["ranking"].rows), Spacer(1, 4 * mm)]
    for table in report["tables"]:
        story += grid(table, styles)
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=report["title"],
                            author="智慧红桥指挥中心")
    doc.build(story)
    return out.getvalue()
