"""Issue 18, items 10-13 and 15: every parameter parsed totally (400 naming the field), text
that is not UTF-8 refused by name, caps on unbounded work, photos checked before decoding
and stripped of every metadata, unknown API paths a JSON 404.
"""
import io
import json
import struct
import zlib
from urllib.parse import quote

import pytest

from tests.mobile_helpers import LOGIN_TOKEN
from tests.security_world import DEVICE_ID, build_security_world, drop_security_world

TRACE_MARKS = ("Traceback", 'File "/', "sqlalchemy.exc", "psycopg2.")


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_inputs")
    yield world
    drop_security_world(server_settings, world)


def clean_4xx(response, status=400, field=None):
    text = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, text[:300])
    assert not any(mark in text for mark in TRACE_MARKS)
    if field is not None:
        assert response.get_json()["field"] == field, text[:300]


# ---- item 10: total parsing ----

def test_the_phone_sign_in_with_a_non_ascii_token_is_a_400(sw):
    client = sw.client()
    page = client.get("/m/login")
    assert LOGIN_TOKEN.search(page.get_data(as_text=True))
    response = client.post("/m/login", data={"username": "worker_a", "password": "x",
                                             "csrf_token": "令牌ü"})
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "2026-00", "1999-12",
                                   "2101-01", "26-11", "２０２６-１１", "2026-11-01"])
def test_report_months_outside_the_calendar_are_400_naming_month(sw, month):
    response = sw.client("leader").get(f"/api/v1/reports/monthly.xlsx?month={quote(month)}")
    clean_4xx(response, 400, "month")


@pytest.mark.parametrize("first,last,field", [
    ("2026-01-01", "9999-12-31", "to"), ("0001-01-01", "2026-01-01", "from"),
    ("2020-01-01", "2026-01-01", "from"), ("2026-01-01", "2026-02-30", "to"),
    ("x", "2026-01-01", "from")])
def test_report_ranges_are_bounded_and_capped(sw, first, last, field):
    response = sw.client("leader").get(f"/api/v1/reports/monthly.pdf?from={first}&to={last}")
    clean_4xx(response, 400, field)


@pytest.mark.parametrize("query,field", [
    ("from=9999-12-31T00:00:00Z", "from"), ("to=0001-01-01T00:00:00%2B08:00", "to")])
def test_list_times_outside_the_calendar_are_400(sw, query, field):
    clean_4xx(sw.client("operator").get(f"/api/v1/incidents?{query}"), 400, field)


@pytest.mark.parametrize("query,status,field", [
    ("from=9999-12-31", 400, "from"), ("to=0001-01-01", 400, "to"),
    ("street_weight=x", 400, "street_weight"), ("street_weight=nan", 422, "street_weight"),
    ("street_weight=inf", 422, "street_weight"), ("street_weight=2", 422, "street_weight")])
def test_score_parameters_are_parsed_totally(sw, query, status, field):
    clean_4xx(sw.client("leader").get(f"/api/v1/departments/scores?{query}"), status, field)


# ---- item 11: text that is not UTF-8 ----

GBK_FORM = "description=%D6%D0%CE%C4&x=1"


@pytest.mark.parametrize("path", ["/login", "/m/login", "/api/v1/incidents", "/osmand",
                                  "/m/api/reports"])
def test_a_gbk_or_broken_form_is_refused_naming_the_encoding(sw, path):
    client = sw.client("operator")
    for body in (GBK_FORM.encode(), b"description=\xff\xfe&x=1"):
        response = client.post(path, data=body,
                               content_type="application/x-www-form-urlencoded")
        clean_4xx(response, 400, "body")
        assert "UTF-8" in response.get_json()["message"]
    declared = client.post(path, data=b"x=1",
                           content_type="application/x-www-form-urlencoded; charset=gbk")
    clean_4xx(declared, 400, "charset")
    query = client.get(path + "?q=%D6%D0")
    clean_4xx(query, 400, "query")


def test_open311_never_files_an_empty_description(sw):
    from sqlalchemy import func, select

    from cli.open311 import add_client
    from data.models import Incident
    from tests.open311_helpers import BASE

    with sw.engine.begin() as conn:
        key = add_client(conn, "gbk-app")
        before = conn.execute(select(func.count()).select_from(Incident)).scalar_one()
    client = sw.client()
    form = (f"api_key={key}&service_code=0106&lat=39.155&long=117.105&"
            "description=%C2%B7%BB%B5%C1%CB")            # GBK for 路灯坏了
    response = client.post(f"{BASE}/requests.json", data=form.encode(),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "UTF-8" in response.get_json()[0]["description"]
    raw = client.post(f"{BASE}/requests.json", data=f"api_key={key}&".encode() + b"\xb7\xbb",
                      content_type="application/x-www-form-urlencoded")
    assert raw.status_code == 400 and "UTF-8" in raw.get_data(as_text=True)
    with sw.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Incident)).scalar_one() == before


