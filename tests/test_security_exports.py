"""Spreadsheet exports cannot carry formulas: the helper, and every module that writes one."""
import re
from pathlib import Path

import pandas as pd
import pytest

from workflow.safe_cells import safe_cell, safe_frame, safe_row

ROOT = Path(__file__).resolve().parents[1]
WRITERS = re.compile(r"\.to_csv\(|csv\.writer|csv\.DictWriter|openpyxl|\.to_excel\(|xlsxwriter|"
                     r"send_data_frame")
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
    assert "workflow/reports_xlsx.py" in writers
    assert unsafe == []


def test_the_analyst_export_writes_formulas_as_text():
    from datetime import datetime, timezone
    from io import BytesIO

    from openpyxl import load_workbook

    from dashboard.analyst_export import to_csv, to_xlsx

    at = datetime(2026, 11, 26, 2, tzinfo=timezone.utc)
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
