"""Escalation (督办): the overdue tick, its thread, the supervision queue."""
