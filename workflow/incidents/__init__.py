"""Incidents (事件): the lifecycle machine, reading and writing them."""
