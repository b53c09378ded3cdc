"""The monthly report: its tables, as XLSX and as PDF."""
