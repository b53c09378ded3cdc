"""Hang the workflow onto the server: sign-in, CSRF, the /api/v1 blueprints, their errors."""
from __future__ import annotations

from flask import Flask

from api.admin.routes import admin_blueprint
from api.auth import init_auth
from api.errors import error_response
from api.login import login_blueprint
from api.openapi.spec import openapi_blueprint
from api.workflow.incidents import incidents_blueprint
from api.workflow.intake import intake_blueprint
from api.workflow.oversight import oversight_blueprint
from api.workflow.residents import residents_blueprint
from api.workflow.tasks import tasks_blueprint
from api.workflow.whistles import whistles_blueprint
from data.db import Database
from data.settings import Settings
from workflow.errors import WorkflowError


def register_workflow(server: Flask, db: Database, settings: Settings) -> None:
    """Sessions and CSRF, /login and /logout, the workflow API and /api/openapi.json."""
    init_auth(server, db, settings)
    server.register_blueprint(login_blueprint(db, settings))
    server.register_blueprint(incidents_blueprint())
    server.register_blueprint(intake_blueprint())
    server.register_blueprint(tasks_blueprint())
    server.register_blueprint(whistles_blueprint())
    server.register_blueprint(oversight_blueprint())
    server.register_blueprint(residents_blueprint())
    server.register_blueprint(admin_blueprint())
    server.register_blueprint(openapi_blueprint())

    @server.errorhandler(WorkflowError)
    def workflow_error(err: WorkflowError):
        return error_response(err.status, err.code, err.message, err.field)
