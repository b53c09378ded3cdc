"""Texts of intake on the workbench: possible and suggested duplicates, merging, field tasks."""
from __future__ import annotations

INTAKE_TEXT: dict[str, tuple[str, str]] = {
    "dup_title": ("可能重复", "Possible duplicates"),
    "dup_none": ("附近没有同类未结事件。", "No open case of this kind nearby."),
    "dup_parent": ("合并到…", "Merge into…"),
    "dup_merge": ("合并为重复事件", "Merge as duplicate"),
    "dup_merged": ("已合并，本事件作为重复事件结案。", "Merged: this case is closed as a "
                   "duplicate."),
    "dup_pick": ("请先选择要合并到的事件。", "Pick the case to merge into first."),
    "dup_m": ("米", "m"),
    "sugg_title": ("疑似重复（系统发现）", "Suggested duplicates"),
    "sugg_none": ("暂无待确认的疑似重复。", "No suggestion to decide."),
    "sugg_pick": ("选择一条建议", "Pick a suggestion"),
    "sugg_confirm": ("确认合并", "Confirm merge"),
    "sugg_dismiss": ("不是重复", "Not a duplicate"),
    "sugg_done_confirmed": ("已确认并合并。", "Confirmed and merged."),
    "sugg_done_dismissed": ("已忽略该建议。", "Suggestion dismissed."),
    "ev_merge": ("合并为重复", "Merged as duplicate"),
    "ev_merge_in": ("并入重复事件", "Duplicate merged in"),
    "ev_parent_closed": ("原事件已办结", "Parent case closed"),
    "ev_task": ("派发现场任务", "Field task sent"),
    "ev_task_done": ("现场任务完成", "Field task done"),
    "ticker_task_verify": ("核实", "Verify"),
    "ticker_task_check": ("核查", "Check"),
    "ticker_task_offered": ("已派给最近网格员", "sent to the nearest worker"),
    "ticker_task_accepted": ("网格员已接单", "accepted"),
    "ticker_task_done": ("已完成", "done"),
    "ticker_task_unassigned": ("等待在岗网格员", "waiting for a worker on duty"),
}
