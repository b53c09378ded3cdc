"""/cases in Chromium: a case's possible duplicates with photos, merged in two clicks; the
suggested duplicates list dismissed by an operator.
"""
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, select

from app import build_app
from data.models import DuplicateSuggestion, Incident
from tests.auth_helpers import login_browser
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.dash_helpers import start_app
from tests.workflow_world import PASSWORD, build_world, make_incident
from workflow.intake.suggestions import suggest

SHOTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def intake_db(server_settings):
    url = create_test_database(server_settings, "cases_intake")
    engine = create_engine(url)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    with engine.begin() as conn:
        world = build_world(conn)
        parent = make_incident(conn, world, "accepted", category="0106",
                               reported_at=SESSION_NOW - timedelta(hours=5), code="HQ-LAMP-1")
        child = make_incident(conn, world, "reported", category="0106", reporter=None,
                              reported_at=SESSION_NOW - timedelta(hours=1), code="HQ-LAMP-2")
        make_incident(conn, world, "reported", category="0107",
                      reported_at=SESSION_NOW - timedelta(hours=3), code="HQ-DRAIN-1")
        make_incident(conn, world, "reported", category="0107", reporter=None,
                      reported_at=SESSION_NOW - timedelta(hours=2), code="HQ-DRAIN-2")
        assert suggest(conn, settings, SESSION_NOW) == 2
    yield {"settings": settings, "engine": engine, "parent": parent, "child": child}
    engine.dispose()
    drop_test_database(server_settings, url)


def visible(dash_duo, selector, timeout=10):
    return dash_duo.wait_for_element(f"{selector}:not(.hidden)", timeout=timeout)


def test_an_operator_merges_a_duplicate_and_dismisses_a_suggestion(dash_duo, intake_db):
    start_app(dash_duo, build_app(intake_db["settings"]))
    login_browser(dash_duo, "operator", PASSWORD, "/cases")
    dash_duo.wait_for_contains_text(".cases-count", "共", timeout=15)
    # The newest street-lighting case; its older twin is shown beside it.
    dash_duo.driver.find_element(
        By.XPATH, "//*[contains(@class,'case-title')][text()='市政照明']").click()
    dash_duo.wait_for_contains_text("#cases-dup-panel", "HQ-LAMP-1", timeout=15)
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "cases_possible_duplicates.png"))
    dash_duo.select_dcc_dropdown("#cases-dup-parent", index=0)
    visible(dash_duo, "#cases-dup-merge").click()
    dash_duo.wait_for_contains_text("#cases-dup-message", "已合并", timeout=15)
    with intake_db["engine"].connect() as conn:
        row = conn.execute(select(Incident.status, Incident.parent_id).where(
            Incident.id == intake_db["child"])).one()
    assert row == ("closed", intake_db["parent"])
    # The pair the pass found for the lamps is settled; the drains' pair is left to decide.
    dash_duo.wait_for_contains_text("#cases-sugg-pick", "", timeout=5)
    dash_duo.select_dcc_dropdown("#cases-sugg-pick", index=0)
    dash_duo.driver.save_screenshot(str(SHOTS / "cases_suggested_duplicates.png"))
    dash_duo.find_element("#cases-sugg-dismiss").click()
    dash_duo.wait_for_contains_text("#cases-sugg-message", "已忽略", timeout=15)
    with intake_db["engine"].connect() as conn:
        decided = dict(conn.execute(select(DuplicateSuggestion.incident_id,
                                           DuplicateSuggestion.status)).all())
    assert decided[intake_db["child"]] == "confirmed"
    assert sorted(decided.values()) == ["confirmed", "dismissed"]
    severe = [log for log in dash_duo.get_logs() or [] if log.get("level") == "SEVERE"]
    assert severe == []
