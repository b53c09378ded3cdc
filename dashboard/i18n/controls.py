"""Texts inside the shared controls (dropdowns, date pickers), so none falls back to English."""
from __future__ import annotations

CONTROLS_TEXT: dict[str, tuple[str, str]] = {
    "dd_select_all": ("全选", "Select all"),
    "dd_deselect_all": ("全不选", "Deselect all"),
    "dd_selected_count": ("已选 {num_selected} 项", "{num_selected} selected"),
    "dd_search": ("搜索", "Search"),
    "dd_clear_search": ("清除搜索", "Clear search"),
    "dd_clear_selection": ("清除选择", "Clear selection"),
    "dd_no_options": ("无匹配选项", "No options found"),
    "date_start": ("开始日期", "Start date"),
    "date_end": ("结束日期", "End date"),
    # Punctuation between parts of a sentence: full-width in Chinese, never in English.
    "sep_clause": ("；", "; "),
    "sep_label": ("：", ": "),
}
