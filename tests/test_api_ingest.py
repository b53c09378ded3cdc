"""GPS ingest over HTTP: every OsmAnd form from Traccar's decoder tests, unknown devices."""
import uuid
from datetime import UTC, datetime, timezone

import pytest
from sqlalchemy import text

from tests.clock import SESSION_NOW
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

# Traccar's OsmAndProtocolDecoderTest query forms, with our district and recent times.
QUERY_FORMS = {
    "epoch_seconds_full": "id={id}&timestamp={t}&lat={lat}&lon={lon}&speed=0.0&bearing=0.0&altitude=0&hdop=0.0",
    "iso8601": "id={id}&lat={lat}&lon={lon}&timestamp={iso}&hdop=6.0&altitude=224.0&speed=0.0",
    "epoch_milliseconds": "id={id}&lat={lat}&lon={lon}&timestamp={ms}&hdop=6.0&altitude=224.0&speed=0.0",
    "date_time_with_plus": "lat={lat}&lon={lon}&timestamp={plain}&altitude=384.7&speed=0.0&id={id}",
    "minimal": "id={id}&timestamp={t}&lat={lat}&lon={lon}",
    "deviceid_heading_no_time": "lat={lat}&lon={lon}&speed=0.0&heading=0.0&vacc=0&hacc=0&altitude=0&deviceid={id}",
    "battery_no_time": "id={id}&lat={lat}&lon={lon}&altitude=350.059479&speed=0.000000&batt=87",
    "location": "id={id}&timestamp={t}&location={lat},{lon}",
    "extras_ignored": "id={id}&timestamp={t}&lat={lat}&lon={lon}&bearing=7.19889788244&speed=4&ignition=true&rpm=933&fuel=24",
}


def fill(form: str, phone, t: int) -> str:
    plain = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d+%H%%3A%M%%3A%S")
    return form.format(id=phone["id"], t=t, ms=t * 1000 + 579, lat=LAT, lon=LON,
                       iso=iso(t).replace(":", "%3A"), plain=plain)


@pytest.mark.parametrize("name", QUERY_FORMS)
def test_every_traccar_query_form_is_stored(client, ingest_db, phone, name):
    t = now_s() - 60
    response = client.get("/osmand?" + fill(QUERY_FORMS[name], phone, t))
    assert response.status_code == 200 and response.data == b""
    [row] = stored(ingest_db, phone)
    assert (row.lat, row.lon) == pytest.approx((LAT, LON))
    assert row.grid_id == ingest_db[2]["grid"] and not row.flagged
    if "timestamp" in QUERY_FORMS[name]:
        assert abs(row.device_time.timestamp() - t) < 1
    else:
        assert row.device_time == SESSION_NOW     # the server's clock (the session's now)


def test_query_values_are_converted(client, ingest_db, phone):
    t = now_s() - 60
    client.get("/osmand?" + fill(QUERY_FORMS["extras_ignored"], phone, t))
    client.get(f"/osmand?id={phone['id']}&timestamp={t + 10}&lat={LAT}&lon={LON}&hdop=6.0&batt=87.4&altitude=3.5")
    first, second = stored(ingest_db, phone)
    assert first.speed_mps == pytest.approx(4 * 0.514444, rel=1e-4)       # knots
    assert first.bearing == pytest.approx(7.19889788244)
    assert second.accuracy_m == pytest.approx(30.0) and second.battery == 87   # hdop x 5 m
    assert second.altitude == 3.5


def test_body_parameters_are_read_when_the_query_is_empty(client, ingest_db, phone):
    t = now_s() - 60
    body = f"id={phone['id']}&timestamp={t}&lat={LAT}&lon={LON}&batt=50"
    assert client.post("/osmand", data=body,
                       content_type="application/x-www-form-urlencoded").status_code == 200
    assert client.post("/osmand", data=body.replace(str(t), str(t + 10)),
                       content_type="text/plain").status_code == 200
    assert [r.battery for r in stored(ingest_db, phone)] == [50, 50]


