"""Ingest rules: each validation, duplicates, batch JSON with tokens and GCJ-02, the OsmAnd port."""
import json
import math
import urllib.request
import uuid

import pytest
from sqlalchemy import text

from api.osmand_port import start_osmand_server
from geo.crs import wgs84_to_gcj02
from tests.ingest_helpers import LAT, LON, M, client, ingest_db, iso, now_s, phone, stored  # noqa: F401

EAST_M = M / math.cos(math.radians(LAT))


def osmand(client, phone, t, lat=LAT, lon=LON, **extra):
    params = "&".join(f"{k}={v}" for k, v in extra.items())
    return client.get(f"/osmand?id={phone['id']}&timestamp={t}&lat={lat}&lon={lon}&{params}")


@pytest.mark.parametrize("lat,lon,status,code", [
    (91.0, LON, 400, "invalid_coordinates"),
    (LAT, 181.0, 400, "invalid_coordinates"),
    (LAT + 0.015, LON, 422, "outside_district"),          # 1.1 km north of the district
    (LAT, 117.11 + 1000 * EAST_M, 422, "outside_district"),
])
def test_coordinates_off_the_earth_or_far_outside_are_rejected(client, ingest_db, phone, lat,
                                                               lon, status, code):
    response = osmand(client, phone, now_s() - 10, lat, lon)
    assert response.status_code == status
    assert response.get_json()["error"] == code and response.get_json()["field"] == "lat"
    assert stored(ingest_db, phone) == []


def test_a_few_hundred_metres_outside_is_tolerated(client, ingest_db, phone):
    assert osmand(client, phone, now_s() - 10, LAT, 117.11 + 300 * EAST_M).status_code == 200
    assert stored(ingest_db, phone)[0].grid_id is None


@pytest.mark.parametrize("offset,status,code", [
    (6 * 60, 422, "future_timestamp"), (4 * 60, 200, None),
    (-7 * 86400 - 120, 422, "stale_timestamp"), (-6 * 86400, 200, None),
])
def test_timestamps_must_be_within_five_minutes_ahead_and_seven_days_back(
        client, ingest_db, phone, offset, status, code):
    response = osmand(client, phone, now_s() + offset)
    assert response.status_code == status
    if code:
        assert response.get_json()["error"] == code and stored(ingest_db, phone) == []
    else:
        assert len(stored(ingest_db, phone)) == 1


def test_poor_accuracy_and_invalid_fixes_are_stored_flagged(client, ingest_db, phone):
    t = now_s() - 60
    assert osmand(client, phone, t, accuracy=150).status_code == 200
    assert osmand(client, phone, t + 10, accuracy=100).status_code == 200
    assert osmand(client, phone, t + 20, valid="false").status_code == 200
    assert [r.flagged for r in stored(ingest_db, phone)] == [True, False, True]


def test_impossible_speeds_are_rejected(client, ingest_db, phone):
    t = now_s() - 60
    assert osmand(client, phone, t).status_code == 200
    jump = osmand(client, phone, t + 10, LAT + 400 * M)           # 400 m in 10 s
    assert jump.status_code == 422 and jump.get_json()["error"] == "impossible_speed"
    cycle = osmand(client, phone, t + 60, LAT + 400 * M)          # 400 m in 60 s: a bicycle
    assert cycle.status_code == 200
    car = osmand(client, phone, t + 70, LAT + 420 * M, speed=40)  # Traccar's test: 40 knots
    assert car.status_code == 422 and car.get_json()["field"] == "speed"
    assert len(stored(ingest_db, phone)) == 2


def test_a_poor_fix_widens_the_tolerance_for_the_next_request(client, ingest_db, phone):
    t = now_s() - 60
    assert osmand(client, phone, t, accuracy=250).status_code == 200
    assert osmand(client, phone, t + 10, LAT + 240 * M, accuracy=5).status_code == 200
    assert [r.flagged for r in stored(ingest_db, phone)] == [True, False]


def test_bad_numbers_and_timestamps_are_400(client, phone):
    assert osmand(client, phone, "yesterday").get_json()["error"] == "invalid_timestamp"
    r = client.get(f"/osmand?id={phone['id']}&lat=north&lon={LON}")
    assert r.status_code == 400 and r.get_json()["field"] == "lat"


def test_the_same_fix_twice_is_stored_once_and_still_succeeds(client, ingest_db, phone):
    t = now_s() - 30
    assert osmand(client, phone, t).status_code == 200
    assert osmand(client, phone, t).status_code == 200
    assert osmand(client, phone, t * 1000).status_code == 200      # the same in milliseconds
    assert len(stored(ingest_db, phone)) == 1
    with ingest_db[1].connect() as conn:
        latest = conn.execute(text("select device_time, fixes_today from latest_positions "
                                   "where device_id = :d"), {"d": phone["device"]}).one()
    assert latest.device_time.timestamp() == t and latest.fixes_today == 1


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
    assert first.get_json() == {"received": 20, "stored": 20, "duplicates": 0, "flagged": 0}
    again = post_batch(client, phone, {"fixes": fixes[10:] + walk(now_s() - 100, 1)})
    assert again.get_json()["stored"] == 1 and again.get_json()["duplicates"] == 10
    assert len(stored(ingest_db, phone)) == 21


def test_batch_converts_gcj02_to_wgs84(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 3)
    for fix in fixes:
        fix["lon"], fix["lat"] = wgs84_to_gcj02(fix["lon"], fix["lat"])
    assert post_batch(client, phone, {"crs": "gcj02", "fixes": fixes}).status_code == 200
    rows = stored(ingest_db, phone)
    assert [r.lat for r in rows] == pytest.approx([LAT + 8 * k * M for k in range(3)], abs=1e-7)
    assert [r.lon for r in rows] == pytest.approx([LON] * 3, abs=1e-7)


def test_one_bad_fix_rejects_the_whole_batch(client, ingest_db, phone):
    fixes = walk(now_s() - 300, 5)
    fixes[2]["lat"] = LAT + 0.05
    fixes[4]["time"] = now_s() + 3600
    response = post_batch(client, phone, {"fixes": fixes})
    body = response.get_json()
    assert response.status_code == 422 and body["field"] == "fixes[2].lat"
    assert [(e["index"], e["error"]) for e in body["errors"]] == [
        (2, "outside_district"), (4, "future_timestamp")]
    assert stored(ingest_db, phone) == []
    jumpy = walk(now_s() - 300, 5)
    jumpy[3]["lat"] += 1000 * M
    body = post_batch(client, phone, {"fixes": jumpy}).get_json()
    assert body["error"] == "impossible_speed" and body["field"] == "fixes[3].lat"
    assert stored(ingest_db, phone) == []


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
    from api.ingestor import Ingestor
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
