"""The mobile blueprint."""
from __future__ import annotations

from flask import Blueprint

from data.db import Database
from data.settings import Settings


def mobile_blueprint(db: Database, settings: Settings) -> Blueprint:
    """The mobile endpoints."""
    return Blueprint("mobile", __name__)
