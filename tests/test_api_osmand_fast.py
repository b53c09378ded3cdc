"""The lean OsmAnd path: same answers and headers as the Flask handler, limits counted once."""
import pytest

from api.server import create_server
from tests.ingest_helpers import (  # noqa: F401
    LAT,
    LON,
    M,
    aside,
    client,
    ingest_db,
    now_s,
    phone,
    stored,
)


def fast(client):
    return client.application.extensions["hq_osmand_fast"]


def fix(phone, t, **extra):
    params = "".join(f"&{k}={v}" for k, v in extra.items())
    return f"/osmand?id={phone['id']}&timestamp={t}&lat={LAT}&lon={LON}{params}"


def test_a_phones_fix_is_stored_by_the_lean_path(client, ingest_db, phone):
    before = fast(client).served
    t = now_s() - 30
    response = client.post(fix(phone, t, speed=1.0, batt=77))
    assert response.status_code == 200 and response.data == b""
    assert fast(client).served == before + 1
    [row] = stored(ingest_db, phone)
    assert int(row.device_time.timestamp()) == t and row.battery == 77
    assert abs(row.speed_mps - 1852 / 3600) < 1e-9 and row.grid_id is not None


def test_the_lean_answer_carries_the_apps_headers(client, phone):
    t = now_s() - 60
    lean = client.get(fix(phone, t))
    # A cookie sends the same kind of request through Flask itself.
    client.set_cookie("unrelated", "1")
    try:
        flask = client.get(fix(phone, t + 10))
    finally:
        client.delete_cookie("unrelated")
    assert lean.status_code == flask.status_code == 200
    per_request = {"Content-Length", "Set-Cookie", "Vary"}
    assert {k: v for k, v in lean.headers.items() if k not in per_request} == \
        {k: v for k, v in flask.headers.items() if k not in per_request}
    assert "frame-ancestors 'none'" in lean.headers["Content-Security-Policy"]
    assert lean.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("make, status, code", [
    (lambda p, t: f"/osmand?id=nobody-{t}&timestamp={t}&lat={LAT}&lon={LON}", 400,
     "unknown_device"),
    (lambda p, t: fix(p, t, lat=95), 400, "invalid_coordinates"),
    (lambda p, t: f"/osmand?id={p['id']}&timestamp={t}&lat=abc&lon={LON}", 400,
     "invalid_parameter"),
    (lambda p, t: f"/osmand?id={p['id']}&timestamp={t}&lat={LAT}&lon={LON}&x=%00", 400,
     "invalid_characters"),
])
def test_what_the_lean_path_cannot_take_is_answered_as_before(client, ingest_db, phone, make,
                                                            status, code):
    before = fast(client).served
    response = client.get(make(phone, now_s() - 30))
    assert response.status_code == status and response.get_json()["error"] == code
    assert fast(client).served == before and stored(ingest_db, phone) == []


def test_doubtful_fixes_are_acknowledged_by_the_lean_path_and_set_aside(client, ingest_db, phone):
    before = fast(client).served
    t = now_s() - 60
    assert client.get(fix(phone, t)).status_code == 200
    jump = client.get(f"/osmand?id={phone['id']}&timestamp={t + 10}&lat={LAT + 400 * M}&lon={LON}")
    ahead = client.get(fix(phone, t + 3600))
    assert jump.status_code == ahead.status_code == 200 and jump.data == ahead.data == b""
    assert fast(client).served == before + 3
    assert len(stored(ingest_db, phone)) == 1
    assert [r.reason for r in aside(ingest_db, phone)] == ["impossible_speed", "future_timestamp"]


def test_a_request_is_counted_once_by_the_rate_limit(ingest_db, phone):
    settings, db, _ = ingest_db
    limited = create_server(settings.with_overrides(ingest_max_requests=3, ingest_window_s=60),
                            db).test_client()
    t = now_s() - 100
    # A refused request (handed on to Flask) counts once, like an accepted one.
    codes = [limited.get(fix(phone, t, lat=95)).status_code,
             limited.get(fix(phone, t)).status_code,
             limited.get(fix(phone, t + 10)).status_code,
             limited.get(fix(phone, t + 20)).status_code]
    assert codes == [400, 200, 200, 429]
    assert len(stored(ingest_db, phone)) == 2
