"""The Open311 GeoReport v2 views: discovery, services, requests, tokens."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from api.context import request_now
from api.open311.formats import error, render
from api.open311.params import clean, list_filters, post_request
from data.db import Database
from workflow.errors import WorkflowError, not_found
from workflow.intake.duplicates import duplicate_notice
from workflow.open311.requests import (
    client_for_key,
    get_request,
    list_requests,
    submit_request,
    token_request,
)
from workflow.open311.services import attributes_by_service, definition, service, services
from workflow.open311.updates import list_updates

PREFIX = "/open311/v2"
FORMAT = "<any(json, xml):fmt>"
# Our rules answer 409 and 422 too; the spec knows 400 (request not created), 403 and 404.
SPEC_STATUS = {401: 403, 409: 400, 422: 400}


def _db() -> Database:
    return current_app.extensions["hq_db"]


def _values() -> MultiDict:
    values = MultiDict(request.args)
    for key in request.form.keys():
        values.setlist(key, request.form.getlist(key))
    return clean(values)


def _jurisdiction(values: MultiDict) -> None:
    given = values.get("jurisdiction_id")
    settings = current_app.extensions["hq_settings"]
    if given and given not in (settings.district_code, "hongqiao"):
        raise not_found("辖区", "jurisdiction_id")


def discovery(fmt: str):
    url = request.host_url.rstrip("/") + PREFIX + "/"
    formats = ["text/xml", "application/json"]
    return render(fmt, "discovery", {
        "changeset": "2026-11-26T00:00:00+08:00",
        "contact": "红桥区网格化管理指挥中心 / Hongqiao grid command centre, Tianjin",
        "key_service": "向指挥中心申请 api_key / ask the command centre for an api_key",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": url,
                       "changeset": "2026-11-26T00:00:00+08:00", "type": "production",
                       "formats": formats}]})


def service_list(fmt: str):
    _jurisdiction(_values())
    with _db().connect() as conn:
        return render(fmt, "services", services(conn, attributes_by_service()))


def service_definition(service_code: str, fmt: str):
    _jurisdiction(_values())
    with _db().connect() as conn:
        if service(conn, service_code) is None:
            raise not_found("服务", "service_code")
    return render(fmt, "service_definition", definition(service_code, attributes_by_service()))


def create(fmt: str):
    values = _values()
    _jurisdiction(values)
    with _db().begin() as conn:
        client = client_for_key(conn, values.get("api_key"))
        post = post_request(values)
        row, created = submit_request(conn, client, post, request_now(),
                                      request.headers.get("Idempotency-Key"))
        notice = row["service_notice"] + duplicate_notice(
            conn, current_app.extensions["hq_settings"], row["service_request_id"])
    item = {"service_request_id": row["service_request_id"], "token": row["token"],
            "service_notice": notice}
    if post.contact.get("account_id"):
        item["account_id"] = post.contact["account_id"]
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return render(fmt, "service_requests", [item], 201 if created else 200, headers)


def index(fmt: str):
    values = _values()
    _jurisdiction(values)
    filters = list_filters(values)
    with _db().connect() as conn:
        rows = list_requests(conn, now=request_now(), **filters)
    return render(fmt, "service_requests", rows)


def updates(fmt: str):
    values = _values()
    _jurisdiction(values)
    filters = list_filters(values)
    with _db().connect() as conn:
        rows = list_updates(conn, filters["start"], filters["end"], request_now(),
                            filters["ids"])
    return render(fmt, "service_request_updates", rows)


def show(service_request_id: str, fmt: str):
    _jurisdiction(_values())
    with _db().connect() as conn:
        return render(fmt, "service_requests", [get_request(conn, service_request_id)])


def token(token_id: str, fmt: str):
    _jurisdiction(_values())
    with _db().connect() as conn:
        return render(fmt, "service_requests", [token_request(conn, token_id)])


def unknown(rest: str = ""):
    fmt = "json" if rest.endswith(".json") else "xml"
    return error(fmt, 404, "没有该资源 / resource not found; the formats are .xml and .json")


def _format_of_request() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt if fmt in ("json", "xml") else ("json" if request.path.endswith(".json") else "xml")


def routes(bp: Blueprint) -> None:
    """Every resource as .json and .xml; anything else under the prefix is a 404 in the
    spec's error format.
    """
    add = bp.add_url_rule
    add(f"{PREFIX}/discovery.{FORMAT}", view_func=discovery)
    add(f"{PREFIX}/services.{FORMAT}", view_func=service_list)
    add(f"{PREFIX}/services/<service_code>.{FORMAT}", view_func=service_definition)
    add(f"{PREFIX}/requests.{FORMAT}", view_func=create, methods=["POST"])
    add(f"{PREFIX}/requests.{FORMAT}", view_func=index, methods=["GET"])
    add(f"{PREFIX}/requests/<service_request_id>.{FORMAT}", view_func=show)
    add(f"{PREFIX}/tokens/<token_id>.{FORMAT}", view_func=token)
    add(f"{PREFIX}/servicerequestupdates.{FORMAT}", view_func=updates)
    add(f"{PREFIX}/<path:rest>", view_func=unknown,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    add(f"{PREFIX}/", view_func=unknown, methods=["GET", "POST"])

    @bp.errorhandler(WorkflowError)
    def rule_said_no(err: WorkflowError):
        status = SPEC_STATUS.get(err.status, err.status)
        return error(_format_of_request(), status, err.message)

    @bp.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        # e.g. a body over MAX_CONTENT_LENGTH (413), still in the spec's error format
        return error(_format_of_request(), err.code or 400, err.description or err.name)
