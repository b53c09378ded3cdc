"""GET /api/v1/notifications and marking read, over HTTP, for the signed-in person only."""
import pytest
from sqlalchemy import create_engine

from app import build_app
from tests.auth_helpers import login_client
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import PASSWORD, build_world, make_incident


@pytest.fixture(scope="module")
def notices_api(server_settings):
    url = create_test_database(server_settings, "notices_api")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        incident = make_incident(conn, world, "accepted")
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "world": world, "incident": incident}
    engine.dispose()
    drop_test_database(server_settings, url)


def signed_in(notices_api, username):
    client = notices_api["app"].server.test_client()
    login_client(client, username, PASSWORD)
    return client


def test_a_dispatch_rings_the_officers_bell_and_only_theirs(notices_api):
    operator = signed_in(notices_api, "operator")
    answer = operator.post(f"/api/v1/incidents/{notices_api['incident']}/dispatch",
                           json={"department_code": "CGW-DL"})
    assert answer.status_code == 200, answer.get_json()
    road, parks = signed_in(notices_api, "officer_road"), signed_in(notices_api, "officer_parks")
    mine = road.get("/api/v1/notifications").get_json()
    assert mine["unread"] == 1 and mine["items"][0]["kind"] == "dispatched"
    assert mine["items"][0]["incident_id"] == notices_api["incident"]
    assert parks.get("/api/v1/notifications").get_json() == {"unread": 0, "items": []}
    notice_id = mine["items"][0]["id"]
    stranger = parks.post(f"/api/v1/notifications/{notice_id}/read")
    assert stranger.status_code == 404 and stranger.get_json()["field"] == "id"
    assert road.get("/api/v1/notifications?unread=true").get_json()["unread"] == 1
    marked = road.post(f"/api/v1/notifications/{notice_id}/read").get_json()
    assert marked == {"marked": 1, "unread": 0}
    assert road.get("/api/v1/notifications?unread=1").get_json()["items"] == []
    assert road.get("/api/v1/notifications").get_json()["items"][0]["read_at"]
    assert road.post("/api/v1/notifications/read").get_json() == {"marked": 0, "unread": 0}


@pytest.mark.parametrize("query", ["limit=abc", "limit=0", "limit=101", "before_id=-1",
                                   "unread=maybe"])
def test_bad_queries_are_400_naming_the_field(notices_api, query):
    answer = signed_in(notices_api, "officer_road").get(f"/api/v1/notifications?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["field"] == query.split("=")[0]


def test_nobody_signed_in_gets_401_and_writes_need_the_csrf_token(notices_api):
    client = notices_api["app"].server.test_client()
    assert client.get("/api/v1/notifications").status_code == 401
    road = signed_in(notices_api, "officer_road")
    road.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert road.post("/api/v1/notifications/read").status_code in (400, 403)


def test_the_routes_are_in_the_openapi_description(notices_api):
    spec = notices_api["app"].server.test_client().get("/api/openapi.json").get_json()
    assert set(spec["paths"]["/api/v1/notifications"]) == {"get"}
    assert "post" in spec["paths"]["/api/v1/notifications/{id}/read"]
    assert "post" in spec["paths"]["/api/v1/notifications/read"]
