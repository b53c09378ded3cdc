"""Patrol supervision in the store: daily sheets, replay reads, exceptions, leave days."""
