"""The analyst page's texts (merged into the one catalogue in dashboard/i18n.py)."""
from __future__ import annotations

ANALYST_TEXT: dict[str, tuple[str, str]] = {
}
