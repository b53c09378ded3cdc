"""The monthly PDF's pages as laid out: whole names that never overlap, a full first page,
changes with their unit (issue 25).
"""
from datetime import UTC, datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from workflow.reports import pdf
from workflow.reports.format import text
from workflow.reports.monthly import Table

LONG = "区市场监督管理局食品安全稽查支队"
STREETS = ["丁字沽街道", "西于庄街道", "双环邨街道", "咸阳北路街道", "西沽街道", "三条石街道",
           "邵公庄街道", "芥园街道", "铃铛阁街道", "和苑街道"]


def row(name, closure=0.991, on_time=0.93, reported=100):
    return {"name_zh": name, "closure_rate": closure, "on_time_rate": on_time,
            "reported": reported}


def report() -> dict:
    depts = [row(f"{LONG}{i}", reported=200 - i) for i in range(25)]
    ranking = [{"rank": i + 1, "name_zh": f"{LONG}{i}", "performance": 90 - i} for i in range(12)]
    tables = [Table("street", "街道办结", ["name_zh"], [row(n) for n in STREETS]),
              Table("department", "部门办结", ["name_zh"], depts),
              Table("ranking", "下考上排名", ["rank", "name_zh"], ranking)]
    head = {"closure_rate": 0.991, "closure_delta": -0.006, "on_time_rate": 0.93,
            "on_time_delta": 0.012, "reported": 24000, "target": 0.99, "below_target": 3,
            "whistles": 9, "second": 1, "overdue": 12}
    return {"title": "红桥区网格化管理月报", "period": "2026年11月", "compared": "2026年10月",
            "asof": datetime(2026, 12, 3, 2, tzinfo=UTC), "scope": "全区", "headline": head,
            "tables": tables}


def labels(drawing):
    chart = drawing.contents[0]
    return chart, list(chart.categoryAxis.categoryNames)


def test_every_name_on_the_charts_is_whole_and_clear_of_its_neighbours():
    for drawing in (pdf.rates_chart([row(f"{LONG}{i}") for i in range(20)], 0.99, "部门",
                                    width=pdf.PAGE_W),
                    pdf.ranking_chart(report()["tables"][2].rows)):
        chart, names = labels(drawing)
        assert all(LONG in n for n in names)                    # never cut to six characters
        widest = max(stringWidth(n, pdf.FONT, pdf.LABEL_PT) for n in names)
        assert chart.x >= widest                                # the names fit left of the bars
        assert chart.height / len(names) >= pdf.LABEL_PT + 4    # one name per row, apart
        assert chart.valueAxis.valueMin == 0                    # rates and scores from 0


def test_the_first_page_is_full_and_the_changes_have_their_unit():
    styles = pdf._styles()
    story = pdf.first_page(report(), styles)
    frame_w = landscape(A4)[0] - 24 * mm
    frame_h = landscape(A4)[1] - 24 * mm
    height = sum(f.wrap(frame_w, frame_h)[1] for f in story)
    assert 0.7 * frame_h <= height <= frame_h        # fits on page 1, and fills most of it
    cells = [(c[0] if isinstance(c, tuple) else c).getPlainText()
             for c in story[3]._cellvalues[1]]
    assert "-0.6个百分点" in cells and "+1.2个百分点" in cells
    assert text(-0.006, "pts", "en") == "-0.6 pts"


def test_the_pdf_builds_with_long_names():
    data = pdf.build_pdf(report())
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(
        b"/Type /Page ") >= 3
