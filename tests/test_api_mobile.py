"""The phone page's API: sign-in once per phone, report with a photo, refusals, idempotency."""
import io
import uuid

from PIL import Image
from sqlalchemy import func, select

from data.models import Incident, IncidentEvent, MobilePhoto, MobileSession
from data.queries.wall import newest_incidents
from tests.auth_helpers import login_client
from tests.clock import SESSION_NOW
from tests.mobile_helpers import (  # noqa: F401 - fixtures
    jpeg,
    mobile_server,
    mobile_world,
    phone_client,
    report_form,
)
from tests.workflow_world import IN_A, IN_B, PASSWORD


def counts(world) -> tuple[int, int]:
    with world["engine"].connect() as conn:
        return (conn.execute(select(func.count()).select_from(Incident)).scalar_one(),
                conn.execute(select(func.count()).select_from(MobilePhoto)).scalar_one())


def post_report(client, key=None, **form):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/m/api/reports", data=report_form(**form), headers=headers,
                       content_type="multipart/form-data")


def test_the_page_sends_strangers_to_sign_in_and_keeps_a_phone_signed_in(mobile_server):
    client = mobile_server.test_client()
    assert client.get("/m").headers["Location"].startswith("/m/login")
    assert client.get("/m/api/me").status_code == 401
    page = client.get("/m/login")
    assert "网格员登录" in page.get_data(as_text=True)
    assert "Grid worker sign-in" in client.get("/m/login?lang=en").get_data(as_text=True)
    phone = phone_client(mobile_server, "worker_a")
    cookie = phone.get_cookie("hq_m", path="/m")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.expires is not None
    assert (cookie.expires - SESSION_NOW).days >= 89
    shell = phone.get("/m", headers={"Accept-Encoding": "gzip"})
    assert shell.status_code == 200 and shell.headers["Content-Encoding"] == "gzip"
    me = phone.get("/m/api/me").get_json()
    assert me["user"]["name"] == "马小红" and len(me["grids"]) == 1
    assert me["grids"][0]["outline"]["type"] in ("Polygon", "MultiPolygon")
    assert {c["code"] for c in me["categories"]} >= {"0101", "0102"}
    assert all(len(c["code"]) == 4 for c in me["categories"])


def test_the_phone_map_has_the_beats_buildings_and_cameras_from_our_own_data(mobile_server,
                                                                            mobile_world):
    from sqlalchemy import text

    world = mobile_world["world"]
    with mobile_world["engine"].begin() as conn:
        conn.execute(text("""
            insert into buildings (grid_id, address, households, geom) values
              (:grid, '十段社区1网格12号楼', 40, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326));
            insert into cameras (code, name_zh, kind, owner_street_id, grid_id, geom) values
              ('CAM-LM-1', '光荣道幼儿园东门', 'kindergarten', :street, :grid,
               ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"""),
            {"grid": world.ids["grid"], "street": world.ids["street"], "lon": IN_A[0],
             "lat": IN_A[1]})
    marks = phone_client(mobile_server, "worker_a").get("/m/api/me").get_json()["landmarks"]
    assert {(m["kind"], m["name"]) for m in marks} >= {("building", "十段社区1网格12号楼"),
                                                       ("camera", "光荣道幼儿园东门")}
    assert all(isinstance(m["lon"], float) for m in marks)
    other = phone_client(mobile_server, "worker_b").get("/m/api/me").get_json()["landmarks"]
    assert not any(m["name"] == "光荣道幼儿园东门" for m in other)     # only one's own beat


