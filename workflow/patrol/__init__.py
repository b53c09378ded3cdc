"""Patrol supervision: daily sheets, replay, exceptions, attendance, each within scope."""
