"""/api/v1/admin: accounts, departments, categories, workers' grids and the audit log.

Every route is for the admin role only (403 otherwise); a bad field is a 4xx naming it and
writes nothing; every change is in the audit log, written in the change's transaction.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request

from api.auth import current_actor
from api.context import current_db, request_now
from api.payload import field, json_body, query_int, respond
from api.ratelimit import UNLOCK
from data import admin_audit, org_store, people_store
from workflow.admin import organisation, people
from workflow.admin.audit import Who
from workflow.errors import not_found
from workflow.roles import require

ACCOUNT_FIELDS = ("username", "display_name", "role", "title", "street_code",
                  "community_code", "department_code", "phone")


def _admin() -> Who:
    actor = current_actor()
    require(actor, "admin.manage")
    return Who.of(actor)


def _account_values(body: dict) -> dict:
    values = {name: field(body, name, str) for name in ACCOUNT_FIELDS}
    grids = field(body, "grid_codes", (list, str))
    if isinstance(grids, list):
        grids = [field({"grid_codes": g}, "grid_codes", str) for g in grids]
    values["grid_codes"] = grids
    return values


def list_users():
    who = _admin()
    role, query = request.args.get("role") or None, request.args.get("q") or None
    with current_db().connect() as conn:
        return respond({"items": people_store.accounts(conn, role, query,
                                                       query_int("limit", 500, 1, 5000),
                                                       who.district_code)})


def create_user():
    who, values = _admin(), _account_values(json_body())
    with current_db().begin() as conn:
        account, password = people.create_account(conn, who, values, request_now())
    return respond({"user": account, "temporary_password": password}, 201)


def edit_user(username: str):
    who, values = _admin(), _account_values(json_body())
    values.pop("username")
    with current_db().begin() as conn:
        account = people.edit_account(conn, who, username, values, request_now())
    _forget(account["id"])
    return respond({"user": account})


def _forget(user_id: int) -> None:
    # This process reads the account afresh at once; others within HQ_ACCOUNT_RECHECK_S.
    current_app.extensions["hq_accounts"].forget(user_id)
    current_app.extensions["hq_web_sessions"].forget_all()


def _set_active(username: str, active: bool):
    who = _admin()
    with current_db().begin() as conn:
        account = people.set_active(conn, who, username, active, request_now())
    _forget(account["id"])
    return respond({"user": account})


def deactivate_user(username: str):
    return _set_active(username, False)


def reactivate_user(username: str):
    return _set_active(username, True)


def reset_password(username: str):
    who = _admin()
    with current_db().begin() as conn:
        account, password = people.reset_password(conn, who, username, request_now())
    _forget(account["id"])
    return respond({"user": account, "temporary_password": password})


def unlock_user(username: str):
    who = _admin()
    with current_db().begin() as conn:
        account = people.record_unlock(conn, who, username, request_now())
    current_app.extensions[UNLOCK](account["username"])
    return respond({"user": account, "unlocked": True})


def user_grids(username: str):
    _admin()
    with current_db().connect() as conn:
        user_id = people_store.account_id(conn, username.strip().lower())
        if user_id is None:
            raise not_found("账号", "account", "username")
        return respond({"items": people_store.grid_history(conn, user_id=user_id)})


def list_departments():
    _admin()
    with current_db().connect() as conn:
        return respond({"items": org_store.departments(conn)})


def create_department():
    who, body = _admin(), json_body()
    values = {k: field(body, k, str) for k in ("code", "name_zh", "name_en", "kind")}
    with current_db().begin() as conn:
        return respond({"department": organisation.create_department(
            conn, who, values, request_now())}, 201)


def rename_department(code: str):
    who, body = _admin(), json_body()
    values = {k: field(body, k, str) for k in ("name_zh", "name_en")}
    with current_db().begin() as conn:
        return respond({"department": organisation.rename_department(
            conn, who, code, values, request_now())})


def merge_department(code: str):
    who, body = _admin(), json_body()
    into = field(body, "into", str, required=True)
    with current_db().begin() as conn:
        return respond({"department": organisation.merge_department(
            conn, who, code, into, request_now())})


def list_categories():
    _admin()
    with current_db().connect() as conn:
        return respond({"items": org_store.categories(conn)})


def save_category(code: str):
    who, body = _admin(), json_body()
    values = {k: field(body, k, str) for k in ("name_zh", "name_en")}
    values["deadline_hours"] = field(body, "deadline_hours", int)
    values["public"] = field(body, "public", bool)
    if "department_code" in body:
        values["department_code"] = field(body, "department_code", str)
    with current_db().begin() as conn:
        return respond({"category": organisation.save_category(
            conn, who, code, values, request_now())})


def audit_log():
    _admin()
    with current_db().connect() as conn:
        return respond({"items": admin_audit.entries(
            conn, query_int("limit", 200, 1, 2000), request.args.get("subject_type") or None,
            request.args.get("subject_key") or None)})


ROUTES = (
    ("/users", list_users, "GET"), ("/users", create_user, "POST"),
    ("/users/<username>", edit_user, "PATCH"),
    ("/users/<username>/deactivate", deactivate_user, "POST"),
    ("/users/<username>/reactivate", reactivate_user, "POST"),
    ("/users/<username>/reset-password", reset_password, "POST"),
    ("/users/<username>/unlock", unlock_user, "POST"),
    ("/users/<username>/grids", user_grids, "GET"),
    ("/departments", list_departments, "GET"), ("/departments", create_department, "POST"),
    ("/departments/<code>", rename_department, "PATCH"),
    ("/departments/<code>/merge", merge_department, "POST"),
    ("/categories", list_categories, "GET"), ("/categories/<code>", save_category, "PUT"),
    ("/audit", audit_log, "GET"),
)


def admin_blueprint() -> Blueprint:
    bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")
    for rule, view, method in ROUTES:
        bp.add_url_rule(rule, endpoint=f"{view.__name__}_{method.lower()}", view_func=view,
                        methods=[method])
    return bp
