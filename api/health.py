"""/healthz: is the app up and does the database answer."""
from __future__ import annotations

from flask import Blueprint, jsonify

from data.db import Database


def health_blueprint(db: Database) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        ok = db.ping()
        body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unreachable"}
        response = jsonify(body)
        response.status_code = 200 if ok else 503
        if not ok:
            response.headers["Retry-After"] = "5"
        return response

    return bp
