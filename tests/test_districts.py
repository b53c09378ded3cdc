"""Several districts in one deployment (issue 24): accounts, scopes and administration of a
second district (河北区 120105) beside Hongqiao, in a rolled-back transaction.
"""
import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from data import people_store
from data.models import Device, Incident, User
from data.patrol.replay import area_choices, area_workers
from tests.district_world import HEBEI, add_hebei
from tests.workflow_world import NOW, build_world, make_incident
from workflow.admin.audit import Who
from workflow.admin.people import create_account, edit_account
from workflow.devices.enrolment import devices_for
from workflow.errors import WorkflowError
from workflow.incidents.read import list_incidents
from workflow.intake.suggestions import list_suggestions
from workflow.patrol.scope import narrowed
from workflow.whistles.read import list_whistles


@pytest.fixture
def two(conn):
    world = build_world(conn)
    hebei = add_hebei(conn, world)
    make_incident(conn, world, "reported", code="HQ-ONE")
    return world, hebei


def codes(conn, actor) -> set[str]:
    return {i["code"] for i in list_incidents(conn, actor, {}, NOW, per_page=200)["items"]}


def test_accounts_carry_their_district_and_the_city_leader_none(conn, two):
    world, _ = two
    assert world.actor("operator").district_code == "120106"
    assert world.actor("hb_operator").district_code == HEBEI
    assert world.actor("city").district_code is None


def test_the_database_holds_the_rule_one_district_or_the_city(conn, two):
    for role, district in (("city_leader", "120106"), ("operator", None)):
        savepoint = conn.begin_nested()
        with pytest.raises(IntegrityError):
            conn.execute(insert(User).values(username=f"x_{role}", display_name="x",
                                             password_hash="x", role=role,
                                             district_code=district))
        savepoint.rollback()


def test_lists_and_counts_keep_each_district_to_its_own(conn, two):
    world, _ = two
    assert codes(conn, world.actor("hb_operator")) == {"HB-CASE-1"}
    assert codes(conn, world.actor("hb_worker")) == {"HB-CASE-1"}
    assert codes(conn, world.actor("hb_chief")) == {"HB-CASE-1"}
    assert "HB-CASE-1" not in codes(conn, world.actor("operator"))
    assert codes(conn, world.actor("city")) == codes(conn, world.actor("operator")) | {"HB-CASE-1"}
    # The count (answered from the street rollup) agrees with the rows.
    total = list_incidents(conn, world.actor("hb_operator"), {}, NOW, per_page=1)["total"]
    assert total == 1
    assert list_whistles(conn, world.actor("hb_operator"), {}, NOW)["total"] == 0
    assert list_suggestions(conn, world.actor("hb_operator")) == []


def test_a_report_takes_the_district_of_where_it_lies(conn, two):
    from workflow.incidents.service import NewIncident, create_incident
    world, _ = two
    view, _created = create_incident(conn, world.actor("hb_worker"), NewIncident(
        category_code="0101", lon=117.21, lat=39.159, description="路灯不亮"), NOW)
    stored = conn.execute(select(Incident.district_code).where(Incident.id == view["id"]))
    assert stored.scalar_one() == HEBEI
    with pytest.raises(WorkflowError) as refused:
        create_incident(conn, world.actor("worker_a"), NewIncident(
            category_code="0101", lon=117.21, lat=39.159, description="越界上报"), NOW)
    assert refused.value.status == 403


def test_patrol_and_phones_stay_in_the_district(conn, two):
    world, hebei = two
    conn.execute(insert(Device).values(device_id="hb-phone", user_id=world.users["hb_worker"],
                                       token_hash="0" * 64))
    conn.execute(insert(Device).values(device_id="hq-phone", user_id=world.users["worker_a"],
                                       token_hash="1" * 64))
    area = narrowed(world.actor("hb_operator"))
    assert area["district_code"] == HEBEI
    assert [w["username"] for w in area_workers(conn, district_code=HEBEI)] == ["hb_worker"]
    # Asking for a Hongqiao street by id still lists no Hongqiao worker.
    assert area_workers(conn, world.ids["street"], district_code=HEBEI) == []
    streets = area_choices(conn, None, None, district_code=HEBEI)["streets"]
    assert [s["id"] for s in streets] == [hebei["street"]]
    assert [d["device_id"] for d in devices_for(conn, world.actor("hb_operator"))] == ["hb-phone"]
    assert {d["device_id"] for d in devices_for(conn, world.actor("city"))} == {"hb-phone",
                                                                                 "hq-phone"}


def test_an_admin_makes_accounts_only_in_their_own_district(conn, two):
    world, hebei = two
    who = Who.of(world.actor("hb_admin"))
    account, _ = create_account(conn, who, {"username": "hb_chief2", "display_name": "河北街长",
                                            "role": "street_chief", "street_code": "120105001"},
                                NOW)
    assert account["district_code"] == HEBEI
    for values, field in (({"street_code": "120106001"}, "street_code"),
                          ({"role": "city_leader", "street_code": None}, "role")):
        with pytest.raises(WorkflowError) as refused:
            create_account(conn, who, {"username": "hb_x", "display_name": "x",
                                       "role": "street_chief", **values}, NOW)
        assert refused.value.field == field
    with pytest.raises(WorkflowError) as hidden:
        edit_account(conn, who, "chief_a", {"display_name": "改名"}, NOW)
    assert hidden.value.status == 404
    listed = {a["username"] for a in people_store.accounts(conn, district_code=HEBEI)}
    assert "hb_chief2" in listed and "chief_a" not in listed and "city" not in listed
    # A Hongqiao admin's account goes to Hongqiao, as before.
    made, _ = create_account(conn, Who.of(world.actor("admin")), {
        "username": "hq_new", "display_name": "新账号", "role": "analyst"}, NOW)
    assert made["district_code"] == "120106"


def test_the_command_line_may_make_a_city_leader(conn, two):
    made, _ = create_account(conn, Who.command_line("root"), {
        "username": "city2", "display_name": "市领导", "role": "city_leader"}, NOW)
    assert made["district_code"] is None
    row = conn.execute(text("select district_code from users where username = 'city2'"))
    assert row.scalar_one() is None


def test_a_hebei_whistle_is_hebeis(conn, two):
    from datetime import timedelta

    from workflow.whistles.service import NewWhistle, blow_whistle
    world, hebei = two
    view, _ = blow_whistle(conn, world.actor("hb_chief"), NewWhistle(
        matter="河北区整治", meeting_at=NOW + timedelta(days=1), meeting_place="光复道现场",
        deadline=NOW + timedelta(days=7), incident_ids=(hebei["incident"],),
        department_codes=("CGW-DL",)), NOW)
    stored = conn.execute(text("select district_code from whistles where id = :i"),
                          {"i": view["id"]}).scalar_one()
    assert stored == HEBEI
    assert list_whistles(conn, world.actor("hb_operator"), {}, NOW)["total"] == 1
    assert list_whistles(conn, world.actor("operator"), {}, NOW)["total"] == 0
    assert list_whistles(conn, world.actor("city"), {}, NOW)["total"] == 1
