"""The phone page's patrol and weight: positions in the batch format, today's route, first load."""
import gzip
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from data.models import Device, Position
from tests.clock import SESSION_NOW
from tests.mobile_helpers import mobile_server, mobile_world, phone_client  # noqa: F401
from tests.workflow_world import IN_A
from workflow.clock import BEIJING, day_start
from workflow.devices.identifiers import is_strong

FIRST_LOAD_LIMIT = 500 * 1024


def fixes(n: int = 5, start=None) -> list[dict]:
    """n fixes from ``start``: by default 20 s apart from 10 minutes ago; when today is younger
    than that, from midnight and close enough together that the last is not in the future
    (the route is today's, and a fix from the future is set aside).
    """
    midnight = day_start(SESSION_NOW.astimezone(BEIJING).date())
    start = start or max(SESSION_NOW - timedelta(minutes=10), midnight)
    step = min(timedelta(seconds=20), (SESSION_NOW - start) / n)
    return [{"time": (start + step * i).isoformat(), "lon": IN_A[0] + 0.0001 * i,
             "lat": IN_A[1], "accuracy": 8, "speed": 1.2} for i in range(n)]


def test_patrol_positions_are_stored_on_the_workers_phone_and_drawn_as_todays_route(
        mobile_server, mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    user_id = mobile_world["world"].users["worker_a"]
    batch = fixes()
    sent = phone.post("/m/api/positions", json={"crs": "wgs84", "fixes": batch})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["stored"] == 5
    again = phone.post("/m/api/positions", json={"crs": "wgs84", "fixes": batch})
    assert again.get_json()["duplicates"] == 5     # a resent batch stores nothing twice
    with mobile_world["engine"].connect() as conn:
        devices = conn.execute(select(Device.device_id).where(Device.user_id == user_id)).all()
        stored = conn.execute(select(func.count()).select_from(Position)
                              .where(Position.user_id == user_id)).scalar_one()
    # The page's phone is registered on first use, under a random identifier (never m-<id>).
    [(identifier,)] = devices
    assert is_strong(identifier) and stored == 5
    route = phone.get("/m/api/route").get_json()
    assert len(route["points"]) == 5 and route["points"][0] == [IN_A[0], IN_A[1]]
    # The tab's figures: four steps of about 8.6 m each, the time between the fixes, and a
    # part of the beat within reach of them.
    figures = route["summary"]
    assert abs(figures["distance_km"] - 0.03) <= 0.01
    gap = (datetime.fromisoformat(batch[-1]["time"]) - datetime.fromisoformat(batch[0]["time"]))
    assert figures["minutes"] == round(gap.total_seconds() / 60)
    assert 0 < figures["coverage"] <= 100 and figures["last_fix_at"]


def test_bad_fixes_name_the_field_far_ones_are_set_aside_and_strangers_cannot_post(mobile_server):
    phone = phone_client(mobile_server, "worker_b")
    bad = phone.post("/m/api/positions", json={"fixes": [{"time": "x", "lat": 1, "lon": 2}]})
    assert bad.status_code == 400 and bad.get_json()["field"] == "fixes[0].time"
    far = phone.post("/m/api/positions", json={"fixes": [{"time": SESSION_NOW.isoformat(),
                                                          "lat": 30.0, "lon": 110.0}]})
    # A fix far outside is acknowledged (the page would send it again forever) and set aside.
    assert far.status_code == 200
    assert far.get_json()["fixes"] == [{"index": 0, "result": "set_aside",
                                        "reason": "outside_district"}]
    assert mobile_server.test_client().post("/m/api/positions", json={"fixes": []}).status_code == 401


def first_load(client) -> dict[str, int]:
    """Bytes on the wire (gzip) of /m and everything it references."""
    shell = client.get("/m", headers={"Accept-Encoding": "gzip"})
    sizes = {"/m": len(shell.data)}
    html = gzip.decompress(shell.data).decode()
    for url in re.findall(r'(?:href|src)="(/m/static/[^"]+)"', html):
        asset = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200 and asset.headers["Content-Encoding"] == "gzip"
        assert "immutable" in asset.headers["Cache-Control"]
        sizes[url] = len(asset.data)
    return sizes


def test_the_first_load_is_far_under_500_kb(mobile_server):
    phone = phone_client(mobile_server, "worker_a")
    sizes = first_load(phone)
    sizes["/m/api/me"] = len(phone.get("/m/api/me").data)
    assert len(sizes) == 4
    assert sum(sizes.values()) < FIRST_LOAD_LIMIT, sizes
    assert sum(sizes.values()) < 60 * 1024, sizes     # what it is now: keep it that way
