"""Ingest rules: what is set aside and why, duplicates, batch JSON with per-fix answers, tokens,
GCJ-02, the OsmAnd port.
"""
import json
import math
import urllib.request
import uuid

import pytest
from sqlalchemy import text

from api.ingest.osmand_server import start_osmand_server
from geo.crs import wgs84_to_gcj02
from tests.ingest_helpers import (  # noqa: F401
    LAT,
    LON,
    M,
    aside,
    client,
    ingest_db,
    iso,
    now_s,
    phone,
    stored,
)

EAST_M = M / math.cos(math.radians(LAT))


def latest(ingest_db, phone):
    with ingest_db[1].connect() as conn:
        return conn.execute(text("select device_time, fixes_today from latest_positions "
                                 "where device_id = :d"), {"d": phone["device"]}).first()


def osmand(client, phone, t, lat=LAT, lon=LON, **extra):
    params = "&".join(f"{k}={v}" for k, v in extra.items())
    return client.get(f"/osmand?id={phone['id']}&timestamp={t}&lat={lat}&lon={lon}&{params}")


@pytest.mark.parametrize("lat,lon", [(91.0, LON), (LAT, 181.0)])
def test_coordinates_off_the_earth_are_a_malformed_request(client, ingest_db, phone, lat, lon):
    response = osmand(client, phone, now_s() - 10, lat, lon)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_coordinates"
    assert response.get_json()["field"] == "lat"
    assert stored(ingest_db, phone) == [] and aside(ingest_db, phone) == []


@pytest.mark.parametrize("lat,lon", [
    (LAT + 0.015, LON),                          # 1.1 km north of the district
    (LAT, 117.11 + 1000 * EAST_M),
])
def test_fixes_far_outside_are_acknowledged_and_set_aside(client, ingest_db, phone, lat, lon):
    response = osmand(client, phone, now_s() - 10, lat, lon)
    assert response.status_code == 200 and response.data == b""
    assert stored(ingest_db, phone) == []
    assert [r.reason for r in aside(ingest_db, phone)] == ["outside_district"]
    assert latest(ingest_db, phone) is None            # no dot on the wall


def test_a_few_hundred_metres_outside_is_tolerated(client, ingest_db, phone):
    assert osmand(client, phone, now_s() - 10, LAT, 117.11 + 300 * EAST_M).status_code == 200
    assert stored(ingest_db, phone)[0].grid_id is None and aside(ingest_db, phone) == []


@pytest.mark.parametrize("offset,reason", [
    (6 * 60, "future_timestamp"), (20, None),
    (-7 * 86400 - 120, "stale_timestamp"), (-6 * 86400, None),
])
def test_times_ahead_of_the_server_or_over_seven_days_old_are_set_aside(
        client, ingest_db, phone, offset, reason):
    response = osmand(client, phone, now_s() + offset)
    assert response.status_code == 200
    if reason:
        assert stored(ingest_db, phone) == []
        [row] = aside(ingest_db, phone)
        assert row.reason == reason and row.device_time.timestamp() == now_s() + offset
    else:
        assert len(stored(ingest_db, phone)) == 1 and aside(ingest_db, phone) == []


def test_poor_mock_and_invalid_fixes_are_set_aside_with_their_reason(client, ingest_db, phone):
    t = now_s() - 60
    assert osmand(client, phone, t, accuracy=150).status_code == 200
    assert osmand(client, phone, t + 10, accuracy=100).status_code == 200
    assert osmand(client, phone, t + 20, valid="false").status_code == 200
    assert osmand(client, phone, t + 30, mock="true").status_code == 200
    assert [r.device_time.timestamp() for r in stored(ingest_db, phone)] == [t + 10]
    assert [(r.device_time.timestamp(), r.reason) for r in aside(ingest_db, phone)] == [
        (t, "inaccurate"), (t + 20, "not_valid"), (t + 30, "mock_location")]


def test_jumps_and_car_speeds_are_set_aside_and_the_stream_goes_on(client, ingest_db, phone):
    t = now_s() - 60
    assert osmand(client, phone, t).status_code == 200
    jump = osmand(client, phone, t + 10, LAT + 400 * M)           # 400 m in 10 s
    assert jump.status_code == 200
    cycle = osmand(client, phone, t + 60, LAT + 400 * M)          # 400 m in 60 s: a bicycle
    assert cycle.status_code == 200
    car = osmand(client, phone, t + 70, LAT + 420 * M, speed=40)  # Traccar's test: 40 knots
    assert car.status_code == 200
    assert [r.device_time.timestamp() for r in stored(ingest_db, phone)] == [t, t + 60]
    assert [(r.device_time.timestamp(), r.reason) for r in aside(ingest_db, phone)] == [
        (t + 10, "impossible_speed"), (t + 70, "impossible_speed")]
    assert latest(ingest_db, phone).device_time.timestamp() == t + 60


