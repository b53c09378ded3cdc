"""JSON errors for the API: {"error": code, "message": ..., "field": ...}, never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


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


API_PREFIXES = ("/api/", "/m/api/", "/open311/")
# Routes that match any path (Dash's page catch-all): not an answer for an API path.
CATCH_ALL = ("/<path:path>",)


def _is_api(path: str) -> bool:
    return path.startswith(("/api/", "/m/api/", "/osmand", "/open311/", "/healthz"))


def unknown_api_path():
    """404 JSON for a path under an API prefix that no API route serves (a typo, a retired
    endpoint): never the pages' 200 HTML shell, which a client would read as success.
    """
    path = request.path if request.path.endswith("/") else request.path + "/"
    if not path.startswith(API_PREFIXES):
        return None
    rule = request.url_rule
    if rule is not None and rule.rule not in CATCH_ALL:
        return None
    allowed = _api_methods()
    if request.path.startswith("/open311/"):
        from api.open311.formats import error as open311_error

        fmt = "xml" if request.path.endswith(".xml") else "json"
        return open311_error(fmt, 404, "没有该资源 / resource not found")
    if allowed:
        response = error_response(405, "method_not_allowed", "该接口不支持此方法 / method not "
                                  "allowed here")
        response.headers["Allow"] = ", ".join(sorted(allowed))
        return response
    return error_response(404, "not_found", "没有这个接口 / no such endpoint")


def _api_methods() -> set[str]:
    """The methods a real API route (not the catch-all) serves at this path."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    found = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.rule not in CATCH_ALL:
            found.add(method)
    return found


def register_error_handlers(server: Flask) -> None:
    """Answer API errors as JSON; database outages as 503 with Retry-After; unknown API
    paths as 404 JSON.
    """
    server.before_request(unknown_api_path)

    @server.errorhandler(ApiError)
    def api_error(err: ApiError):
        response = error_response(err.status, err.code, err.message, err.field)
        if err.status == 503:       # e.g. the ingest writer busy: always say when to retry
            response.headers.setdefault("Retry-After", "5")
        return response

    @server.errorhandler(OperationalError)
    @server.errorhandler(InterfaceError)
    def database_down(err):
        # Answered (503, retry), and logged: an outage must reach the log, not only the client.
        log.warning("database unavailable on %s: %s", request.path, err)
        response = error_response(503, "database_unavailable",
                                  "数据库暂不可用，请稍后重试 / database unavailable, retry later")
        response.headers["Retry-After"] = "5"
        return response

    @server.errorhandler(PoolTimeout)
    def overloaded(err):
        log.warning("connection pool exhausted on %s", request.path)
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