def test_the_query_wins_over_the_body(client, ingest_db, phone):
    t = now_s() - 60
    response = client.post(f"/osmand?id={phone['id']}&timestamp={t}&lat={LAT}&lon={LON}",
                           data="id=someone-else&lat=0&lon=0")
    assert response.status_code == 200 and len(stored(ingest_db, phone)) == 1


def test_a_report_without_a_fix_is_acknowledged_and_not_stored(client, ingest_db, phone):
    q = (f"/osmand?id={phone['id']}&timestamp={now_s()}&cell=257,02,16,2224"
         "&cell=257,02,16,2223,-90&wifi=00-14-22-01-23-45,-80")
    assert client.get(q).status_code == 200 and stored(ingest_db, phone) == []


def json_body(phone, t, **coords):
    c = {"latitude": LAT, "longitude": LON, "accuracy": 5, "speed": 0, "heading": -1,
         "altitude": 5, **coords}
    return {"location": {"timestamp": datetime.fromtimestamp(t, UTC).isoformat(
        timespec="milliseconds").replace("+00:00", "Z"), "coords": c, "is_moving": False,
        "odometer": 0, "event": "motionchange", "battery": {"level": 0.79, "is_charging": False},
        "activity": {"type": "still"}, "extras": {"device_bool_test": True, "n": 1.345}},
        "device_id": phone["id"]}


def test_json_form_is_stored(client, ingest_db, phone):
    t = now_s() - 60
    assert client.post("/osmand", json=json_body(phone, t)).status_code == 200
    [row] = stored(ingest_db, phone)
    assert abs(row.device_time.timestamp() - t) < 1 and row.battery == 79
    assert row.bearing is None and row.speed_mps == 0 and row.accuracy_m == 5


def test_json_mock_location_with_unknowns_is_acknowledged_and_set_aside(client, ingest_db, phone):
    body = json_body(phone, now_s() - 60, speed=-1, speed_accuracy=-1, floor=None)
    body["location"].update(mock=True, battery={"level": -1, "is_charging": False})
    assert client.post("/osmand", json=body).status_code == 200
    assert stored(ingest_db, phone) == []
    [row] = aside(ingest_db, phone)
    assert row.reason == "mock_location" and row.device_time.timestamp() == now_s() - 60
    with ingest_db[1].connect() as conn:
        kept = conn.execute(text("select battery, speed_mps from set_aside_fixes "
                                 "where device_id = :d"), {"d": phone["device"]}).one()
    assert kept.battery is None and kept.speed_mps is None


def test_json_batch_sync_list_is_stored_in_one_go(client, ingest_db, phone):
    t = now_s() - 120
    locations = [json_body(phone, t + 10 * k, latitude=LAT + 5 * k * M)["location"] for k in range(5)]
    response = client.post("/osmand", json={"device_id": phone["id"], "location": locations})
    assert response.status_code == 200 and len(stored(ingest_db, phone)) == 5


def test_unknown_devices_are_400_in_query_form_and_404_in_json(client, ingest_db, phone):
    q = client.get(f"/osmand?id=nobody-{uuid.uuid4().hex[:6]}&timestamp={now_s()}&lat={LAT}&lon={LON}")
    assert q.status_code == 400 and q.get_json()["error"] == "unknown_device"
    j = client.post("/osmand", json={**json_body(phone, now_s()), "device_id": "nobody"})
    assert j.status_code == 404 and j.get_json()["error"] == "unknown_device"
    missing = client.get(f"/osmand?timestamp={now_s()}&lat=60.0&lon=30.0")
    assert missing.status_code == 400 and missing.get_json()["field"] == "id"


def test_an_inactive_device_is_unknown(client, ingest_db, phone):
    with ingest_db[1].begin() as conn:
        conn.execute(text("update devices set active = false where id = :d"), {"d": phone["device"]})
    r = client.get(f"/osmand?id={phone['id']}&timestamp={now_s()}&lat={LAT}&lon={LON}")
    assert r.status_code == 400 and stored(ingest_db, phone) == []