def test_the_whole_phone_address_survives_sign_in_and_nothing_else_is_followed(mobile_server):
    from urllib.parse import parse_qs, urlparse

    client = mobile_server.test_client()
    sent = client.get("/m?lang=en&tab=patrol").headers["Location"]
    query = parse_qs(urlparse(sent).query)
    assert urlparse(sent).path == "/m/login" and query["next"] == ["/m?lang=en&tab=patrol"]
    page = client.get(sent).get_data(as_text=True)
    assert 'name="next" value="/m?lang=en&amp;tab=patrol"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    landed = client.post("/m/login?lang=en", data={"username": "worker_a", "password": PASSWORD,
                                                    "csrf_token": token,
                                                    "next": "/m?lang=en&tab=patrol"})
    assert landed.status_code == 302 and landed.headers["Location"] == "/m?lang=en&tab=patrol"
    other = mobile_server.test_client()
    for elsewhere in ("//evil.example/m", "/analyst?x=1", "https://evil.example/"):
        token = other.get("/m/login").get_data(as_text=True).split('name="csrf_token" value="')[1]
        out = other.post("/m/login", data={"username": "worker_a", "password": PASSWORD,
                                           "csrf_token": token.split('"')[0], "next": elsewhere})
        assert out.headers["Location"] == "/m", elsewhere
        other = mobile_server.test_client()


