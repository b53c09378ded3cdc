"""Intake over HTTP: possible duplicates on report, attaching, merging, counted once."""
import pytest
from sqlalchemy import create_engine, select, text

from app import build_app
from data.models import Incident, IncidentEvent
from tests.auth_helpers import login_client
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import IN_A, PASSWORD, build_world

# About 20 m and 300 m east of IN_A (1e-5 degree of longitude is ~0.86 m at 39°N).
NEAR_A = (IN_A[0] + 0.00023, IN_A[1])
FAR_A = (IN_A[0] + 0.0035, IN_A[1])


@pytest.fixture(scope="module")
def intake_world(server_settings):
    url = create_test_database(server_settings, "intake")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "world": world, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


def signed_in(intake_world, username):
    client = intake_world["app"].server.test_client()
    login_client(client, username, PASSWORD)
    return client


def report(client, category, where, **extra):
    body = {"category_code": category, "lon": where[0], "lat": where[1],
            "description": "井盖破损", **extra}
    return client.post("/api/v1/incidents", json=body)


def test_a_report_names_open_cases_of_its_category_nearby_nearest_first(intake_world):
    worker = signed_in(intake_world, "worker_a")
    far = report(worker, "0106", FAR_A).get_json()
    first = report(worker, "0106", IN_A).get_json()
    assert first["possible_duplicates"] == []        # 300 m away is another lamp
    other_kind = report(worker, "0107", NEAR_A).get_json()
    second = report(worker, "0106", NEAR_A).get_json()
    assert second["possible_duplicates"] == [first["id"]]
    assert other_kind["id"] not in second["possible_duplicates"]
    assert far["id"] not in second["possible_duplicates"]
    third = report(worker, "0106", (NEAR_A[0] + 0.0001, NEAR_A[1])).get_json()
    assert third["possible_duplicates"] == [second["id"], first["id"]]
    distances = [d["distance_m"] for d in third["possible_duplicate_cases"]]
    assert distances == sorted(distances) and 5 < distances[0] < 15 < distances[1] < 50
    shown = third["possible_duplicate_cases"][0]
    assert "photo_url" in shown and "reporter_contact" not in shown and "reporter_id" not in shown
    preview = worker.get(f"/api/v1/incidents/duplicates?category_code=0106&lon={IN_A[0]}"
                         f"&lat={IN_A[1]}").get_json()
    assert preview["possible_duplicates"][0] == first["id"]


def test_preview_refuses_bad_input_with_the_field_named(intake_world):
    worker = signed_in(intake_world, "worker_a")
    for query, name in (("lon=1&lat=2", "category_code"), ("category_code=0101&lat=2", "lon"),
                        ("category_code=0101&lon=nan&lat=2", "lon"),
                        ("category_code=0101&lon=500&lat=2", "lon")):
        answer = worker.get(f"/api/v1/incidents/duplicates?{query}")
        assert answer.status_code == 400 and answer.get_json()["field"] == name, query


def test_the_reporter_attaches_to_a_nearby_case_instead_of_filing(intake_world):
    worker = signed_in(intake_world, "worker_a")
    parent = report(worker, "0102", IN_A).get_json()
    attached = report(worker, "0102", NEAR_A, attach_to=parent["id"])
    assert attached.status_code == 201
    child = attached.get_json()
    assert child["status"] == "closed" and child["possible_duplicates"] == [parent["id"]]
    with intake_world["engine"].connect() as conn:
        assert conn.execute(select(Incident.parent_id).where(
            Incident.id == child["id"])).scalar_one() == parent["id"]
    # Not a case far away, nor one of another street: 422 and nothing written.
    with intake_world["engine"].connect() as conn:
        before = conn.execute(text("select count(*) from incidents")).scalar_one()
    refused = report(worker, "0102", FAR_A, attach_to=parent["id"])
    assert refused.status_code == 422 and refused.get_json()["field"] == "attach_to"
    with intake_world["engine"].connect() as conn:
        assert conn.execute(text("select count(*) from incidents")).scalar_one() == before


