"""The OpenAPI description of /api/v1/admin (merged into /api/openapi.json)."""
from __future__ import annotations

from data.models.base import DEPARTMENT_KINDS, ROLES

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NSTR = {"type": ["string", "null"]}
ERRORS = {str(c): {"$ref": f"#/components/responses/E{c}"} for c in (400, 401, 403, 404, 409, 422)}
SECURITY = [{"session": [], "csrf": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _op(summary: str, ok: str, body: str | None = None, params=(), code: str = "200") -> dict:
    op = {"summary": summary, "tags": ["admin"], "security": SECURITY,
          "description": "admin only (403 for every other role); every change is written to "
                         "the audit log in the same transaction",
          "parameters": list(params), "responses": {code: {"description": "OK", "content": {
              "application/json": {"schema": _ref(ok)}}}, **ERRORS}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _ref(body)}}}
    return op


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": STR}


def _q(name: str, kind: str = "string") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


USER, CODE = _path("username"), _path("code")


def admin_paths() -> dict:
    u = "/api/v1/admin/users"
    return {
        u: {"get": _op("账号列表 accounts", "AdminUserList", params=[_q("role"), _q("q"),
                                                                   _q("limit", "integer")]),
            "post": _op("新建账号（返回一次性临时密码）create an account (its temporary password "
                        "is returned once)", "AdminUserCreated", "AdminUserInput", code="201")},
        u + "/{username}": {"patch": _op("修改账号（角色、范围、网格调动）edit an account (role, "
                                         "scope, a worker's grids)", "AdminUser",
                                         "AdminUserInput", [USER])},
        u + "/{username}/deactivate": {"post": _op("停用 deactivate", "AdminUser", params=[USER])},
        u + "/{username}/reactivate": {"post": _op("启用 reactivate", "AdminUser", params=[USER])},
        u + "/{username}/reset-password": {"post": _op("重置密码 reset the password",
                                                       "AdminUserCreated", params=[USER])},
        u + "/{username}/unlock": {"post": _op("解除登录限制 unlock the sign-in limiter",
                                               "AdminUser", params=[USER])},
        u + "/{username}/grids": {"get": _op("网格分配历史 grid assignments with validity",
                                             "ItemList", params=[USER])},
        "/api/v1/admin/departments": {
            "get": _op("部门 departments", "ItemList"),
            "post": _op("新建部门 create a department", "AdminDepartment", "DepartmentInput",
                        code="201")},
        "/api/v1/admin/departments/{code}": {"patch": _op(
            "部门更名 rename", "AdminDepartment", "DepartmentInput", [CODE])},
        "/api/v1/admin/departments/{code}/merge": {"post": _op(
            "合并部门（人员、在办事件、默认类别移入；吹哨记录保留）merge into another (officers, "
            "open cases and default categories move; whistle history stays)",
            "AdminDepartment", "DepartmentMerge", [CODE])},
        "/api/v1/admin/categories": {"get": _op("事件类别 categories", "ItemList")},
        "/api/v1/admin/categories/{code}": {"put": _op(
            "新建或修改类别（时限、默认部门、是否对外）create or edit a category (deadline hours, "
            "default department, public on Open311; 0501-0503 never)", "AdminCategory",
            "CategoryInput", [CODE])},
        "/api/v1/admin/audit": {"get": _op("操作日志 the audit log (newest first)", "ItemList",
                                           params=[_q("limit", "integer"), _q("subject_type"),
                                                   _q("subject_key")])},
    }


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


def admin_schemas() -> dict:
    account = _obj(["username", "role", "active"], id=INT, username=STR, display_name=STR,
                   role={"enum": list(ROLES)}, title=STR, active=BOOL,
                   must_change_password=BOOL, phone_masked=NSTR, street_code=NSTR,
                   community_code=NSTR, department_code=NSTR,
                   grid_codes={"type": "array", "items": STR})
    return {
        "AdminUserInput": _obj([], username={**STR, "pattern": "^[a-z0-9_.-]{3,40}$"},
                               display_name={**STR, "maxLength": 40},
                               role={"enum": list(ROLES)}, title=STR, street_code=STR,
                               community_code=STR, department_code=STR, phone=STR,
                               grid_codes={"type": "array", "items": STR, "maxItems": 3}),
        "AdminUser": _obj(["user"], user=account),
        "AdminUserCreated": _obj(["user", "temporary_password"], user=account,
                                 temporary_password=STR),
        "AdminUserList": _obj(["items"], items={"type": "array", "items": account}),
        "DepartmentInput": _obj([], code=STR, name_zh=STR, name_en=STR,
                                kind={"enum": list(DEPARTMENT_KINDS)}),
        "DepartmentMerge": _obj(["into"], into=STR),
        "AdminDepartment": _obj(["department"], department={"type": "object"}),
        "CategoryInput": _obj([], name_zh=STR, name_en=STR,
                              deadline_hours={**INT, "minimum": 1, "maximum": 8760},
                              department_code=NSTR, public=BOOL),
        "AdminCategory": _obj(["category"], category={"type": "object"}),
    }