def test_a_multipart_field_that_is_not_utf8_is_refused(sw):
    from tests.mobile_helpers import phone_client

    phone = phone_client(sw.app.server, "worker_a")
    body = (b"--B\r\nContent-Disposition: form-data; name=\"category_code\"\r\n\r\n0101\r\n"
            b"--B\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n\xd6\xd0\r\n--B--\r\n")
    response = phone.post("/m/api/reports", data=body,
                          content_type="multipart/form-data; boundary=B")
    clean_4xx(response, 400, "body")


# ---- item 12: caps ----

def test_the_osmand_json_location_list_is_capped_at_1000(sw):
    client = sw.client()
    fix = {"timestamp": "2026-11-26T02:00:00Z", "coords": {"latitude": 39.155,
                                                           "longitude": 117.105}}
    body = {"device_id": DEVICE_ID, "location": [fix] * 1001}
    response = client.post("/osmand", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 413 and response.get_json()["field"] == "location"


# ---- item 13: photos ----

def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with almost no pixel data after it."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width,height", [(7100, 7100), (9000, 9000), (60000, 60000)])
def test_too_many_pixels_are_refused_from_the_header(width, height):
    """Before: an image of 50-89 megapixels was decoded whole before the cap (hundreds of
    MB); now the size in the header is enough to refuse it (413, not a decoding error).
    """
    from workflow.errors import WorkflowError
    from workflow.mobile.photo import process_photo

    with pytest.raises(WorkflowError) as refused:
        process_photo(png_header_only(width, height))
    assert refused.value.status == 413 and refused.value.code == "photo_too_large"


def test_every_metadata_is_stripped_jpeg_comments_included():
    from PIL import Image

    from workflow.mobile.photo import process_photo

    image = Image.new("RGB", (640, 480), (120, 40, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x9286] = "user comment"
    out = io.BytesIO()
    image.save(out, "JPEG", comment="home address: 光荣道 9 号".encode(), exif=exif,
               icc_profile=b"\x00" * 128)
    photo = process_photo(out.getvalue())
    assert b"home address" not in photo.content and b"SecretCam" not in photo.content
    again = Image.open(io.BytesIO(photo.content))
    assert not {"comment", "exif", "icc_profile", "xmp"} & set(again.info)
    assert not again.getexif()


# ---- item 15: unknown API paths ----

@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/v1/incidentz", 404), ("POST", "/api/v1/retired", 404), ("GET", "/api/", 404),
    ("GET", "/api/v2/incidents", 404), ("GET", "/m/api/nothing", 404),
    ("GET", "/api/v1/login", 405), ("DELETE", "/api/v1/incidents", 405)])
def test_unknown_api_paths_are_json_errors_not_the_page_shell(sw, method, path, status):
    for client in (sw.client(), sw.client("admin")):
        response = client.open(path, method=method)
        assert response.status_code == status and response.is_json, (path, response.status_code)
        assert "_dash-config" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/open311/", "/open311/v3/services.json", "/open311/v2/x.json"])
def test_unknown_open311_paths_are_404_in_the_spec_format(sw, path):
    response = sw.client().get(path)
    assert response.status_code == 404 and response.get_json()[0]["code"] == 404


def test_pages_still_get_the_shell(sw):
    response = sw.client("admin").get("/no/such/page")
    assert response.status_code == 200 and "_dash-config" in response.get_data(as_text=True)


@pytest.mark.parametrize("first,last,start", [
    ("1995-01-01", "2026-12-01", "2023-12-02"), ("2026-01-01", "9999-12-31", "2097-12-31"),
    ("0001-01-01", "2001-06-30", "2000-01-01")])
def test_a_long_custom_analyst_range_is_cut_to_three_years(first, last, start):
    """Issue 18, item 12: a 31-year custom range was accepted (and to=9999-12-31 failed with
    a 500): days are brought into 2000-2100 and the period cut to its last 3 years.
    """
    from datetime import date

    from dashboard.analyst.state import date_range, parse_search, range_cut

    state = parse_search(f"?range=custom&from={first}&to={last}")
    begin, end = date_range(state, date(2026, 12, 3))
    assert begin.isoformat() == start and (end - begin).days < 3 * 365 + 1
    assert range_cut(state) == ((end - begin).days + 1 == 3 * 365 + 1)
