"""The open311 blueprint."""
from __future__ import annotations

from flask import Blueprint

from data.db import Database
from data.settings import Settings


def open311_blueprint(db: Database, settings: Settings) -> Blueprint:
    """The open311 endpoints."""
    return Blueprint("open311", __name__)