def test_the_next_fix_is_judged_from_the_last_trusted_one_not_the_jump(client, ingest_db, phone):
    t = now_s() - 60
    assert osmand(client, phone, t, accuracy=5).status_code == 200
    assert osmand(client, phone, t + 10, LAT + 500 * M, accuracy=5).status_code == 200   # jump
    assert osmand(client, phone, t + 20, LAT + 10 * M, accuracy=5).status_code == 200    # back
    assert [r.device_time.timestamp() for r in stored(ingest_db, phone)] == [t, t + 20]
    assert [r.reason for r in aside(ingest_db, phone)] == ["impossible_speed"]


def test_a_ride_between_grids_heals_once_walking_pace_could_explain_it(client, ingest_db, phone):
    """An e-bike or a car ride: the fixes on the way are set aside, and the stream is
    trusted again as soon as the distance from the last trusted fix is plausible.
    """
    t = now_s() - 600
    assert osmand(client, phone, t).status_code == 200
    for k in range(1, 4):                              # 900 m in 30 s: a car
        assert osmand(client, phone, t + 10 * k, LAT + 300 * k * M).status_code == 200
    for k in range(4, 20):                             # parked there, walking on
        assert osmand(client, phone, t + 10 * k, LAT + (900 + k) * M).status_code == 200
    trusted = [r.device_time.timestamp() for r in stored(ingest_db, phone)]
    # Trusted again from the first fix that 12 m/s (plus 30 m of slack) could reach.
    assert trusted == [t] + [t + 10 * k for k in range(8, 20)]
    assert {r.reason for r in aside(ingest_db, phone)} == {"impossible_speed"}


def test_the_same_fix_twice_is_stored_once_and_still_succeeds(client, ingest_db, phone):
    t = now_s() - 30
    assert osmand(client, phone, t).status_code == 200
    assert osmand(client, phone, t).status_code == 200
    assert osmand(client, phone, t * 1000).status_code == 200      # the same in milliseconds
    assert len(stored(ingest_db, phone)) == 1
    row = latest(ingest_db, phone)
    assert row.device_time.timestamp() == t and row.fixes_today == 1


def test_a_fix_set_aside_and_retried_is_stored_once(client, ingest_db, phone):
    t = now_s() - 30
    for _ in range(3):
        assert osmand(client, phone, t, LAT + 0.02).status_code == 200
    assert len(aside(ingest_db, phone)) == 1 and stored(ingest_db, phone) == []


def test_bad_numbers_and_timestamps_are_400(client, phone):
    assert osmand(client, phone, "yesterday").get_json()["error"] == "invalid_timestamp"
    r = client.get(f"/osmand?id={phone['id']}&lat=north&lon={LON}")
    assert r.status_code == 400 and r.get_json()["field"] == "lat"


def post_batch(client, phone, body, token=None):
    return client.post("/api/v1/positions", json=body,
                       headers={"Authorization": f"Bearer {token or phone['token']}"})


def walk(t0, n, **extra):
    return [{"time": iso(t0 + 10 * k), "lat": LAT + 8 * k * M, "lon": LON, "accuracy": 6,
             "battery": 90, **extra} for k in range(n)]


def test_batch_stores_many_fixes_and_counts_duplicates(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 20)
    first = post_batch(client, phone, {"fixes": fixes})
    assert first.status_code == 200
    body = first.get_json()
    assert {k: body[k] for k in ("received", "stored", "duplicates", "set_aside")} == {
        "received": 20, "stored": 20, "duplicates": 0, "set_aside": 0}
    assert body["fixes"] == [{"index": i, "result": "accepted"} for i in range(20)]
    again = post_batch(client, phone, {"fixes": fixes[10:] + walk(now_s() - 100, 1)})
    assert again.get_json()["stored"] == 1 and again.get_json()["duplicates"] == 10
    assert [f["result"] for f in again.get_json()["fixes"]] == ["duplicate"] * 10 + ["accepted"]
    assert len(stored(ingest_db, phone)) == 21


def test_batch_converts_gcj02_to_wgs84(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 3)
    for fix in fixes:
        fix["lon"], fix["lat"] = wgs84_to_gcj02(fix["lon"], fix["lat"])
    assert post_batch(client, phone, {"crs": "gcj02", "fixes": fixes}).status_code == 200
    rows = stored(ingest_db, phone)
    assert [r.lat for r in rows] == pytest.approx([LAT + 8 * k * M for k in range(3)], abs=1e-7)
    assert [r.lon for r in rows] == pytest.approx([LON] * 3, abs=1e-7)


