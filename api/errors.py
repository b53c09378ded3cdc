"""JSON errors for the API: {"error": code, "message": ..., "field": ...}, never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An error a client caused or must hear about, with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None):
    body = {"error": code, "message": message}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    return response


def _is_api(path: str) -> bool:
    return path.startswith(("/api/", "/osmand", "/open311/", "/healthz"))


def register_error_handlers(server: Flask) -> None:
    """Answer API errors as JSON; database outages as 503 with Retry-After."""

    @server.errorhandler(ApiError)
    def api_error(err: ApiError):
        response = error_response(err.status, err.code, err.message, err.field)
        if err.status == 503:       # e.g. the ingest writer busy: always say when to retry
            response.headers.setdefault("Retry-After", "5")
        return response

    @server.errorhandler(OperationalError)
    @server.errorhandler(InterfaceError)
    def database_down(err):
        response = error_response(503, "database_unavailable",
                                  "数据库暂不可用，请稍后重试 / database unavailable, retry later")
        response.headers["Retry-After"] = "5"
        return response

    @server.errorhandler(PoolTimeout)
    def overloaded(err):
        # Every pooled connection stayed busy for pool_timeout: overload, so retry later.
        response = error_response(503, "server_busy", "服务繁忙，请稍后重试 / busy, retry later")
        response.headers["Retry-After"] = "5"
        return response

    @server.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if not _is_api(request.path):
            return err
        return error_response(err.code or 500, err.name.lower().replace(" ", "_"),
                              err.description or err.name)
