"""The world generator adds a second real district (issue 24): Hebei (120105) inside its
real outline, with its own streets, communities, grids and accounts, beside a world.
"""
import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli.world import load_command
from etl.world.district import DistrictRefused, add_district
from tests.workflow_world import build_world
from workflow.accounts import load_actor

SEED = 20191115


def digest(conn) -> str:
    rows = conn.execute(text("""select g.code, ST_AsText(g.geom) from grids g
                                where g.code like '120105%' order by g.code""")).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_hebei_is_built_inside_its_real_outline(conn):
    build_world(conn)
    hongqiao = conn.execute(text("select count(*) from grids")).scalar()
    counts = add_district(conn, "120105", SEED, 0.1, "demo-password")
    assert counts["streets"] == 10 and counts["communities"] == 20 and counts["grids"] == 40
    found = conn.execute(text("""
        select count(*) filter (where d.code = '120105') as hebei,
               count(*) filter (where d.code <> '120105') as others,
               max(ST_Area(ST_Difference(g.geom, d.geom)::geography))
                 filter (where d.code = '120105') as outside_m2,
               sum(ST_Area(g.geom::geography)) filter (where d.code = '120105')
                 / max(ST_Area(d.geom::geography)) filter (where d.code = '120105') as cover
        from grids g join streets s on s.id = g.street_id
        join districts d on d.id = s.district_id""")).mappings().one()
    assert found["hebei"] == 40 and found["others"] == hongqiao
    # Every grid inside the outline, up to slivers of the metric round trip (a few m²).
    assert found["outside_m2"] < 10.0
    assert found["cover"] == pytest.approx(1.0, abs=0.01)   # and together they tile it
    streets = conn.execute(text("""select s.name_zh from streets s join districts d
        on d.id = s.district_id where d.code = '120105' order by s.code""")).scalars().all()
    assert streets[0] == "光复道街道" and len(set(streets)) == 10
    operator = conn.execute(text("select id from users where username = 'hb_operator1'"))
    actor = load_actor(conn, operator.scalar_one())
    assert actor.district_code == "120105" and actor.role == "operator"
    workers = conn.execute(text("""select count(*) from users u join worker_grids wg
        on wg.user_id = u.id join grids g on g.id = wg.grid_id
        where u.district_code = '120105' and g.code like '120105%'""")).scalar()
    assert workers == 40


def test_the_same_seed_gives_the_same_district(conn):
    build_world(conn)
    first = conn.begin_nested()
    add_district(conn, "120105", SEED, 0.1, "x")
    once = digest(conn)
    first.rollback()
    add_district(conn, "120105", SEED, 0.1, "x")
    assert digest(conn) == once


def test_a_district_is_refused_when_unknown_home_loaded_or_alone(conn):
    with pytest.raises(DistrictRefused, match="load the Hongqiao world first"):
        add_district(conn, "120105", SEED, 0.1, "x")
    build_world(conn)
    for code in ("120106", "120199"):
        with pytest.raises(DistrictRefused, match="unknown district"):
            add_district(conn, code, SEED, 0.1, "x")
    add_district(conn, "120105", SEED, 0.1, "x")
    with pytest.raises(DistrictRefused, match="loaded already"):
        add_district(conn, "120105", SEED, 0.1, "x")


def test_the_command_names_an_unknown_district(test_settings):
    result = CliRunner().invoke(load_command, ["--district", "120199"], obj=test_settings)
    assert result.exit_code == 1 and "120199" in result.output
