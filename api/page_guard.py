"""The page guard: pages and Dash callbacks answer only people whose role the page is for.

A page's GET is checked by its path; a Dash callback POST by the page its outputs belong
to (dashboard/callback_pages builds that registry from app.callback_map, so every callback
has one). The callback's body is also checked against the callback's declared shape, so
a forged request is a 400 here rather than an exception inside Dash.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, redirect, request
from flask_login import current_user

from api.errors import error_response
from data.settings import Settings
from workflow.pages import PAGE_ROLES, SHELL, is_page, may_open, page_key

CALLBACK_PATHS = ("/_dash-update-component",)
REGISTRY = "hq_callback_pages"
# Where each role lands when it asks for a page it may not see ("/", or after sign-in).
HOME = {"wall": "/wall", "analyst": "/analyst", "district_leader": "/leaders", "grid_worker": "/m",
        "city_leader": "/wall/city"}

def home_of(role: str) -> str:
    return HOME.get(role, "/cases")

def _forbidden():
    return error_response(403, "forbidden", "您的角色无权访问此页面 / your role may not open this "
                          "page")

def _pairs(items) -> tuple | None:
    """(id, property) of each item of a callback body's list, None if it is malformed."""
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                or not isinstance(item.get("property"), str):
            return None
        out.append((item["id"], item["property"].split("@")[0]))
    return tuple(out)

def _outputs_match(sent, spec) -> bool:
    items = sent if isinstance(sent, list) else [sent]
    return _pairs(items) == spec.outputs

def callback_problem(body, registry: dict) -> tuple[int, str, str] | None:
    """Why a callback body cannot be run as sent (status, code, message), or None."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return 400, "invalid_callback", "回调请求格式错误 / malformed callback request"
    spec = registry.get(body["output"])
    if spec is None:
        return 404, "unknown_callback", "没有这个回调 / no such callback"
    if not spec.server_side:
        return 400, "invalid_callback", "该回调在浏览器中运行 / this callback runs in the browser"
    changed = body.get("changedPropIds", [])
    if (_pairs(body.get("inputs")) != spec.inputs or _pairs(body.get("state", [])) != spec.state
            or not _outputs_match(body.get("outputs"), spec)
            or not isinstance(changed, list) or not all(isinstance(c, str) for c in changed)):
        return 400, "invalid_callback", "回调请求与其声明不符 / the callback request does not " \
                                        "match its declaration"
    return None

def guard_callback(registry: dict | None):
    """The answer refusing this callback POST, or None to let Dash run it."""
    if not current_user.is_authenticated:
        return error_response(401, "unauthorized", "请先登录 / sign in first")
    if registry is None:
        return _forbidden()         # no registry, no way to tell the page: refuse
    body = request.get_json(silent=True)
    problem = callback_problem(body, registry)
    if problem is not None:
        return error_response(*problem)
    page = registry[body["output"]].page
    if page != SHELL and not may_open(current_user.actor, page):
        return _forbidden()
    return None

def protect_pages(server: Flask, settings: Settings, callbacks: bool = True) -> None:
    """Send anonymous visitors of the dashboard pages to /login?next=...; refuse roles a
    page is not for; with ``callbacks``, check every Dash callback POST the same way.
    """

    @server.before_request
    def guard():
        path = request.path.rstrip("/") or "/"
        if path in CALLBACK_PATHS and callbacks:
            return guard_callback(server.extensions.get(REGISTRY))
        if not is_page(path) or request.method != "GET":
            return None
        if not current_user.is_authenticated:
            target = request.full_path.rstrip("?")
            return redirect("/login?next=" + quote(target, safe="/"))
        # A wall asked for another district than the account's own is refused here too.
        if may_open(current_user.actor, path, request.args.get("district")):
            return None
        if path == "/":
            return redirect(home_of(current_user.actor.role))
        return _forbidden()

__all__ = ["PAGE_ROLES", "protect_pages", "home_of", "page_key"]
