"""The monthly report as PDF (reportlab): figures, charts, then every table, in Chinese."""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
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


def register_font() -> None:
    """Make the CID font known to ReportLab (once per process)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles() -> dict:
    register_font()
    return {"title": ParagraphStyle("t", fontName=FONT, fontSize=20, leading=26, spaceAfter=6),
            "h2": ParagraphStyle("h", fontName=FONT, fontSize=13, leading=18, spaceBefore=8,
                                 spaceAfter=4, textColor=colors.HexColor("#0b2149")),
            "body": ParagraphStyle("b", fontName=FONT, fontSize=10, leading=14),
            "cell": ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9.5)}


LABEL_PT = 8          # category labels on the charts
PAGE_W = 297 * mm - 24 * mm      # the frame of an A4 landscape page inside the margins


def _label_room(names: list[str], size: float = LABEL_PT) -> float:
    """The width the longest label needs, so no name is cut or runs into the bars."""
    register_font()
    return max([pdfmetrics.stringWidth(n, FONT, size) for n in names] + [20]) + 8


def rates_chart(rows: list[dict], target: float, title: str, width: float = 760,
                row_pt: float = 22) -> Drawing:
    """Closure and on-time rates per row as horizontal bars from 0 to 100%, the target as a
    red line; every name whole on its own row (the names set the left margin).
    """
    names = [r["name_zh"] for r in rows] or [""]
    left = _label_room(names)
    height = row_pt * len(names)
    drawing = Drawing(width, height + 48)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = left, 22, width - left - 50, height
    # Reversed so the first row is at the top, as it is read.
    chart.data = [[(r["closure_rate"] or 0) * 100 for r in rows][::-1] or [0],
                  [(r["on_time_rate"] or 0) * 100 for r in rows][::-1] or [0]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = LABEL_PT
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.categoryAxis.categoryNames = names[::-1]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = LABEL_PT
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.barSpacing, chart.groupSpacing = 1, 5
    chart.bars[0].fillColor, chart.bars[1].fillColor = BLUE, PALE
    drawing.add(chart)
    x = chart.x + chart.width * target
    drawing.add(Line(x, chart.y, x, chart.y + chart.height + 4, strokeColor=RED,
                     strokeDashArray=[4, 3]))
    drawing.add(String(x, chart.y + chart.height + 6, f"目标 {target * 100:g}%", fontName=FONT,
                       fontSize=LABEL_PT, fillColor=RED, textAnchor="middle"))
    drawing.add(String(0, height + 36, title + "（深蓝：办结率，浅蓝：按期率）", fontName=FONT,
                       fontSize=10))
    return drawing


def ranking_chart(rows: list[dict], width: float = 760, row_pt: float = 20) -> Drawing:
    """The ten best performance scores, every name whole."""
    top = [r for r in rows if r["performance"] is not None][:10]
    names = [f"{r['rank']}. {r['name_zh']}" for r in top] or [""]
    left = _label_room(names)
    height = row_pt * len(names)
    drawing = Drawing(width, height + 40)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = left, 18, width - left - 20, height
    chart.data = [[r["performance"] for r in top][::-1] or [0]]
    chart.categoryAxis.categoryNames = names[::-1]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = LABEL_PT
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = LABEL_PT
    chart.bars[0].fillColor = BLUE
    drawing.add(chart)
    drawing.add(String(0, height + 28, "下考上综合绩效前十名（街道评价占50%）",
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


def first_page(report: dict, styles: dict) -> list:
    """Title, period, the figures, then the streets' rates beside the 下考上 top ten: a full
    first page (the charts stacked ran over and left it half empty).
    """
    tables = {t.key: t for t in report["tables"]}
    head = report["headline"]
    figures = [[para(label, styles["cell"]) for _, label, _ in HEADLINE_ROWS],
               [para(text(head[key], kind), styles["cell"]) for key, _, kind in HEADLINE_ROWS]]
    half = (PAGE_W - 6 * mm) / 2
    charts = Grid([[rates_chart(tables["street"].rows, head["target"], "各街道办结率与按期率",
                                width=half, row_pt=34),
                    ranking_chart(tables["ranking"].rows, width=half, row_pt=34)]],
                  colWidths=[half + 3 * mm, half + 3 * mm], hAlign="LEFT",
                  style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [para(report["title"], styles["title"]),
            para(f"统计时段：{report['period']}　对比：{report.get('compared', '')}　"
                 f"数据截至：{when(report['asof'])}　范围：{report['scope']}", styles["body"]),
            Spacer(1, 4 * mm),
            Grid(figures, hAlign="LEFT", style=TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9d3df")),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7"))])),
            Spacer(1, 6 * mm), charts]


def build_pdf(report: dict) -> bytes:
    """The PDF's bytes: figures and charts on page 1, the departments on page 2, then every
    table.
    """
    styles = _styles()
    tables = {t.key: t for t in report["tables"]}
    busy = [r for r in tables["department"].rows if r["reported"]]
    story = first_page(report, styles) + [PageBreak(), rates_chart(
        sorted(busy, key=lambda r: -r["reported"])[:20], report["headline"]["target"],
        "主要部门办结率与按期率（上报量前二十）", width=PAGE_W, row_pt=22), PageBreak()]
    for table in report["tables"]:
        story += grid(table, styles)
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=report["title"],
                            author="智慧红桥指挥中心")
    doc.build(story)
    return out.getvalue()
