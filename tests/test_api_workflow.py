"""The workflow API over HTTP: sign-in, CSRF, tokens, idempotency, errors, the loop, OpenAPI."""
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, insert, select

from app import build_app
from data.models import Device, Incident, IncidentEvent, Whistle, WhistleSummons
from data.photo_store import insert_photo
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import IN_A, IN_B, OUTSIDE, PASSWORD, build_world

TOKEN = "device-token-for-worker-a"


@pytest.fixture(scope="module")
def api_world(server_settings):
    url = create_test_database(server_settings, "api")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        conn.execute(insert(Device).values(device_id="phone-a", user_id=world.users["worker_a"],
                                           token_hash=hashlib.sha256(TOKEN.encode()).hexdigest()))
        conn.execute(insert(Device).values(device_id="phone-old", user_id=world.users["worker_a"],
                                           token_hash=hashlib.sha256(b"revoked").hexdigest(),
                                           active=False))
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "world": world, "engine": engine}
    engine.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture
def client(api_world):
    return api_world["app"].server.test_client()


def signed_in(api_world, username):
    client = api_world["app"].server.test_client()
    login_client(client, username, PASSWORD)
    return client


def count(api_world, table):
    with api_world["engine"].connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def report(client, key=None, where=IN_A, **extra):
    body = {"category_code": "0101", "lon": where[0], "lat": where[1], "description": "井盖破损",
            **extra}
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/incidents", json=body, headers=headers)


def test_everything_needs_a_signed_in_person_or_a_device(client):
    for method, path in (("get", "/api/v1/incidents"), ("post", "/api/v1/incidents"),
                         ("get", "/api/v1/whistles"), ("get", "/api/v1/supervision/queue"),
                         ("post", "/api/v1/whistles/1/rate"), ("get", "/api/v1/me")):
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401, path
        assert response.get_json()["error"] == "unauthorized"