def test_sign_in_refuses_wrong_passwords_stale_forms_and_desk_roles(mobile_server):
    client = mobile_server.test_client()
    token = client.get("/m/login").get_data(as_text=True).split('name="csrf_token" value="')[1]
    token = token.split('"')[0]
    bad = client.post("/m/login", data={"username": "worker_a", "password": "nope",
                                        "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.get_data(as_text=True)
    stale = client.post("/m/login", data={"username": "worker_a", "password": PASSWORD,
                                          "csrf_token": "forged"})
    assert stale.status_code == 400
    token = client.get("/m/login").get_data(as_text=True).split('name="csrf_token" value="')[1]
    desk = client.post("/m/login", data={"username": "chief_a", "password": PASSWORD,
                                         "csrf_token": token.split('"')[0]})
    assert desk.status_code == 403 and "仅供网格员使用" in desk.get_data(as_text=True)


def test_a_report_with_a_photo_lands_in_the_right_grid_and_on_the_ticker(mobile_server,
                                                                         mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    before = counts(mobile_world)
    photo = jpeg((3000, 2000), gps=(117.1051, 39.1551))
    response = post_report(phone, str(uuid.uuid4()), photo=photo)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["grid_id"] == mobile_world["world"].ids["grid"] and not body["replayed"]
    assert counts(mobile_world) == (before[0] + 1, before[1] + 1)
    with mobile_world["engine"].connect() as conn:
        row = conn.execute(select(Incident).where(Incident.id == body["id"])).one()
        stored = conn.execute(select(MobilePhoto).where(MobilePhoto.incident_id == body["id"])).one()
        ticker = newest_incidents(conn, SESSION_NOW, limit=8)
    assert row.source == "patrol" and row.reporter_id == mobile_world["world"].users["worker_a"]
    assert row.photo_url == f"/m/photos/{stored.id}.jpg" == body["photo_url"]
    assert body["code"] in set(ticker["code"])
    served = phone.get(body["photo_url"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert max(image.size) == 1600 and len(image.getexif()) == 0
    assert abs(stored.exif_lat - 39.1551) < 1e-4      # read before it was stripped
    operator = mobile_server.test_client()             # the street operator's queue
    login_client(operator, "operator_a", PASSWORD)
    queue = operator.get("/api/v1/incidents?status=reported").get_json()["items"]
    assert body["code"] in {i["code"] for i in queue}
    assert operator.get(body["photo_url"]).status_code == 200


def test_a_retried_report_is_stored_exactly_once(mobile_server, mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    key, before = str(uuid.uuid4()), counts(mobile_world)
    first = post_report(phone, key, photo=jpeg())
    again = post_report(phone, key, photo=jpeg())
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["replayed"] and again.get_json()["id"] == first.get_json()["id"]
    assert counts(mobile_world) == (before[0] + 1, before[1] + 1)


def test_without_a_phone_location_the_photos_exif_location_is_used(mobile_server, mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    response = post_report(phone, photo=jpeg(gps=(IN_B[0], IN_B[1])), where=None)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["grid_id"] == mobile_world["world"].ids["grid_b"]
    nowhere = post_report(phone, photo=jpeg(), where=None)
    assert nowhere.status_code == 422 and nowhere.get_json()["field"] == "location"


def test_bad_photos_are_refused_with_a_clear_message_and_change_nothing(mobile_server,
                                                                        mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    before = counts(mobile_world)
    cases = {
        "too large": (jpeg() + b"\0" * (8 * 1024 * 1024), 413, "photo_too_large", "照片太大"),
        "over the request limit": (jpeg() + b"\0" * (13 * 1024 * 1024), 413, "photo_too_large",
                                   "照片太大"),
        "text": (b"just some text, not a picture at all", 422, "not_an_image", "不是照片"),
        "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 422,
                "photo_has_script", "脚本"),
        "html": (b"<html><body onload=alert(1)></body></html>", 422, "photo_has_script", "脚本"),
        "polyglot": (jpeg(tail=b"<script>alert(document.cookie)</script>"), 422,
                     "photo_has_script", "脚本"),
        "broken": (b"\xff\xd8\xff\xe0" + b"\x12" * 400, 422, "not_an_image", "无法读取"),
    }
    for name, (data, status, code, words) in cases.items():
        response = post_report(phone, str(uuid.uuid4()), photo=data)
        body = response.get_json()
        assert response.status_code == status, (name, body)
        assert body["error"] == code and body["field"] == "photo" and words in body["message"], name
    assert counts(mobile_world) == before


def test_bad_fields_name_themselves(mobile_server, mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    before = counts(mobile_world)
    for form, status, field in (
            ({"category": ""}, 400, "category_code"), ({"category": "01"}, 422, "category_code"),
            ({"where": (117.30, 39.30)}, 422, "location"), ({"where": ("east", "1")}, 400, "lon"),
            ({"reported_at": "yesterday"}, 400, "reported_at")):
        response = post_report(phone, photo=jpeg(), **form)
        assert response.status_code == status and response.get_json()["field"] == field, form
    assert counts(mobile_world) == before


def test_state_changes_need_the_phone_csrf_header(mobile_server, mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    del phone.environ_base["HTTP_X_MOBILE_CSRF"]
    before = counts(mobile_world)
    response = post_report(phone, photo=jpeg())
    assert response.status_code == 403 and response.get_json()["error"] == "csrf_failed"
    assert counts(mobile_world) == before


def test_a_worker_cannot_report_for_another_or_reuse_their_key(mobile_server, mobile_world):
    users = mobile_world["world"].users
    a, b = phone_client(mobile_server, "worker_a"), phone_client(mobile_server, "worker_b")
    key = str(uuid.uuid4())
    mine = post_report(a, key, photo=jpeg(), reporter_id=str(users["worker_b"]))
    assert mine.status_code == 201
    with mobile_world["engine"].connect() as conn:
        reporter = conn.execute(select(Incident.reporter_id)
                                .where(Incident.id == mine.get_json()["id"])).scalar_one()
    assert reporter == users["worker_a"]
    stolen = post_report(b, key, photo=jpeg())
    assert stolen.status_code == 409 and stolen.get_json()["field"] == "Idempotency-Key"


def test_a_worker_sees_only_their_grids_work_and_no_personal_data(mobile_server, mobile_world):
    a, b = phone_client(mobile_server, "worker_a"), phone_client(mobile_server, "worker_b")
    made = post_report(a, photo=jpeg()).get_json()
    work_b = b.get("/m/api/work").get_json()
    codes_b = {i["code"] for kind in ("open", "verify", "mine") for i in work_b[kind]}
    assert made["code"] not in codes_b
    work_a = a.get("/m/api/work").get_json()
    assert made["code"] in {i["code"] for i in work_a["open"]}
    assert made["code"] in {i["code"] for i in work_a["mine"]}
    assert work_a["counts"]["today"] >= 1
    for item in work_a["open"] + work_a["mine"]:
        assert not {"reporter_id", "reporter_name", "reporter_contact"} & set(item)
    assert b.get(made["photo_url"]).status_code == 404
    assert mobile_server.test_client().get(made["photo_url"]).status_code == 401


def test_is_it_fixed_verifies_with_a_photo_or_sends_it_back_with_a_reason(mobile_server,
                                                                          mobile_world):
    from tests.workflow_world import make_incident

    with mobile_world["engine"].begin() as conn:
        first = make_incident(conn, mobile_world["world"], "resolved", handled_by="department",
                              department="CGW-DL")
        second = make_incident(conn, mobile_world["world"], "resolved", handled_by="department",
                               department="CGW-DL")
    a, b = phone_client(mobile_server, "worker_a"), phone_client(mobile_server, "worker_b")
    assert first in {i["id"] for i in a.get("/m/api/work").get_json()["verify"]}
    forbidden = b.post(f"/m/api/incidents/{first}/check", data={"fixed": "1"})
    assert forbidden.status_code == 403
    done = a.post(f"/m/api/incidents/{first}/check", content_type="multipart/form-data",
                  data={"fixed": "1", "photo": (io.BytesIO(jpeg()), "p.jpg", "image/jpeg")})
    assert done.status_code == 200 and done.get_json()["status"] == "verified"
    with mobile_world["engine"].connect() as conn:
        event = conn.execute(select(IncidentEvent.photo_url).where(
            IncidentEvent.incident_id == first, IncidentEvent.action == "verify")).scalar_one()
    assert event.startswith("/m/photos/")
    no_reason = a.post(f"/m/api/incidents/{second}/check", data={"fixed": "0"})
    assert no_reason.status_code == 422 and no_reason.get_json()["field"] == "note"
    back = a.post(f"/m/api/incidents/{second}/check", data={"fixed": "0", "note": "井盖仍松动"})
    assert back.status_code == 200 and back.get_json()["status"] == "reopened"


def test_an_administrator_revokes_a_phone_and_it_must_sign_in_again(mobile_server,
                                                                     mobile_world):
    phone = phone_client(mobile_server, "worker_b")
    with mobile_world["engine"].connect() as conn:
        session_id = conn.execute(select(func.max(MobileSession.id))).scalar_one()
    other = phone_client(mobile_server, "worker_a")
    assert other.post(f"/m/api/sessions/{session_id}/revoke", json={}).status_code == 403
    analyst = mobile_server.test_client()
    login_client(analyst, "analyst", PASSWORD)
    assert analyst.post(f"/m/api/sessions/{session_id}/revoke", json={}).status_code == 403
    admin = mobile_server.test_client()
    login_client(admin, "admin", PASSWORD)
    listed = admin.get("/m/api/sessions").get_json()["items"]
    assert session_id in {s["id"] for s in listed}
    assert admin.post(f"/m/api/sessions/{session_id}/revoke", json={}).status_code == 200
    assert phone.get("/m").headers["Location"].startswith("/m/login")
    assert phone.get("/m/api/me").status_code == 401
    assert admin.post(f"/m/api/sessions/{session_id}/revoke", json={}).status_code == 404


def test_the_command_line_lists_and_revokes_phone_sessions(mobile_server, mobile_world):
    from click.testing import CliRunner

    from cli import cli

    phone = phone_client(mobile_server, "worker_a")
    with mobile_world["engine"].connect() as conn:
        session_id = conn.execute(select(func.max(MobileSession.id))).scalar_one()
    runner = CliRunner(env={"DATABASE_URL": mobile_world["url"]})
    listed = runner.invoke(cli, ["mobile", "sessions", "--user", "worker_a"])
    assert listed.exit_code == 0, listed.output
    assert f"{session_id}\tworker_a" in listed.output
    done = runner.invoke(cli, ["mobile", "revoke", str(session_id)])
    assert done.exit_code == 0 and "revoked" in done.output
    assert phone.get("/m/api/me").status_code == 401
    again = runner.invoke(cli, ["mobile", "revoke", str(session_id)])
    assert again.exit_code != 0


def test_the_categories_this_worker_uses_most_come_first(mobile_server):
    phone = phone_client(mobile_server, "worker_b")
    for _ in range(2):
        assert post_report(phone, where=IN_B, category="0304").status_code == 201
    codes = [c["code"] for c in phone.get("/m/api/me").get_json()["categories"]]
    assert codes[0] == "0304" and len(codes) == len(set(codes))
