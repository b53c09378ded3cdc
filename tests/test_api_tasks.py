"""Field tasks over HTTP: 核实 offered to the nearest on-duty worker, passed on, timed out,
accepted, completed with photo, note and position; the case waits for it.
"""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, insert, select, text

from app import build_app
from dashboard.context import AppContext
from dashboard.wall.panel_reads import ticker
from data.db import Database
from data.devices import create_device
from data.models import FieldTask, IncidentEvent, LatestPosition, WorkerGrid
from data.photo_store import insert_photo
from tests import factories
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import IN_A, PASSWORD, build_world
from workflow.intake import tasks

# name -> metres east of IN_A, minutes since the newest fix (None: no phone)
WORKERS = {"near": (10, 1), "mid": (100, 2), "far": (300, 1), "asleep": (5, 60)}
PHOTO = "/m/photos/" + "cd" * 16 + ".jpg"


@pytest.fixture(scope="module")
def task_world(server_settings):
    url = create_test_database(server_settings, "tasks")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        for name, (east, age) in WORKERS.items():
            uid = factories.password_user(conn, name, "grid_worker", PASSWORD,
                                          street_id=world.ids["street"],
                                          community_id=world.ids["community"])
            conn.execute(insert(WorkerGrid).values(user_id=uid, grid_id=world.ids["grid"]))
            device, _ = create_device(conn, uid, f"phone-{name}")
            conn.execute(insert(LatestPosition).values(
                device_id=device, user_id=uid, device_time=SESSION_NOW - timedelta(minutes=age),
                server_time=SESSION_NOW, grid_id=world.ids["grid"],
                geom=f"SRID=4326;POINT({IN_A[0] + east / 86_000} {IN_A[1]})"))
            world.users[name] = uid
        insert_photo(conn, "cd" * 16, world.users["far"], None, "verify", b"\xff\xd8jpeg", 1, 1)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "world": world, "engine": engine, "settings": settings}
    engine.dispose()
    drop_test_database(server_settings, url)


def signed_in(task_world, username):
    client = task_world["app"].server.test_client()
    login_client(client, username, PASSWORD)
    return client


def tick(task_world, now):
    with task_world["engine"].begin() as conn:
        conn.execute(text("update latest_positions set device_time = device_time + (:now - "
                          "(select max(server_time) from latest_positions)), server_time = :now"),
                     {"now": now})
        return tasks.tick(conn, task_world["settings"], now)


def task_row(task_world, incident_id):
    with task_world["engine"].connect() as conn:
        return conn.execute(select(FieldTask).where(FieldTask.incident_id == incident_id)
                            ).mappings().one()