def test_sign_in_form_rejects_bad_passwords_and_stale_forms(client):
    page = client.get("/login")
    assert "登录" in page.get_data(as_text=True) and page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    bad = client.post("/login", data={"username": "chief_a", "password": "nope", "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.get_data(as_text=True)
    stale = client.post("/login", data={"username": "chief_a", "password": PASSWORD,
                                        "csrf_token": "forged"})
    assert stale.status_code == 400
    assert "Sign in" in client.get("/login?lang=en").get_data(as_text=True)


def test_sign_in_regenerates_the_session_and_sets_safe_cookies(client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    page = client.get("/login?next=/cases")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "chief_a", "password": PASSWORD,
                                           "csrf_token": token, "next": "/cases"})
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("hq_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["csrf_token"] != token
    assert client.get("/api/v1/me").get_json()["username"] == "chief_a"


def test_open_redirects_are_refused(client):
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "analyst", "password": PASSWORD,
                                           "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/analyst"


def test_session_writes_need_the_csrf_token(api_world):
    client = signed_in(api_world, "worker_a")
    token = client.environ_base.pop("HTTP_X_CSRFTOKEN")
    response = report(client)
    assert response.status_code == 403 and response.get_json()["error"] == "csrf_failed"
    response = client.post("/api/v1/incidents", json={"category_code": "0101", "lon": IN_A[0],
                                                      "lat": IN_A[1]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_json_sign_in_for_api_clients(client):
    response = client.post("/api/v1/login", json={"username": "operator", "password": PASSWORD})
    body = response.get_json()
    assert response.status_code == 200 and body["user"]["role"] == "operator"
    # Flask-WTF signs the session's one token with the time: the same token under a new stamp.
    again = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    assert again.split(".")[0] == body["csrf_token"].split(".")[0]
    # Signed in, even signing in again is a state change that needs the token.
    assert client.post("/api/v1/login", json={"username": "analyst", "password": "x"}).status_code == 403


def test_json_sign_in_refuses_wrong_passwords_and_forms(api_world):
    client = api_world["app"].server.test_client()
    assert client.post("/api/v1/login", json={"username": "operator", "password": "x"}).status_code == 401
    assert client.post("/api/v1/login", data="username=operator").status_code == 415


def test_a_device_token_reports_as_its_worker(client, api_world):
    response = client.post(
        "/api/v1/incidents", json={"category_code": "0102", "lon": IN_A[0], "lat": IN_A[1]},
        headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["reporter_id"] == api_world["world"].users["worker_a"]
    assert body["source"] == "patrol" and body["grid_id"] == api_world["world"].ids["grid"]
    assert response.headers["Location"] == f"/api/v1/incidents/{body['id']}"
    for header in ("Bearer revoked", "Bearer nope", "Basic abc"):
        bad = client.post("/api/v1/incidents", json={}, headers={"Authorization": header})
        assert bad.status_code == 401


def test_a_retried_report_creates_once(api_world):
    client = signed_in(api_world, "worker_a")
    before = count(api_world, Incident)
    first = report(client, key="retry-key-000001")
    again = report(client, key="retry-key-000001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(api_world, Incident) == before + 1
    other = report(client, key="retry-key-000001", description="另一件事")
    assert other.status_code == 409 and other.get_json()["error"] == "idempotency_key_reused"


@pytest.mark.parametrize("body,status,field", [
    ({"category_code": "0101", "lon": OUTSIDE[0], "lat": OUTSIDE[1]}, 422, "location"),
    ({"category_code": "0101", "lon": "117.1", "lat": 39.15}, 400, "lon"),
    ({"category_code": "0101", "lat": 39.15}, 400, "lon"),
    ({"lon": IN_A[0], "lat": IN_A[1]}, 400, "category_code"),
    ({"category_code": "0101", "lon": IN_A[0], "lat": IN_A[1], "reported_at": "yesterday"}, 400,
     "reported_at"),
    ({"category_code": "0101", "lon": IN_A[0], "lat": IN_A[1], "crs": "bd09"}, 400, "crs"),
    ({"category_code": "0101", "lon": True, "lat": IN_A[1]}, 400, "lon"),
])
def test_bad_reports_get_json_errors_and_write_nothing(api_world, body, status, field):
    client = signed_in(api_world, "worker_a")
    before = count(api_world, Incident)
    response = client.post("/api/v1/incidents", json=body)
    assert response.status_code == status
    assert response.get_json()["field"] == field and "message" in response.get_json()
    assert count(api_world, Incident) == before


def test_a_non_object_body_is_400(api_world):
    client = signed_in(api_world, "worker_a")
    response = client.post("/api/v1/incidents", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_json"


def post(client, path, body=None):
    response = client.post(path, json=body or {})
    return response.status_code, response.get_json()


def test_the_incident_loop_over_http(api_world):
    worker, operator = signed_in(api_world, "worker_a"), signed_in(api_world, "operator")
    officer = signed_in(api_world, "officer_road")
    incident = report(worker).get_json()["id"]
    base = f"/api/v1/incidents/{incident}"
    assert post(officer, base + "/start")[0] == 403
    status, body = post(operator, base + "/close")
    assert status == 409 and body["error"] == "invalid_transition"
    assert post(operator, base + "/accept")[0] == 200
    status, body = post(operator, base + "/dispatch", {"department_code": "NOPE"})
    assert (status, body["field"]) == (422, "department_code")
    status, body = post(operator, base + "/dispatch")
    assert status == 200 and body["department_code"] == "CGW-DL" and body["deadline"]
    assert post(officer, base + "/start", {"note": "已到场"})[0] == 200
    # A step's photo is one this server stored (a phone's), named by its address.
    photo = "/m/photos/" + "ab" * 16 + ".jpg"
    with api_world["engine"].begin() as conn:
        insert_photo(conn, "ab" * 16, api_world["world"].users["officer_road"], incident,
                     "verify", b"\xff\xd8jpeg", 1, 1)
    assert post(officer, base + "/resolve", {"photo_url": "/photos/1.jpg"})[0] == 422
    assert post(officer, base + "/resolve", {"photo_url": photo})[0] == 200
    assert post(worker, base + "/verify")[0] == 200
    status, body = post(operator, base + "/close")
    assert status == 200 and body["status"] == "closed"
    assert [e["action"] for e in body["events"]] == [
        "report", "accept", "dispatch", "start", "resolve", "verify", "close"]
    assert body["events"][4]["photo_url"] == photo
    events = worker.get(base + "/events").get_json()["items"]
    assert len(events) == 7 and events[0]["at"].endswith("+00:00")
    assert post(operator, "/api/v1/incidents/999999/accept")[0] == 404


def test_lists_page_and_filter(api_world):
    operator = signed_in(api_world, "operator")
    report(signed_in(api_world, "worker_b"), where=IN_B)
    page = operator.get("/api/v1/incidents?per_page=2&page=1").get_json()
    assert page["per_page"] == 2 and len(page["items"]) <= 2 and page["total"] >= 2
    street_b = api_world["world"].ids["street_b"]
    only_b = operator.get(f"/api/v1/incidents?street_id={street_b}").get_json()
    assert only_b["total"] >= 1 and {i["street_id"] for i in only_b["items"]} == {street_b}
    assert operator.get("/api/v1/incidents?status=nonsense").status_code == 400
    assert operator.get("/api/v1/incidents?per_page=1000").status_code == 400
    assert operator.get("/api/v1/incidents?q=' or 1=1 --").status_code == 200
    chief_b = signed_in(api_world, "chief_b").get("/api/v1/incidents").get_json()
    assert {i["street_id"] for i in chief_b["items"]} == {street_b}


def blow(client, incident, departments=("CGW-DL",), key=None, days=30,
         meeting_in=timedelta(days=1)):
    now = SESSION_NOW
    body = {"matter": "废弃地块整治", "incident_ids": [incident], "department_codes": list(departments),
            "meeting_at": (now + meeting_in).isoformat(), "meeting_place": "光荣道现场",
            "deadline": (now + timedelta(days=days)).isoformat()}
    return client.post("/api/v1/whistles", json=body,
                       headers={"Idempotency-Key": key} if key else {})


def test_the_whistle_loop_over_http(api_world):
    chief, road = signed_in(api_world, "chief_a"), signed_in(api_world, "officer_road")
    incident = report(signed_in(api_world, "worker_a")).get_json()["id"]
    assert blow(signed_in(api_world, "deputy_a"), incident).status_code == 403
    # The meeting is within the hour, so arriving now is on time.
    response = blow(chief, incident, key="blow-key-000001", meeting_in=timedelta(hours=1))
    assert response.status_code == 201, response.get_json()
    whistle = response.get_json()["id"]
    assert blow(chief, incident, key="blow-key-000001",
                meeting_in=timedelta(hours=1)).status_code == 200
    base = f"/api/v1/whistles/{whistle}"
    status, body = post(road, base + "/report-in", {"stage": "arrived"})
    assert (status, body["error"]) == (409, "out_of_order")
    assert post(road, base + "/report-in")[1]["summons"][0]["acknowledged_at"]
    status, body = post(road, base + "/report-in")
    assert status == 200 and body["status"] == "reported_in"
    assert post(signed_in(api_world, "officer_police"), base + "/report-in")[0] == 403
    status, body = post(chief, base + "/second", {"meeting_place": "区政府",
                                                 "meeting_at": body["deadline"],
                                                 "deadline": body["deadline"]})
    assert (status, body["error"]) == (409, "not_yet_failed")
    assert post(road, base + "/complete")[1]["status"] == "completed"
    status, body = post(chief, base + "/rate", {"department_code": "CGW-DL", "timeliness": 95,
                                               "quality": 90, "attitude": "good"})
    assert (status, body["field"]) == (400, "attitude")
    assert post(chief, base + "/rate", {"department_code": "CGW-DL", "timeliness": 95,
                                        "quality": 90, "attitude": 100})[0] == 200
    status, body = post(chief, base + "/verify", {"feedback": "已整治"})
    assert status == 200 and body["status"] == "closed"
    assert signed_in(api_world, "leader").get(base).status_code == 200
    assert signed_in(api_world, "worker_b").get(base).status_code == 403


def test_arrival_counts_only_near_the_meetings_time_and_place(api_world):
    chief, road = signed_in(api_world, "chief_a"), signed_in(api_world, "officer_road")
    tomorrow = blow(chief, report(signed_in(api_world, "worker_a")).get_json()["id"]).get_json()
    base = f"/api/v1/whistles/{tomorrow['id']}"
    assert post(road, base + "/report-in")[0] == 200          # acknowledging is any time
    status, body = post(road, base + "/report-in")
    assert (status, body["error"], body["field"]) == (409, "too_early_to_arrive", "at")
    assert "2 小时" in body["message"]
    soon = blow(chief, report(signed_in(api_world, "worker_a")).get_json()["id"],
                meeting_in=timedelta(minutes=30)).get_json()
    base = f"/api/v1/whistles/{soon['id']}"
    post(road, base + "/report-in")
    far = {"lon": IN_A[0] + 0.02, "lat": IN_A[1]}                 # about 1.7 km east
    status, body = post(road, base + "/report-in", far)
    assert (status, body["error"], body["field"]) == (409, "too_far_to_arrive", "location")
    status, body = post(road, base + "/report-in", {"lon": IN_A[0]})
    assert (status, body["field"]) == (400, "lat")
    with api_world["engine"].connect() as conn:
        arrived = conn.execute(select(WhistleSummons.arrived_at).where(
            WhistleSummons.whistle_id == soon["id"])).scalar_one()
    assert arrived is None                                        # nothing written
    status, body = post(road, base + "/report-in", {"lon": IN_A[0] + 0.001, "lat": IN_A[1]})
    assert status == 200 and body["status"] == "reported_in", body


def test_an_incident_under_a_whistle_shows_it_and_is_not_worked_apart(api_world):
    chief, operator = signed_in(api_world, "chief_a"), signed_in(api_world, "operator")
    incident = report(signed_in(api_world, "worker_a")).get_json()["id"]
    whistle = blow(chief, incident, departments=("CGW-DL", "CGW-YL")).get_json()
    shown = chief.get(f"/api/v1/incidents/{incident}").get_json()
    assert shown["under_whistle"] and [w["code"] for w in shown["whistles"]] == [whistle["code"]]
    assert [p["department_code"] for p in shown["whistles"][0]["parties"]] == ["CGW-DL", "CGW-YL"]
    assert not {"dispatch", "start", "accept"} & set(shown["actions"])
    for who, action in ((operator, "dispatch"), (chief, "start")):
        status, body = post(who, f"/api/v1/incidents/{incident}/{action}")
        assert (status, body["error"]) == (409, "under_whistle"), body


def test_a_bad_whistle_writes_nothing(api_world):
    chief = signed_in(api_world, "chief_a")
    incident = report(signed_in(api_world, "worker_a")).get_json()["id"]
    before = (count(api_world, Whistle), count(api_world, IncidentEvent))
    response = blow(chief, incident, departments=("CGW-DL", "NOPE"))
    assert response.status_code == 422
    assert (count(api_world, Whistle), count(api_world, IncidentEvent)) == before


def test_supervision_queue_and_scores(api_world):
    queue = signed_in(api_world, "supervisor").get("/api/v1/supervision/queue")
    assert queue.status_code == 200 and set(queue.get_json()) >= {"incidents", "whistles", "counts"}
    assert signed_in(api_world, "worker_a").get("/api/v1/supervision/queue").status_code == 403
    leader = signed_in(api_world, "leader")
    scores = leader.get("/api/v1/departments/scores?from=2020-01-01&to=2099-12-31").get_json()
    assert scores["street_weight"] == 0.5 and len(scores["items"]) == 51
    assert leader.get("/api/v1/departments/scores?street_weight=2").status_code == 422
    assert leader.get("/api/v1/departments/scores?street_weight=nan").status_code == 422
    assert leader.get("/api/v1/departments/scores?from=26-1-1").status_code == 400


def test_logout_needs_the_token_and_ends_the_session(api_world):
    client = signed_in(api_world, "operator")
    assert client.get("/logout").status_code == 200
    token = client.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/api/v1/me").status_code == 401