def test_doubtful_fixes_in_a_batch_are_answered_one_by_one(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 6)
    fixes[2]["lat"] = LAT + 0.05                 # outside the district
    fixes[3]["lat"] += 1000 * M                  # a jump
    fixes[4]["time"] = now_s() + 3600            # an hour ahead of the server
    response = post_batch(client, phone, {"fixes": fixes})
    body = response.get_json()
    assert response.status_code == 200
    assert body["fixes"] == [
        {"index": 0, "result": "accepted"}, {"index": 1, "result": "accepted"},
        {"index": 2, "result": "set_aside", "reason": "outside_district"},
        {"index": 3, "result": "set_aside", "reason": "impossible_speed"},
        {"index": 4, "result": "set_aside", "reason": "future_timestamp"},
        {"index": 5, "result": "accepted"}]
    assert (body["stored"], body["set_aside"], body["flagged"]) == (3, 3, 3)
    assert len(stored(ingest_db, phone)) == 3 and len(aside(ingest_db, phone)) == 3
    again = post_batch(client, phone, {"fixes": fixes}).get_json()
    assert [f["result"] for f in again["fixes"]] == ["duplicate"] * 6
    assert [f.get("reason") for f in again["fixes"]][2:5] == [
        "outside_district", "impossible_speed", "future_timestamp"]
    assert len(stored(ingest_db, phone)) == 3 and len(aside(ingest_db, phone)) == 3


def test_a_fix_off_the_earth_refuses_the_batch_naming_it(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 3)
    fixes[1]["lat"] = 95.0
    body = post_batch(client, phone, {"fixes": fixes}).get_json()
    assert body["error"] == "invalid_coordinates" and body["field"] == "fixes[1].lat"
    assert stored(ingest_db, phone) == [] and aside(ingest_db, phone) == []


@pytest.mark.parametrize("body,status,code", [
    ({"fixes": "many"}, 400, "invalid_parameter"),
    ({"crs": "bd09", "fixes": []}, 400, "invalid_parameter"),
    ({"fixes": [{"lat": LAT, "lon": LON}]}, 400, "invalid_parameter"),
    ({"fixes": [{"time": 1, "lat": LAT, "lon": LON}] * 1001}, 413, "too_many_fixes"),
])
def test_malformed_batches_are_refused(client, phone, body, status, code):
    response = post_batch(client, phone, body)
    assert response.status_code == status and response.get_json()["error"] == code


def test_batch_needs_the_device_token(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 2)
    assert post_batch(client, phone, {"fixes": fixes}, token="wrong").status_code == 401
    bare = client.post("/api/v1/positions", json={"fixes": fixes})
    assert bare.status_code == 401 and bare.get_json()["field"] == "Authorization"
    raw = client.post("/api/v1/positions", data="{not json",
                      headers={"Authorization": f"Bearer {phone['token']}"})
    assert raw.status_code == 400 and raw.get_json()["error"] == "invalid_json"
    assert stored(ingest_db, phone) == []


def test_the_osmand_handler_serves_its_own_port(ingest_db, phone):
    settings, db, _ = ingest_db
    server = start_osmand_server(settings, 0, "127.0.0.1", db)
    try:
        t = now_s() - 20
        for path in ("/", "/osmand"):
            url = (f"http://127.0.0.1:{server.port}{path}?id={phone['id']}&timestamp={t}"
                   f"&lat={LAT}&lon={LON}")
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200 and response.read() == b""
            t += 10
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/?id=nobody&lat=1&lon=2")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=5)
        assert err.value.code == 400 and json.loads(err.value.read())["error"] == "unknown_device"
    finally:
        server.shutdown()
    assert len(stored(ingest_db, phone)) == 2


def test_a_new_phone_is_recognised_seconds_after_an_unknown_answer(ingest_db):
    from api.ingest.ingestor import Ingestor
    from data.devices import create_device
    from tests import factories as f

    settings, db, _ = ingest_db
    clock = [1_000.0]
    ingestor = Ingestor(db, settings, monotonic=lambda: clock[0])
    name = f"late{uuid.uuid4().hex[:6]}"
    assert ingestor.device_by_key(name) is None
    with db.begin() as conn:
        create_device(conn, f.user(conn, name, "grid_worker"), name)
    assert ingestor.device_by_key(name) is None          # remembered briefly
    clock[0] += 6
    assert ingestor.device_by_key(name).device_id == name
