"""Importer and export test helpers: their own database, and tiny crafted 2x2x2 grid layers."""
from __future__ import annotations

import csv

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from cli.importers import export_command, import_command
from data.world_store import clear_world
from geo.crs import METRIC
from tests import factories
from tests.conftest import create_test_database, drop_test_database

X0, Y0 = 510_000.0, 4_335_000.0      # a spot in Hongqiao, UTM 50N
SIDE = 200.0                          # every grid is a 200 m square
DISTRICT = "120106"


@pytest.fixture(scope="module")
def import_settings(server_settings):
    """Its own database: the CLI commits, so the session's shared one stays clean."""
    url = create_test_database(server_settings, "import")
    yield server_settings.with_overrides(database_url=url, database_from_env=True,
                                         background_jobs=False)
    drop_test_database(server_settings, url)


@pytest.fixture
def fresh(import_settings):
    """Settings of an empty world that has the shipped departments and categories."""
    engine = create_engine(import_settings.sqlalchemy_url)
    with engine.begin() as conn:
        clear_world(conn)
        factories.reference_data(conn)
    engine.dispose()
    return import_settings


def run(settings, *args):
    """Invoke `import ...` (or `export ...` when args start with "export") as the CLI would."""
    command = export_command if args[0] == "export" else import_command
    args = args[1:] if args[0] == "export" else args
    return CliRunner().invoke(command, [str(a) for a in args], obj=settings)


def scalar(settings, sql: str, **params):
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def execute(settings, sql: str, **params) -> None:
    """Run a statement and commit it (the tests' own changes to the world)."""
    engine = create_engine(settings.sqlalchemy_url)
    with engine.begin() as conn:
        conn.execute(text(sql), params)
    engine.dispose()


def grid_code(street: int, community: int, grid: int) -> str:
    return f"{DISTRICT}{street:03d}{community:03d}{grid:03d}"


def metric_box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def grid_boxes() -> dict[str, shapely.Polygon]:
    """The 8 grid squares (metric): street s spans x 400(s-1)..400s, communities 200 wide."""
    boxes = {}
    for s in (1, 2):
        for c in (1, 2):
            for g in (1, 2):
                x = (s - 1) * 2 * SIDE + (c - 1) * SIDE
                y = (g - 1) * SIDE
                boxes[grid_code(s, c, g)] = metric_box(x, y, x + SIDE, y + SIDE)
    return boxes


def grid_layer(crs="EPSG:4326", replace=None, extra=()) -> gpd.GeoDataFrame:
    """The grids as a layer in ``crs``; ``replace`` swaps metric geometries by code and
    ``extra`` adds (code, metric geometry) features at the end.
    """
    boxes = {**grid_boxes(), **(replace or {})}
    items = list(boxes.items()) + list(extra)
    codes = [c for c, _ in items]
    frame = gpd.GeoDataFrame({
        "code": codes,
        "name_zh": [f"测试网格{c[-3:]}" for c in codes],
        "street_name": [f"测试{c[6:9]}街道" for c in codes],
        "community_name": [f"测试{c[9:12]}社区" for c in codes],
    }, geometry=[g for _, g in items], crs=METRIC)
    return frame.to_crs(crs)


def parent_layer(level: str, crs="EPSG:4326") -> gpd.GeoDataFrame:
    """Streets or communities as the exact unions of their grids (built in ``crs``)."""
    grids = grid_layer(crs)
    width = 9 if level == "street" else 12
    grids["unit"] = grids["code"].str[:width]
    units = grids.dissolve("unit").reset_index()
    return gpd.GeoDataFrame({
        "code": units["unit"], "name_zh": [f"测试{u[-3:]}{'街道' if width == 9 else '社区'}"
                                          for u in units["unit"]],
    }, geometry=units.geometry.values, crs=crs)


def centre(code: str) -> tuple[float, float]:
    """WGS84 lon/lat of the middle of a grid."""
    point = gpd.GeoSeries([grid_boxes()[code].centroid], crs=METRIC).to_crs("EPSG:4326")[0]
    return point.x, point.y


def offset(code: str, dx: float, dy: float) -> tuple[float, float]:
    """WGS84 lon/lat of a point dx, dy metres from a grid's middle."""
    c = grid_boxes()[code].centroid
    point = gpd.GeoSeries([shapely.Point(c.x + dx, c.y + dy)], crs=METRIC).to_crs("EPSG:4326")[0]
    return point.x, point.y


def write_csv(path, rows: list[dict]):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def load_grids(settings, tmp_path):
    """Commit the good grid layer (GeoJSON); returns the file."""
    path = tmp_path / "grids.geojson"
    grid_layer().to_file(path, driver="GeoJSON", engine="pyogrio")
    result = run(settings, "grids", path, "--commit")
    assert result.exit_code == 0, result.output
    return path


def incident_row(code: str, lon: float, lat: float, **changes) -> dict:
    row = {"code": code, "category_code": "0102", "source": "patrol", "status": "closed",
           "reported_at": "2025-03-01T08:00:00+08:00", "accepted_at": "2025-03-01 08:10",
           "dispatched_at": "2025-03-01 08:20", "closed_at": "2025-03-02T09:00:00+08:00",
           "description": "垃圾堆放", "lon": f"{lon:.8f}", "lat": f"{lat:.8f}"}
    row.update(changes)
    return row


def lines_with(output: str, *needles: str) -> list[str]:
    return [line for line in output.splitlines() if all(n in line for n in needles)]

