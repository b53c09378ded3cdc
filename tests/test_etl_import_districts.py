"""Importers take a district code (issue 24): rows outside that district are refused."""
from tests.district_world import IN_HEBEI, SQUARE, outline_wkt
from tests.import_helpers import (  # noqa: F401 - fixtures
    centre,
    execute,
    fresh,
    grid_code,
    import_settings,
    incident_row,
    lines_with,
    load_grids,
    run,
    scalar,
    write_csv,
)

A = grid_code(1, 1, 1)


def add_hebei_grid(settings) -> None:
    """Hebei (120105) with one street, community and grid beside the test's Hongqiao grids."""
    execute(settings, """
        with d as (insert into districts (code, name_zh, name_en, area_km2, geom)
                   values ('120105', '河北区', 'Hebei', 29.5, ST_GeomFromEWKT(:outline))
                   returning id),
             s as (insert into streets (code, district_id, name_zh, name_en, area_km2, geom)
                   select '120105001', d.id, '光复道街道', 'Guangfudao', 1, ST_GeomFromEWKT(:sq)
                   from d returning id),
             c as (insert into communities (code, street_id, name_zh, name_en, area_km2, geom)
                   select '120105001001', s.id, '海河社区', 'Haihe', 1, ST_GeomFromEWKT(:sq)
                   from s returning id, street_id)
        insert into grids (code, community_id, street_id, name_zh, area_km2, geom)
        select '120105001001001', c.id, c.street_id, '海河社区第1网格', 1, ST_GeomFromEWKT(:sq)
        from c""", outline=outline_wkt(), sq=SQUARE)


def test_rows_outside_the_named_district_are_refused_by_file_row_and_problem(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    add_hebei_grid(fresh)
    rows = [incident_row("HB1", *IN_HEBEI), incident_row("HQ2", *centre(A))]
    path = write_csv(tmp_path / "hebei.csv", rows)
    refused = run(fresh, "incidents", path, "--district", "120105", "--commit")
    assert refused.exit_code == 1
    assert lines_with(refused.output, "hebei.csv", "row 3", "HQ2", "outside the district",
                      "120105")
    assert not lines_with(refused.output, "row 2")
    assert scalar(fresh, "select count(*) from incidents") == 0
    # By default the file is Hongqiao's: now the Hebei row is the one refused.
    default = run(fresh, "incidents", path, "--commit")
    assert default.exit_code == 1
    assert lines_with(default.output, "row 2", "HB1", "outside the district", "120106")
    assert scalar(fresh, "select count(*) from incidents") == 0


def test_a_district_file_loads_into_its_district(fresh, tmp_path):
    load_grids(fresh, tmp_path)
    add_hebei_grid(fresh)
    path = write_csv(tmp_path / "hebei.csv", [incident_row("HB1", *IN_HEBEI)])
    loaded = run(fresh, "incidents", path, "--district", "120105", "--commit")
    assert loaded.exit_code == 0, loaded.output
    assert scalar(fresh, "select district_code from incidents where source_code = 'HB1'") == "120105"


def test_a_bad_district_code_is_a_usage_error(fresh, tmp_path):
    path = write_csv(tmp_path / "x.csv", [incident_row("X1", *IN_HEBEI)])
    result = run(fresh, "incidents", path, "--district", "hebei")
    assert result.exit_code == 2 and "--district" in result.output