def test_an_operator_merges_and_the_child_is_counted_once_and_told_at_close(intake_world):
    worker = signed_in(intake_world, "worker_a")
    operator = signed_in(intake_world, "operator_a")
    parent = report(worker, "0103", IN_A).get_json()
    child = report(worker, "0103", NEAR_A).get_json()
    assert operator.get(f"/api/v1/incidents/{child['id']}/duplicates").get_json()[
        "possible_duplicates"] == [parent["id"]]
    engine = intake_world["engine"]

    def rollup_n():
        with engine.connect() as conn:
            return conn.execute(text("select coalesce(sum(n), 0) from incident_rollup "
                                     "where category_code = '0103'")).scalar_one()
    assert rollup_n() == 2
    # Another street's operator may not; a grid worker may not.
    assert signed_in(intake_world, "worker_a").post(
        f"/api/v1/incidents/{child['id']}/merge", json={"parent_id": parent["id"]}
    ).status_code == 403
    assert operator.post(f"/api/v1/incidents/{child['id']}/merge",
                         json={"parent_id": "x"}).get_json()["field"] == "parent_id"
    assert operator.post(f"/api/v1/incidents/{child['id']}/merge",
                         json={"parent_id": child["id"]}).status_code == 422
    merged = operator.post(f"/api/v1/incidents/{child['id']}/merge",
                           json={"parent_id": parent["id"]})
    assert merged.status_code == 200 and merged.get_json()["id"] == parent["id"]
    assert rollup_n() == 1                           # the analyst's counts drop the child
    again = operator.post(f"/api/v1/incidents/{child['id']}/merge",
                          json={"parent_id": parent["id"]})
    assert again.status_code == 409
    # A merged child takes no lifecycle step.
    assert operator.post(f"/api/v1/incidents/{child['id']}/reopen",
                         json={"note": "x"}).status_code == 409
    for action, body in (("accept", {}), ("dispatch", {"handled_by": "street"})):
        assert operator.post(f"/api/v1/incidents/{parent['id']}/{action}",
                             json=body).status_code == 200
    chief = signed_in(intake_world, "chief_a")
    for action in ("start", "resolve"):
        assert chief.post(f"/api/v1/incidents/{parent['id']}/{action}", json={}).status_code == 200
    for action in ("verify", "close"):
        assert operator.post(f"/api/v1/incidents/{parent['id']}/{action}",
                             json={}).status_code == 200
    with engine.connect() as conn:
        told = conn.execute(select(IncidentEvent.public, IncidentEvent.note).where(
            IncidentEvent.incident_id == child["id"],
            IncidentEvent.action == "parent_closed")).all()
    assert len(told) == 1 and told[0].public
    # ... and the child's reporter hears of it in their inbox, once (issue 21's outbox).
    with engine.connect() as conn:
        inbox = conn.execute(text(
            "select user_id from notices where kind = 'parent_closed' and incident_id = :i"),
            {"i": child["id"]}).scalars().all()
    assert inbox == [intake_world["world"].users["worker_a"]]


def test_merge_refuses_across_categories_and_leaves_the_database_unchanged(intake_world):
    worker = signed_in(intake_world, "worker_a")
    operator = signed_in(intake_world, "operator")
    a = report(worker, "0104", IN_A).get_json()
    b = report(worker, "0105", NEAR_A).get_json()
    answer = operator.post(f"/api/v1/incidents/{b['id']}/merge", json={"parent_id": a["id"]})
    assert answer.status_code == 422 and answer.get_json()["field"] == "parent_id"
    assert operator.post("/api/v1/incidents/999999/merge",
                         json={"parent_id": a["id"]}).status_code == 404
    with intake_world["engine"].connect() as conn:
        row = conn.execute(select(Incident.status, Incident.parent_id).where(
            Incident.id == b["id"])).one()
    assert row == ("reported", None)


def test_a_merged_child_leaves_the_leaders_and_wall_counts(intake_world):
    from datetime import timedelta

    from data.queries.leaders import completion_counts
    from data.queries.wall import headline, sources_today
    from tests.clock import SESSION_NOW

    engine = intake_world["engine"]

    def figures():
        with engine.connect() as conn:
            before = (SESSION_NOW - timedelta(days=2), SESSION_NOW - timedelta(days=1),
                      SESSION_NOW - timedelta(days=1))
            district = completion_counts(conn, "district", SESSION_NOW - timedelta(days=1),
                                         SESSION_NOW + timedelta(days=1), before,
                                         SESSION_NOW)[0]
            wall = headline(conn, SESSION_NOW, days=(0,)).iloc[0]
            sources = int(sources_today(conn, SESSION_NOW)["n"].sum())
        return district["reported"], int(wall["reports_today"]), sources

    worker = signed_in(intake_world, "worker_a")
    parent = report(worker, "0201", IN_A).get_json()
    child = report(worker, "0201", NEAR_A).get_json()
    before = figures()
    merged = signed_in(intake_world, "operator").post(
        f"/api/v1/incidents/{child['id']}/merge", json={"parent_id": parent["id"]})
    assert merged.status_code == 200
    assert figures() == tuple(n - 1 for n in before)
