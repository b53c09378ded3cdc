"""/api/v1/residents/{id}: one resident's masked record, for staff in scope; every view audited."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from api.auth import current_actor
from api.payload import respond
from workflow.residents import resident_view


def show(resident_id: int):
    actor = current_actor()
    with current_app.extensions["hq_db"].begin() as conn:
        view = resident_view(conn, actor, resident_id, request.remote_addr, request.path)
    return respond(view)


def residents_blueprint() -> Blueprint:
    bp = Blueprint("residents_api", __name__, url_prefix="/api/v1/residents")
    bp.add_url_rule("/<int:resident_id>", view_func=show, methods=["GET"])
    return bp


def residents_paths() -> dict:
    """The OpenAPI description of the route (merged into /api/openapi.json)."""
    record = {"type": "object", "required": ["id", "name_masked"], "properties": {
        "id": {"type": "integer"}, "grid_id": {"type": "integer"},
        "grid_code": {"type": "string"}, "name_masked": {"type": "string"},
        "age_band": {"type": "string"}, "sex": {"type": "string"},
        "elderly_alone": {"type": "boolean"}, "disabled": {"type": "boolean"},
        "low_income": {"type": "boolean"}, "special_care": {"type": "boolean"}}}
    errors = {str(c): {"$ref": f"#/components/responses/E{c}"} for c in (401, 403, 404)}
    return {"/api/v1/residents/{id}": {"get": {
        "summary": "居民记录（脱敏，访问留痕）/ a resident's masked record (every view audited)",
        "tags": ["residents"], "security": [{"session": []}, {"bearer": []}],
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": record}}}, **errors}}}}
