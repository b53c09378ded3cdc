"""The schema keeps data honest: constraints reject bad rows, good rows go in."""
from datetime import UTC, datetime, timezone

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from data.models import (
    Camera,
    Category,
    Grid,
    Incident,
    IncidentEvent,
    Position,
    Resident,
    Street,
    User,
    Whistle,
    WhistleSummons,
)
from tests import factories as f

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def rejects(conn, stmt, error=IntegrityError):
    """Run stmt in a savepoint and assert the database refuses it."""
    nested = conn.begin_nested()
    with pytest.raises(error):
        conn.execute(stmt)
    nested.rollback()


def test_a_valid_hierarchy_goes_in_and_nests(conn):
    ids = f.hierarchy(conn)
    inside = conn.execute(text(
        "select ST_CoveredBy(g.geom, c.geom) from grids g join communities c on c.id = g.community_id"
    )).scalar()
    assert inside is True and ids["grid"] > 0


@pytest.mark.parametrize("code", ["12010600100100", "1201060010010011", "12010600100100x"])
def test_grid_codes_must_have_fifteen_digits(conn, code):
    ids = f.hierarchy(conn)
    rejects(conn, insert(Grid).values(code=code, community_id=ids["community"],
                                      street_id=ids["street"], name_zh="x", area_km2=1,
                                      geom=f.SQUARE), DBAPIError)


def test_codes_are_unique(conn):
    ids = f.hierarchy(conn)
    rejects(conn, insert(Street).values(code="120106001", district_id=ids["district"],
                                        name_zh="另一个", name_en="x", area_km2=1, geom=f.SQUARE))


def test_geometry_type_and_srid_are_enforced(conn):
    ids = f.hierarchy(conn)
    rejects(conn, insert(Grid).values(code="120106001001002", community_id=ids["community"],
                                      street_id=ids["street"], name_zh="x", area_km2=1,
                                      geom="SRID=4326;POINT(117.1 39.1)"), DBAPIError)
    rejects(conn, insert(Grid).values(code="120106001001003", community_id=ids["community"],
                                      street_id=ids["street"], name_zh="x", area_km2=1,
                                      geom=f.SQUARE.replace("4326", "3857")), DBAPIError)


@pytest.mark.parametrize("role,scope", [("street_chief", {}), ("community_chief", {}),
                                        ("dept_officer", {}), ("wizard", {})])
def test_roles_need_their_scope(conn, role, scope):
    rejects(conn, insert(User).values(username="someone", password_hash="x", display_name="x",
                                      role=role, **scope))


def test_username_format_is_checked(conn):
    rejects(conn, insert(User).values(username="Robert'); drop table users;--",
                                      password_hash="x", display_name="x", role="analyst"))


def test_camera_has_exactly_one_owner(conn):
    ids = f.hierarchy(conn)
    dept = f.department(conn)
    base = dict(name_zh="x", kind="street", geom=f.POINT)
    rejects(conn, insert(Camera).values(code="C1", **base))
    rejects(conn, insert(Camera).values(code="C2", owner_department_id=dept,
                                        owner_street_id=ids["street"], **base))
    conn.execute(insert(Camera).values(code="C3", owner_department_id=dept, **base))


def test_points_must_be_longitude_latitude(conn):
    ids = f.hierarchy(conn)
    rejects(conn, insert(Resident).values(
        grid_id=ids["grid"], household_no=1, name_masked="张*", id_hash="a" * 64,
        age_band="18-39", sex="F", geom="SRID=4326;POINT(13046000 4745000)"))


def test_positions_unique_per_device_and_time_and_land_in_day_partition(conn):
    f.hierarchy(conn)
    worker = f.user(conn, "worker1", "grid_worker")
    dev = f.device(conn, worker)
    part = f.partition_for(conn, "2026-11-26")
    assert part == "positions_20261126"
    row = dict(device_id=dev, device_time=T0, user_id=worker, geom=f.POINT, accuracy_m=5)
    conn.execute(insert(Position).values(**row))
    rejects(conn, insert(Position).values(**row))
    rows = conn.execute(text(f"select count(*) from {part}")).scalar()
    assert rows == 1
    rejects(conn, insert(Position).values(**{**row, "device_time": T0.replace(minute=1),
                                              "battery": 140}))


def test_a_fix_without_a_day_partition_lands_in_default(conn):
    f.hierarchy(conn)
    worker = f.user(conn, "worker2", "grid_worker")
    dev = f.device(conn, worker, "dev-2")
    old = datetime(2020, 1, 1, tzinfo=UTC)
    conn.execute(insert(Position).values(device_id=dev, device_time=old, user_id=worker,
                                         geom=f.POINT))
    assert conn.execute(text("select count(*) from positions_default")).scalar() == 1


def _incident(conn, ids, **extra):
    conn.execute(insert(Category).values(code="01", level=1, name_zh="城市管理", name_en="City",
                                         deadline_hours=72))
    values = dict(code="HQ-1", street_id=ids["street"], community_id=ids["community"],
                  grid_id=ids["grid"], category_code="01", source="patrol", status="reported",
                  reported_at=T0, geom=f.POINT)
    values.update(extra)
    return conn.execute(insert(Incident).values(**values).returning(Incident.id)).scalar_one()


def test_incident_enumerations_and_time_order_are_checked(conn):
    ids = f.hierarchy(conn)
    incident = _incident(conn, ids)
    for bad in ({"status": "lost"}, {"source": "rumour"},
                {"closed_at": T0.replace(hour=1)}, {"description": "长" * 4001}):
        nested = conn.begin_nested()
        with pytest.raises(IntegrityError):
            conn.execute(update(Incident).where(Incident.id == incident).values(**bad))
        nested.rollback()


def test_event_log_is_append_only(conn):
    ids = f.hierarchy(conn)
    incident = _incident(conn, ids)
    conn.execute(insert(IncidentEvent).values(incident_id=incident, at=T0, action="report",
                                              to_status="reported"))
    rejects(conn, update(IncidentEvent).values(note="rewritten"), DBAPIError)
    rejects(conn, IncidentEvent.__table__.delete(), DBAPIError)
    assert conn.execute(select(IncidentEvent.note)).scalar() == ""


def test_whistle_rules_in_the_schema(conn):
    ids = f.hierarchy(conn)
    chief = f.user(conn, "chief1", "street_chief", street_id=ids["street"],
                   title="party_secretary")
    base = dict(street_id=ids["street"], blown_by_id=chief, matter="废弃地块",
                meeting_at=T0, meeting_place="现场", blown_at=T0, status="summoned",
                geom=f.POINT, deadline=T0.replace(day=27))
    rejects(conn, insert(Whistle).values(code="W0", **{**base, "deadline": T0}))
    rejects(conn, insert(Whistle).values(code="W2", level=2, **base))
    whistle = conn.execute(insert(Whistle).values(code="W1", **base)
                           .returning(Whistle.id)).scalar_one()
    dept = f.department(conn)
    rejects(conn, insert(WhistleSummons).values(whistle_id=whistle))
    rejects(conn, insert(WhistleSummons).values(whistle_id=whistle, department_id=dept,
                                                rating_quality=101))
    rejects(conn, insert(WhistleSummons).values(whistle_id=whistle, department_id=dept,
                                                arrived_at=T0))
    conn.execute(insert(WhistleSummons).values(whistle_id=whistle, department_id=dept,
                                               acknowledged_at=T0, arrived_at=T0,
                                               rating_quality=90))
