"""Phone ingest per district: a fix is judged against its worker's district and stored under it."""
import uuid

import pytest
from sqlalchemy import event, insert, text, update

from api.server import create_server
from data.db import Database
from data.models import Community, District, Grid, Street, User
from tests import factories as f
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.district_world import HEBEI, IN_HEBEI, SQUARE, outline_wkt
from tests.ingest_helpers import LAT, LON

HOME = "120106"
OUTSIDE = "outside_district"


@pytest.fixture(scope="module")
def two_districts(server_settings):
    """Its own database: Hongqiao's test square and Hebei's real outline with one grid."""
    url = create_test_database(server_settings, "ingest_districts")
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False, max_accuracy_m=100.0)
    db = Database(settings)
    with db.begin() as conn:
        ids = {"home": f.hierarchy(conn)}
        district = conn.execute(insert(District).values(
            code=HEBEI, name_zh="河北区", name_en="Hebei", area_km2=29.5,
            geom=outline_wkt()).returning(District.id)).scalar_one()
        street = conn.execute(insert(Street).values(
            code=HEBEI + "001", district_id=district, name_zh="光复道街道", name_en="Guangfudao",
            area_km2=1.0, geom=SQUARE).returning(Street.id)).scalar_one()
        community = conn.execute(insert(Community).values(
            code=HEBEI + "001001", street_id=street, name_zh="海河社区", name_en="Haihe",
            area_km2=1.0, geom=SQUARE).returning(Community.id)).scalar_one()
        ids["hebei_grid"] = conn.execute(insert(Grid).values(
            code=HEBEI + "001001001", community_id=community, street_id=street,
            name_zh="海河社区第1网格", area_km2=1.0, population=100, geom=SQUARE,
        ).returning(Grid.id)).scalar_one()
    yield settings, db, ids
    db.dispose()
    drop_test_database(server_settings, url)


@pytest.fixture(scope="module")
def client(two_districts):
    settings, db, _ = two_districts
    return create_server(settings, db).test_client()


def _phone(two_districts, district: str) -> dict:
    _, db, ids = two_districts
    name = uuid.uuid4().hex[:10]
    grid = ids["hebei_grid"] if district == HEBEI else ids["home"]["grid"]
    with db.begin() as conn:
        worker = f.patrol_worker(conn, grid, f"w{name}", f"dev{name}")
        conn.execute(update(User).where(User.id == worker["user"]).values(district_code=district))
    return {**worker, "id": f"dev{name}"}


def _rows(two_districts, table: str, phone: dict) -> list:
    """(district, grid) of a phone's fixes in ``table``; (district, reason) of those set aside."""
    second = "reason" if table == "set_aside_fixes" else "grid_id"
    with two_districts[1].connect() as conn:
        return conn.execute(text(
            f"select district_code, {second} from {table} where device_id = :d"),  # noqa: S608
            {"d": phone["device"]}).all()


def _send(client, phone: dict, lon: float, lat: float, ago: int = 60) -> None:
    t = int(SESSION_NOW.timestamp()) - ago
    response = client.get(f"/osmand?id={phone['id']}&timestamp={t}&lat={lat}&lon={lon}&hdop=5")
    assert response.status_code == 200


def test_hebei_workers_fix_is_stored_under_hebei(client, two_districts):
    phone = _phone(two_districts, HEBEI)
    _send(client, phone, *IN_HEBEI)
    assert _rows(two_districts, "positions", phone) == [(HEBEI, two_districts[2]["hebei_grid"])]
    assert _rows(two_districts, "latest_positions", phone) == [
        (HEBEI, two_districts[2]["hebei_grid"])]
    assert _rows(two_districts, "set_aside_fixes", phone) == []


def test_a_fix_outside_the_workers_own_district_is_set_aside_under_it(client, two_districts):
    # A Hebei worker in Hongqiao, and a Hongqiao worker in Hebei: each outside their own.
    hebei, home = _phone(two_districts, HEBEI), _phone(two_districts, HOME)
    _send(client, hebei, LON, LAT)
    _send(client, home, *IN_HEBEI)
    assert _rows(two_districts, "positions", hebei) == []
    assert _rows(two_districts, "positions", home) == []
    assert _rows(two_districts, "set_aside_fixes", hebei) == [(HEBEI, OUTSIDE)]
    assert _rows(two_districts, "set_aside_fixes", home) == [(HOME, OUTSIDE)]


def test_home_workers_fix_stays_under_the_home_district(client, two_districts):
    phone = _phone(two_districts, HOME)
    _send(client, phone, LON, LAT)
    assert _rows(two_districts, "positions", phone) == [(HOME, two_districts[2]["home"]["grid"])]


def test_one_group_write_stores_each_fix_under_its_own_district(two_districts):
    """Jobs of both districts in one statement (the group writer's case under load)."""
    from data.positions import Fix
    from data.positions.writes import write_fixes

    _, db, ids = two_districts
    hebei, home = _phone(two_districts, HEBEI), _phone(two_districts, HOME)
    with db.begin() as conn:
        result = write_fixes(conn, [
            Fix(hebei["device"], hebei["user"], SESSION_NOW, *IN_HEBEI),
            Fix(home["device"], home["user"], SESSION_NOW, LON, LAT)], "Asia/Shanghai",
            [HEBEI, HOME])
    assert result.inserted == 2
    assert _rows(two_districts, "positions", hebei) == [(HEBEI, ids["hebei_grid"])]
    assert _rows(two_districts, "positions", home) == [(HOME, ids["home"]["grid"])]


def test_the_outline_is_read_once_per_district_not_per_fix(two_districts):
    """The hot path: each district's envelope is cached by the process."""
    from api.ingest.ingestor import Ingestor

    settings, db, _ = two_districts
    ingestor = Ingestor(db, settings)
    reads = []

    def count(conn, cursor, statement, *args):
        if "from districts" in statement:
            reads.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            assert ingestor.envelope(HEBEI) is not None
            assert ingestor.envelope(HOME) is not None
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(reads) == 2
    assert not ingestor.envelope(HEBEI).equals(ingestor.envelope(HOME))
