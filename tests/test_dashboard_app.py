"""The app: every page renders in Chinese (and English), and every callback's ids exist."""
from datetime import UTC

import pytest

from app import build_app
from dashboard import ids
from tests.auth_helpers import ensure_user, login_client
from tests.dash_helpers import call_router, ids_in, texts_in

PAGES = {"/wall": ids.WALL_ROOT, "/analyst": ids.ANALYST_ROOT, "/leaders": ids.LEADERS_ROOT,
         "/devices": ids.DEVICES_ROOT,
         "/cases": ids.CASES_ROOT, "/admin": ids.ADMIN_ROOT, "/patrol": ids.PATROL_ROOT}


@pytest.fixture(scope="session")
def empty_app(test_settings):
    return build_app(test_settings)


PW = "test-password-1"


@pytest.fixture
def client(empty_app, test_settings):
    c = empty_app.server.test_client()
    ensure_user(test_settings.database_url, "tester", "admin", PW)
    login_client(c, "tester", PW)
    return c


def test_pages_need_a_signed_in_person(empty_app):
    anonymous = empty_app.server.test_client()
    for path in [*PAGES, "/wall/city"]:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    refused = anonymous.post("/_dash-update-component", json={})
    assert refused.status_code == 401


def test_healthz_answers_ok_when_the_database_does(empty_app):
    response = empty_app.server.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_gone(test_settings):
    from app import build_app as build

    broken = build(test_settings.with_overrides(
        database_url="postgresql://postgres@127.0.0.1:1/nowhere"))
    response = broken.server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    assert response.headers["Retry-After"] == "5"


@pytest.mark.parametrize("path,root", PAGES.items())
def test_every_page_renders_in_chinese(client, path, root):
    assert client.get(path).status_code == 200
    tree = call_router(client, path)
    assert root in ids_in(tree)
    text = texts_in(tree)
    assert "智慧红桥指挥中心" in text or "红桥" in text


@pytest.mark.parametrize("path", ["/analyst", "/leaders", "/cases"])
def test_desk_pages_have_navigation_and_english(client, path):
    zh = texts_in(call_router(client, path))
    assert all(word in zh for word in ("大屏", "分析研判", "领导驾驶舱", "案件工作台"))
    en = texts_in(call_router(client, path, "?lang=en"))
    assert "Analyst" in en and "Leaders" in en


def test_empty_database_says_how_to_load(client):
    assert "make demo" in texts_in(call_router(client, "/analyst"))


def test_unknown_path_is_a_friendly_not_found(client):
    assert "页面不存在" in texts_in(call_router(client, "/nope"))


@pytest.fixture(scope="module")
def city_client(empty_app, test_settings):
    """A city leader: the one role that opens the city wall."""
    c = empty_app.server.test_client()
    ensure_user(test_settings.database_url, "tester_city", "city_leader", PW, district_code=None)
    login_client(c, "tester_city", PW)
    return c


def test_every_callback_id_exists_in_some_layout(empty_app, client, city_client):
    known = {ids.URL, ids.PAGE}
    for path in PAGES:
        known |= ids_in(call_router(client, path))
    known |= ids_in(call_router(city_client, "/wall/city"))
    # Forms a callback renders into /patrol's sheet and exception list, for those who may.
    import json
    from datetime import date

    from plotly.utils import PlotlyJSONEncoder

    from dashboard.patrol.view import ack_form, leave_form
    for form in (ack_form([], "zh"), leave_form([], date(2026, 1, 1), "zh")):
        known |= ids_in(json.loads(json.dumps(form, cls=PlotlyJSONEncoder)))
    for callback in empty_app.callback_map.values():
        for dep in callback["inputs"] + callback.get("state", []):
            assert dep["id"] in known, dep
    outputs = "..".join(empty_app.callback_map)
    for output_id in (part.split(".")[0].lstrip(".") for part in outputs.split("..")):
        if output_id:
            assert output_id in known, output_id


def test_shared_answers_compute_once_per_slot_and_never_hide_an_outage(test_settings):
    import threading
    import time
    from dataclasses import replace
    from datetime import datetime, timezone

    from sqlalchemy.exc import OperationalError

    from dashboard.context import SharedAnswers
    from dashboard.shared_answers import AnswerKey
    from data.db import Database

    db = Database(test_settings)
    answers, calls = SharedAnswers(db, slot_s=3600), []

    def slow():
        calls.append(1)
        threading.Event().wait(0.2)   # long enough for the other screens to arrive meanwhile
        return {"n": len(calls)}

    moment = datetime(2026, 11, 26, 8, tzinfo=UTC)
    results = []
    screens = [threading.Thread(target=lambda: results.append(answers.get(("q",), moment, slow)))
               for _ in range(8)]
    for screen in screens:
        screen.start()
    for screen in screens:
        screen.join()
    assert calls == [1] and results == [{"n": 1}] * 8
    assert answers.get(("other",), moment, slow) == {"n": 2}
    db.engine.dispose()
    # A remembered answer still needs the database to answer: an outage is not hidden.
    away = Database(replace(test_settings, database_url="postgresql://nobody@127.0.0.1:1/none"))
    broken = SharedAnswers(away, slot_s=3600)
    broken._items[AnswerKey(("q",), 3600, int(moment.timestamp() // 3600),
                            int(time.time() // 3600))] = 1
    with pytest.raises(OperationalError):
        broken.get(("q",), moment, slow)
