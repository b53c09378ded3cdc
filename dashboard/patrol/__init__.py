"""Patrol supervision (/patrol): replay a worker's or an area's day, its sheet, exceptions."""
