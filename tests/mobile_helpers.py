"""Shared pieces of the phone-page tests: a world of their own, photos, signing a phone in."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import create_engine

from api.server import create_server
from data.db import Database
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import IN_A, PASSWORD, build_world

LOGIN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def mobile_world(server_settings):
    """Its own database (the server commits): two streets, every role, reference data."""
    url = create_test_database(server_settings, "mobile")
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    db = Database(settings)
    yield {"settings": settings, "db": db, "world": world, "engine": engine, "url": url}
    db.dispose()
    engine.dispose()
    drop_test_database(server_settings, url)


def jpeg(size=(800, 600), color=(200, 80, 40), gps: tuple[float, float] | None = None,
         tail: bytes = b"") -> bytes:
    """A small JPEG, optionally with EXIF GPS (lon, lat) and bytes appended after it."""
    from PIL import Image

    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if gps is not None:
        exif = Image.Exif()
        lon, lat = gps

        def dms(value):
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60, 4)
            return (d, m, s)
        exif[0x010F] = "TestCam"
        exif.get_ifd(0x8825).update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
        kwargs["exif"] = exif
    image.save(out, "JPEG", quality=85, **kwargs)
    return out.getvalue() + tail


def phone_client(app_server, username: str, password: str = PASSWORD):
    """A test client signed in through /m/login; its CSRF header is set from /m/api/me."""
    client = app_server.test_client()
    page = client.get("/m/login")
    token = LOGIN_TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post("/m/login", data={"username": username, "password": password,
                                              "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    me = client.get("/m/api/me")
    assert me.status_code == 200, me.get_data(as_text=True)[:300]
    client.environ_base["HTTP_X_MOBILE_CSRF"] = me.get_json()["csrf"]
    return client


def report_form(photo: bytes | None = None, where=IN_A, category: str = "0101", **extra) -> dict:
    data = {"category_code": category, "description": "井盖破损", **extra}
    if where is not None:
        data.update(lon=str(where[0]), lat=str(where[1]))
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "photo.jpg", "image/jpeg")
    return data


@pytest.fixture(scope="module")
def mobile_server(mobile_world):
    return create_server(mobile_world["settings"], mobile_world["db"])
