"""The migration: upgrade from an empty database, down to nothing, and up again."""
from sqlalchemy import create_engine, inspect, text

from data import migrate
from data.models import Base
from tests.conftest import create_test_database, drop_test_database


def test_upgrade_creates_every_model_table_then_downgrade_removes_them(server_settings):
    url = create_test_database(server_settings, "migrate")
    try:
        assert migrate.current(url) == migrate.head()
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "positions_default" in tables
        migrate.downgrade(url, "base")
        assert migrate.current(url) is None
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
        migrate.upgrade(url)
        assert migrate.current(url) == migrate.head()
        engine.dispose()
    finally:
        drop_test_database(server_settings, url)


# Positions are read by time and device only (see data/models/positions.py), so their
# fixes (the table and its day partitions, and the fixes set aside) carry no spatial index;
# every other geometry has one.
def unindexed(table: str) -> bool:
    return table in ("positions", "set_aside_fixes") or table.startswith("positions_")


def test_every_geometry_has_srid_4326_and_a_gist_index(conn):
    cols = conn.execute(text(
        "select f_table_name, type, srid from geometry_columns where f_table_schema='public'"
    )).all()
    assert cols, "no geometry columns"
    assert {c.srid for c in cols} == {4326}
    gist = {r[0] for r in conn.execute(text(
        "select tablename from pg_indexes where indexdef ilike '%using gist%'"))}
    assert {c.f_table_name for c in cols if not unindexed(c.f_table_name)} <= gist
    assert not {table for table in gist if unindexed(table)}


def test_positions_are_partitioned_with_a_brin_index(conn):
    strategy = conn.execute(text(
        "select partstrat from pg_partitioned_table where partrelid = 'positions'::regclass"
    )).scalar()
    assert strategy == "r"
    brin = conn.execute(text(
        "select count(*) from pg_indexes where tablename='positions' and indexdef ilike '%brin%'"
    )).scalar()
    assert brin == 1



def test_models_and_migrations_agree(engine):
    """Autogenerate finds nothing to do: the migrations build exactly what the models say."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from geoalchemy2 import alembic_helpers

    def include(obj, name, type_, reflected, compare_to):
        if type_ == "table" and (name == "spatial_ref_sys" or name.startswith("positions_")):
            return False
        return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include,
                                                         "compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_0016_rewrites_the_worlds_old_incident_codes_and_leaves_imported_ones(server_settings):
    from tests.workflow_world import build_world, make_incident

    url = create_test_database(server_settings, "codes")
    engine = create_engine(url)
    try:
        # Rows written at the head (the models' columns), then the schema stepped back to
        # just before 0016 and forward again: 0016 rewrites what it finds.
        with engine.begin() as conn:
            world = build_world(conn)
            old = make_incident(conn, world, code="HQ2026120300555")
            imported = make_incident(conn, world, code="LEGACY-2019-7")
        migrate.downgrade(url, "0014")
        migrate.upgrade(url)
        with engine.connect() as conn:
            codes = dict(conn.execute(text("select id, code from incidents")).all())
        assert codes[old] == f"HQ20261203-{old}" and codes[imported] == "LEGACY-2019-7"
    finally:
        engine.dispose()
        drop_test_database(server_settings, url)
