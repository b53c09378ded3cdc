"""Issue 26, the admin JSON API: every operation for admin only (403 for every other role),
bad input 4xx naming the field with nothing written, the audit log with before and after,
departments merged, categories' deadlines and Open311's catalogue following them.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from data.models import (
    AdminAudit,
    Category,
    Department,
    Incident,
    User,
    Whistle,
    WhistleSummons,
)
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import ACCOUNTS, NOW, make_incident

ADMIN = "/api/v1/admin"
# (method, path, body) of every operation; each is tried as every role.
OPERATIONS = [
    ("get", "/users", None), ("post", "/users", {"username": "probe_user", "role": "analyst",
                                                 "display_name": "探针"}),
    ("patch", "/users/analyst", {"display_name": "钱分析"}),
    ("post", "/users/wall/deactivate", None), ("post", "/users/wall/reactivate", None),
    ("post", "/users/leader2/reset-password", None), ("post", "/users/leader2/unlock", None),
    ("get", "/users/worker_a/grids", None),
    ("get", "/departments", None),
    ("post", "/departments", {"code": "PROBE", "name_zh": "探针局", "name_en": "Probe"}),
    ("patch", "/departments/GA", {"name_en": "Public Security Bureau"}),
    ("post", "/departments/PROBE/merge", {"into": "GA"}),
    ("get", "/categories", None), ("put", "/categories/0101", {"deadline_hours": 48}),
    ("get", "/audit", None),
]


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "admin_api")
    yield world
    drop_security_world(server_settings, world)


def counts(sw) -> dict:
    with sw.engine.connect() as conn:
        return {m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one()
                for m in (User, AdminAudit, Department, Category)}


def call(client, method, path, body=None):
    return getattr(client, method)(ADMIN + path, json=body) if body is not None \
        else getattr(client, method)(ADMIN + path)


@pytest.mark.parametrize("username", [u for u in ACCOUNTS if u != "admin"])
def test_every_operation_is_refused_to_every_other_role(sw, username):
    client = sw.client(username)
    before = counts(sw)
    for method, path, body in OPERATIONS:
        response = call(client, method, path, body)
        assert response.status_code == 403, (username, method, path, response.status_code)
    assert counts(sw) == before


def test_anonymous_and_device_callers_are_refused(sw):
    from tests.security_world import DEVICE_TOKEN

    anonymous = sw.client()
    assert call(anonymous, "get", "/users").status_code == 401
    device = sw.app.server.test_client()
    response = device.get(ADMIN + "/users", headers={"Authorization": f"Bearer {DEVICE_TOKEN}"})
    assert response.status_code == 403


def test_the_admin_may_do_every_operation(sw):
    client = sw.client("admin")
    for method, path, body in OPERATIONS:
        response = call(client, method, path, body)
        assert response.status_code in (200, 201), (method, path, response.get_json())


@pytest.mark.parametrize("body,status,field", [
    ({"username": "x1", "role": "admin", "display_name": "短"}, 422, "username"),
    ({"username": "admin", "role": "admin", "display_name": "重复"}, 409, "username"),
    ({"username": "kid", "role": "emperor", "display_name": "皇"}, 422, "role"),
    ({"username": "chief_z", "role": "street_chief", "display_name": "无街道"}, 422, "street_code"),
    ({"username": "chief_y", "role": "street_chief", "display_name": "错街道",
      "street_code": "999"}, 422, "street_code"),
    ({"username": "ana_z", "role": "analyst", "display_name": "有网格",
      "grid_codes": ["120106001001001"]}, 422, "grid_codes"),
    ({"username": "wk_z", "role": "grid_worker", "display_name": "无网格"}, 422, "grid_codes"),
    ({"username": "ph_z", "role": "operator", "display_name": "电话", "phone": "call me"},
     422, "phone"),
    ({"username": 42, "role": "operator", "display_name": "类型"}, 400, "username"),
    ({"username": "gz", "role": "grid_worker", "display_name": "类型", "grid_codes": [1]},
     400, "grid_codes"),
])
def test_bad_accounts_are_4xx_naming_the_field_and_write_nothing(sw, body, status, field):
    client = sw.client("admin")
    before = counts(sw)
    response = call(client, "post", "/users", body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["field"] == field
    assert counts(sw) == before


@pytest.mark.parametrize("method,path,body,status,field", [
    ("post", "/departments", {"code": "bad code", "name_zh": "甲", "name_en": "A"}, 422, "code"),
    ("post", "/departments", {"code": "GA", "name_zh": "乙", "name_en": "B"}, 409, "code"),
    ("post", "/departments", {"code": "NEWD", "name_en": "B"}, 422, "name_zh"),
    ("patch", "/departments/NOPE", {"name_zh": "丙"}, 404, "code"),
    ("post", "/departments/GA/merge", {"into": "GA"}, 422, "into"),
    ("post", "/departments/GA/merge", {}, 400, "into"),
    ("put", "/categories/0101", {"deadline_hours": 0}, 422, "deadline_hours"),
    ("put", "/categories/0101", {"deadline_hours": "48"}, 400, "deadline_hours"),
    ("put", "/categories/0101", {"department_code": "NOPE"}, 422, "department_code"),
    ("put", "/categories/0501", {"public": True}, 422, "public"),
    ("put", "/categories/0999", {"name_zh": "孤儿", "name_en": "Orphan", "deadline_hours": 5},
     422, "code"),
    ("put", "/categories/abc", {"name_zh": "甲"}, 422, "code"),
    ("patch", "/users/nobody", {"display_name": "无"}, 404, "username"),
    ("post", "/users/admin/deactivate", None, 409, "username"),
])
def test_bad_organisation_changes_are_4xx_naming_the_field(sw, method, path, body, status, field):
    client = sw.client("admin")
    before = counts(sw)
    response = call(client, method, path, body if body is not None else {})
    assert response.status_code == status, response.get_json()
    assert response.get_json()["field"] == field
    assert counts(sw) == before


def test_every_change_is_in_the_audit_log_with_before_and_after(sw):
    client = sw.client("admin")
    created = call(client, "post", "/users", {"username": "audit_me", "role": "dept_officer",
                                              "display_name": "审计", "department_code": "GA"})
    assert created.status_code == 201 and len(created.get_json()["temporary_password"]) == 12
    call(client, "patch", "/users/audit_me", {"department_code": "CGW-DL"})
    entries = call(client, "get", "/audit?subject_type=user&subject_key=audit_me").get_json()
    edit, create = entries["items"][:2]
    assert create["action"] == "user.create" and create["before"] is None
    assert create["after"]["department_code"] == "GA" and create["actor_name"] == "admin"
    assert edit["action"] == "user.edit"
    assert edit["before"]["department_code"] == "GA"
    assert edit["after"]["department_code"] == "CGW-DL"
    assert create["actor_id"] == sw.world.users["admin"]
    with sw.engine.connect() as conn:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(AdminAudit.__table__.delete())


def test_merging_a_department_moves_officers_and_open_cases_and_keeps_whistles(sw):
    client = sw.client("admin")
    assert call(client, "post", "/departments", {"code": "OLD", "name_zh": "旧局",
                                                 "name_en": "Old"}).status_code == 201
    with sw.engine.begin() as conn:
        old = conn.execute(select(Department.id).where(Department.code == "OLD")).scalar_one()
        ga = sw.world.departments["GA"]
        conn.execute(User.__table__.update().where(User.username == "officer_police")
                     .values(department_id=old))
        conn.execute(Category.__table__.update().where(Category.code == "0202")
                     .values(department_code="OLD"))
        open_case = make_incident(conn, sw.world, "dispatched", handled_by="department",
                                  department="GA")
        closed_case = make_incident(conn, sw.world, "closed", handled_by="department",
                                    department="GA")
        conn.execute(Incident.__table__.update().where(Incident.id.in_([open_case, closed_case]))
                     .values(department_id=old))
        whistle = conn.execute(insert(Whistle).values(
            code="W-MERGE-1", street_id=sw.world.ids["street"],
            blown_by_id=sw.world.users["chief_a"], matter="合并测试", status="closed",
            meeting_at=NOW, meeting_place="现场", blown_at=NOW, deadline=NOW + timedelta(days=3),
            geom="SRID=4326;POINT(117.105 39.155)",
        ).returning(Whistle.id)).scalar_one()
        conn.execute(insert(WhistleSummons).values(whistle_id=whistle, department_id=old))
    merged = call(client, "post", "/departments/OLD/merge", {"into": "GA"})
    assert merged.status_code == 200, merged.get_json()
    moved = merged.get_json()["department"]["moved"]
    assert moved == {"officers": 1, "open_incidents": 1, "categories": 1}
    with sw.engine.connect() as conn:
        assert conn.execute(select(User.department_id).where(
            User.username == "officer_police")).scalar_one() == ga
        depts = dict(conn.execute(select(Incident.id, Incident.department_id).where(
            Incident.id.in_([open_case, closed_case]))).all())
        summons = conn.execute(select(WhistleSummons.department_id).where(
            WhistleSummons.whistle_id == whistle)).scalar_one()
    assert depts == {open_case: ga, closed_case: old} and summons == old
    listed = {d["code"]: d for d in call(client, "get", "/departments").get_json()["items"]}
    assert listed["OLD"]["active"] is False and listed["OLD"]["merged_into_id"] == ga
    offered = {d["code"] for d in sw.client("chief_a").get("/api/v1/departments").get_json()["items"]}
    assert "OLD" not in offered and "GA" in offered


def test_a_categorys_deadline_and_public_flag_drive_dispatch_and_open311(sw):
    client = sw.client("admin")
    assert call(client, "put", "/categories/0106", {"deadline_hours": 12, "public": False}
                ).status_code == 200
    with sw.engine.connect() as conn:
        row = conn.execute(select(Category).where(Category.code == "0106")).first()
    assert row.deadline_hours == 12 and row.public is False
    services = sw.app.server.test_client().get("/open311/v2/services.json?jurisdiction_id=120106")
    codes = {s["service_code"] for s in services.get_json()}
    assert "0106" not in codes and "0101" in codes and not codes & {"0501", "0502", "0503"}
    assert call(client, "put", "/categories/0106", {"public": True}).status_code == 200
    services = sw.app.server.test_client().get("/open311/v2/services.json?jurisdiction_id=120106")
    assert "0106" in {s["service_code"] for s in services.get_json()}
    created = call(client, "put", "/categories/0199", {"name_zh": "新类别", "name_en": "New",
                                                      "deadline_hours": 24,
                                                      "department_code": "GA"})
    assert created.status_code == 200
    assert created.get_json()["category"]["level"] == 2
    assert created.get_json()["category"]["parent_code"] == "01"


def test_unlock_clears_the_sign_in_limiter_for_that_username(sw):
    client = sw.app.server.test_client()
    for _ in range(sw.settings.login_max_failures):
        client.post("/api/v1/login", json={"username": "leader", "password": "wrong"})
    held = client.post("/api/v1/login", json={"username": "leader", "password": "wrong"})
    assert held.status_code == 429
    assert call(sw.client("admin"), "post", "/users/leader/unlock", None).status_code == 200
    again = client.post("/api/v1/login", json={"username": "leader", "password": "wrong"})
    assert again.status_code == 401


def test_openapi_describes_every_admin_route(sw):
    spec = sw.app.server.test_client().get("/api/openapi.json").get_json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routes = [r for r in sw.app.server.url_map.iter_rules() if r.rule.startswith(ADMIN)]
    assert len(routes) >= 13
    for rule in routes:
        path = rule.rule.replace("<username>", "{username}").replace("<code>", "{code}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
