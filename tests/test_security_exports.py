"""Spreadsheet exports cannot carry formulas: the helper, and every module that writes one."""
import re
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest

from workflow.safe_cells import safe_cell, safe_frame, safe_row

ROOT = Path(__file__).resolve().parents[1]
# What writes a spreadsheet (reading one with pd.read_excel(engine="openpyxl") is not).
WRITERS = re.compile(r"\.to_csv\(|csv\.writer|csv\.DictWriter|Workbook\(|ExcelWriter|"
                     r"\.to_excel\(|xlsxwriter|send_data_frame")
GUARDS = re.compile(r"safe_(cell|row|frame)")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  '=HYPERLINK("http://evil/","x")', "=cmd|' /C calc'!A0"])
def test_formula_starts_are_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["井盖破损", "a=b", "", None, -3, 2.5, "<script>"])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value


def test_rows_and_frames():
    assert safe_row(["=1", 2, "x"]) == ["'=1", 2, "x"]
    frame = safe_frame(pd.DataFrame({"a": ["=1", "ok"], "n": [-1, 2]}))
    assert frame["a"].tolist() == ["'=1", "ok"] and frame["n"].tolist() == [-1, 2]


def test_every_module_that_writes_a_spreadsheet_neutralises_formulas():
    """A tripwire for exports that land later (the analyst page's CSV, ...)."""
    writers, unsafe = [], []
    for package in ("api", "dashboard", "data", "etl", "workflow"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if WRITERS.search(source):
                writers.append(path.relative_to(ROOT).as_posix())
                if not GUARDS.search(source):
                    unsafe.append(path.relative_to(ROOT).as_posix())
    assert "workflow/reports/xlsx.py" in writers
    assert unsafe == []


def test_the_analyst_export_writes_formulas_as_text():
    from datetime import datetime, timezone
    from io import BytesIO

    from openpyxl import load_workbook

    from dashboard.analyst.export import to_csv, to_xlsx

    at = datetime(2026, 11, 26, 2, tzinfo=UTC)
    frame = pd.DataFrame([{
        "code": "HQ1", "reported_at": at, "status": "reported", "category": "=1+1",
        "street": "@SUM(A1)", "community": "+1", "grid": "-1", "source": "patrol",
        "department": None, "deadline": None, "closed_at": None,
        "address": '=HYPERLINK("http://evil/","x")',
        "description": "<script>alert(1)</script>"}])
    text = to_csv(frame, "zh").decode("utf-8-sig")
    for cell in ("'=1+1", "'@SUM(A1)", "'+1", "'-1", "<script>alert(1)</script>"):
        assert cell in text
    book = load_workbook(BytesIO(to_xlsx(frame, "zh")))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]


CONTROL_TEXT = "井盖\x01破损\x07\x1b[31m\x0b\x0c\x1f\x7f"


def test_control_characters_are_dropped_so_xlsx_never_fails():
    """Issue 18, item 9: U+0001-U+001F in a description made openpyxl raise (a 500 for the
    whole period); tab, LF and CR stay.
    """
    assert safe_cell(CONTROL_TEXT) == "井盖破损[31m"
    assert safe_cell("a\tb\nc\rd") == "a\tb\nc\rd"
    assert safe_cell("\x01=1+1") == "'=1+1"
    from datetime import datetime, timezone
    from io import BytesIO

    from openpyxl import load_workbook

    from dashboard.analyst.export import to_xlsx
    frame = pd.DataFrame([{
        "code": "HQ1", "reported_at": datetime(2026, 11, 26, 2, tzinfo=UTC),
        "status": "reported", "category": "c", "street": "s", "community": "c", "grid": "g",
        "source": "patrol", "department": None, "deadline": None, "closed_at": None,
        "address": "光荣道\x02 1 号", "description": CONTROL_TEXT}])
    book = load_workbook(BytesIO(to_xlsx(frame, "zh")))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "井盖破损[31m" in values and "光荣道 1 号" in values


HOSTILE = ('<img src="http://127.0.0.1:{port}/x.png" width="9" height="9"/><b>未闭合 '
           '<font name="x">&amp;&#0; <link href="file:///etc/passwd">x</link>\x01=1+1')


@pytest.fixture(scope="module")
def leaders_report(server_settings):
    """The real monthly report of the hand-made leaders' world, as the API builds it."""
    from sqlalchemy import create_engine

    from tests.conftest import create_test_database, drop_test_database
    from tests.leaders_world import NOW, build_leaders_world
    from workflow.leaders.figures import month_period
    from workflow.reports.monthly import monthly_report

    url = create_test_database(server_settings, "report_markup")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            lw = build_leaders_world(conn)
            yield monthly_report(conn, lw.world.actor("leader"), month_period("2026-11"), NOW,
                                 0.99)
    finally:
        engine.dispose()
        drop_test_database(server_settings, url)


def test_the_pdf_prints_whistle_text_as_typed_and_fetches_nothing(leaders_report):
    """Issue 18, item 8: user text reached ReportLab's paragraph markup unescaped: <img>
    made the server fetch a URL (or read a file), an unbalanced <b> failed the PDF.
    """
    import http.server
    import threading

    from workflow.reports.pdf import _styles, build_pdf, para

    hits = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        text = HOSTILE.format(port=server.server_address[1])
        items = next(t for t in leaders_report["tables"] if t.key == "w_items")
        assert items.rows, "the leaders' world has whistles this month"
        for row in items.rows:
            row["matter"] = text
        leaders_report["scope"] = text
        pdf = build_pdf(leaders_report)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF") and hits == []
    shown = para(text, _styles()["body"]).getPlainText()
    assert "<img src=" in shown and "<b>未闭合" in shown

