"""Callback inputs as the browser should have sent them: a forged call may send anything,
so each value is narrowed to its expected type (anything else reads as "not given").
"""
from __future__ import annotations


def text(value, default: str = "") -> str:
    """A string, else ``default``."""
    return value if isinstance(value, str) else default


def optional_text(value) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def count(value) -> int:
    """A tick or click count (a non-negative int), else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def whole(value) -> int | None:
    """A positive id (int, or digits), else None."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def record(value) -> dict:
    """A dict, else {}."""
    return value if isinstance(value, dict) else {}


def texts(value) -> list[str]:
    """A list of strings (others dropped), else []."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