def test_a_hotline_report_is_verified_by_the_nearest_worker_before_dispatch(task_world):
    users = task_world["world"].users
    operator = signed_in(task_world, "operator")
    made = operator.post("/api/v1/incidents", json={
        "category_code": "0101", "lon": IN_A[0], "lat": IN_A[1], "source": "hotline",
        "description": "市民来电：井盖缺失"})
    assert made.status_code == 201
    incident = made.get_json()["id"]
    assert tick(task_world, SESSION_NOW)["created"] >= 1
    task = task_row(task_world, incident)
    # The nearest on duty, not the one nearer whose phone went quiet an hour ago.
    assert task["kind"] == "verify" and task["assignee_id"] == users["near"]
    assert operator.post(f"/api/v1/incidents/{incident}/accept", json={}).status_code == 200
    waiting = operator.post(f"/api/v1/incidents/{incident}/dispatch", json={})
    assert waiting.status_code == 409 and waiting.get_json()["error"] == "task_pending"
    # Passed on at once, then not accepted in time: the next nearest, then the next.
    near = signed_in(task_world, "near")
    assert near.post(f"/api/v1/tasks/{task['id']}/pass", json={}).status_code == 200
    assert task_row(task_world, incident)["assignee_id"] == users["mid"]
    later = SESSION_NOW + timedelta(minutes=task_world["settings"].task_accept_min + 1)
    tick(task_world, later)
    assert task_row(task_world, incident)["assignee_id"] == users["far"]
    # Only the worker it is offered to may take it.
    assert near.post(f"/api/v1/tasks/{task['id']}/accept", json={}).status_code == 403
    far = signed_in(task_world, "far")
    listed = far.get("/api/v1/tasks").get_json()["items"]
    assert [t["id"] for t in listed] == [task["id"]] and listed[0]["distance_m"] > 250
    assert far.post(f"/api/v1/tasks/{task['id']}/accept", json={}).status_code == 200
    # Completing needs a photo, a note and the position; a refusal writes nothing.
    for body, name in (({"outcome": "confirmed", "note": "属实", "lon": IN_A[0],
                         "lat": IN_A[1]}, "photo_url"),
                       ({"outcome": "fixed", "note": "x", "photo_url": PHOTO, "lon": IN_A[0],
                         "lat": IN_A[1]}, "outcome"),
                       ({"outcome": "confirmed", "note": "x", "photo_url": PHOTO}, "lon")):
        refused = far.post(f"/api/v1/tasks/{task['id']}/complete", json=body)
        assert refused.status_code in (400, 422) and refused.get_json()["field"] == name
    assert task_row(task_world, incident)["status"] == "accepted"
    done = far.post(f"/api/v1/tasks/{task['id']}/complete", json={
        "outcome": "confirmed", "note": "现场属实，井盖缺失", "photo_url": PHOTO,
        "lon": IN_A[0], "lat": IN_A[1]})
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    assert far.get("/api/v1/tasks").get_json()["items"] == []
    with task_world["engine"].connect() as conn:
        event = conn.execute(select(IncidentEvent).where(
            IncidentEvent.incident_id == incident, IncidentEvent.action == "task_done")
        ).mappings().one()
    assert event["photo_url"] == PHOTO and "属实" in event["note"]
    assert operator.post(f"/api/v1/incidents/{incident}/dispatch", json={}).status_code == 200
    # The wall's ticker shows the task done beside the newest reports.
    db = Database(task_world["settings"])
    try:
        rows = ticker(AppContext(task_world["settings"], db), later, "zh")
    finally:
        db.dispose()
    assert any(r["category"] == "核实 · 道路设施" and r["status"] == "已完成"
               and r["tone"] == "done" for r in rows)


def test_patrol_reports_need_no_verification_and_rejects_cancel_tasks(task_world):
    worker = signed_in(task_world, "worker_a")
    own = worker.post("/api/v1/incidents", json={
        "category_code": "0102", "lon": IN_A[0], "lat": IN_A[1]}).get_json()["id"]
    operator = signed_in(task_world, "operator")
    hotline = operator.post("/api/v1/incidents", json={
        "category_code": "0103", "lon": IN_A[0], "lat": IN_A[1], "source": "resident"}
    ).get_json()["id"]
    tick(task_world, SESSION_NOW)
    with task_world["engine"].connect() as conn:
        kinds = dict(conn.execute(text("select incident_id, count(*) from field_tasks "
                                       "where incident_id in (:a, :b) group by 1"),
                                  {"a": own, "b": hotline}).all())
    assert own not in kinds and kinds[hotline] == 1
    assert operator.post(f"/api/v1/incidents/{hotline}/reject",
                         json={"note": "重复"}).status_code == 200
    assert task_row(task_world, hotline)["status"] == "cancelled"


def test_an_operator_orders_a_check_by_hand_and_bad_kinds_are_named(task_world):
    operator = signed_in(task_world, "operator")
    incident = operator.post("/api/v1/incidents", json={
        "category_code": "0104", "lon": IN_A[0], "lat": IN_A[1], "source": "patrol"}
    ).get_json()["id"]
    bad = operator.post(f"/api/v1/incidents/{incident}/tasks", json={"kind": "inspect"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "kind"
    made = operator.post(f"/api/v1/incidents/{incident}/tasks", json={"kind": "check"})
    assert made.status_code == 201 and made.get_json()["status"] == "offered"
    again = operator.post(f"/api/v1/incidents/{incident}/tasks", json={"kind": "check"})
    assert again.status_code == 409
    assert signed_in(task_world, "worker_a").post(
        f"/api/v1/incidents/{incident}/tasks", json={"kind": "verify"}).status_code == 403
