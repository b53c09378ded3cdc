"""Intake that thinks: possible duplicates, merging, suggested duplicates, field tasks."""
