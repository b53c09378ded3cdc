"""The Click commands `import grids|residents|incidents|cameras FILE` and `export KIND`."""
from __future__ import annotations

from pathlib import Path

import click
import pyproj

from data.db import Database
from data.models.base import DISTRICT_CODE
from data.settings import Settings
from etl.importers import runner
from etl.importers.cameras import plan_cameras, write_cameras
from etl.importers.export import KINDS, export_frames, format_for, write_layers
from etl.importers.fields import parse_map
from etl.importers.grids import GridOptions, plan_grids, write_grids
from etl.importers.incidents import plan_incidents, write_incidents
from etl.importers.points import PointOptions
from etl.importers.problems import ImportRefused
from etl.importers.residents import plan_residents, write_residents
from etl.importers.sources import CrsChoice

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _settings() -> Settings:
    obj = click.get_current_context().obj
    return obj if isinstance(obj, Settings) else Settings.from_env()


def _check_crs(ctx, param, value):
    if value is None:
        return None
    try:
        pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError as exc:
        raise click.BadParameter(f"unknown CRS {value!r}: {exc}") from exc
    return value


def _common(command):
    """Options every import shares: the CRS, the layer, extra field mapping, --commit."""
    for option in reversed((
        click.option("--crs", default=None, callback=_check_crs,
                     help="Source CRS, e.g. EPSG:4326 or EPSG:4490 (CGCS2000); default: what "
                          "the file declares (.prj), else EPSG:4326."),
        click.option("--gcj02", is_flag=True,
                     help="Coordinates are GCJ-02 (Amap/Tencent): convert them to WGS84."),
        click.option("--layer", default=None, help="Layer of a GeoPackage."),
        click.option("--map", "mapping", multiple=True, metavar="KEY=COLUMN",
                     help="Which column holds a field (repeatable), e.g. --map status=zt."),
        click.option("--commit", is_flag=True,
                     help="Write it (one transaction). Without it: a dry run."),
    )):
        command = option(command)
    return command


def _check_district(ctx, param, value):
    if not (len(value) == 6 and value.isdigit()):
        raise click.BadParameter(f"a district code is 6 digits (e.g. 120105), not {value!r}")
    return value


def _points(command):
    """Options of the point files: the coordinate columns, the CSV encoding, the district."""
    for option in reversed((
        click.option("--district", "district", default=DISTRICT_CODE, show_default=True,
                     callback=_check_district,
                     help="The district the file belongs to: rows outside its grids are refused."),
        click.option("--lon", default="lon", show_default=True, help="Longitude/x column."),
        click.option("--lat", default="lat", show_default=True, help="Latitude/y column."),
        click.option("--encoding", default="utf-8-sig", show_default=True,
                     help="CSV encoding (gb18030 for files from Excel in Chinese)."),
    )):
        command = option(command)
    return command


def _choice(crs: str | None, gcj02: bool) -> CrsChoice:
    if crs and gcj02:
        raise click.UsageError("--crs and --gcj02 exclude each other")
    return CrsChoice(crs=crs, gcj02=gcj02)


def _mapping(mapping, **named) -> dict[str, str]:
    try:
        extra = parse_map(mapping)
    except ImportRefused as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from exc
    return {**{k: v for k, v in named.items() if v}, **extra}


def run_import(*args, **kwargs) -> int:
    """The importer's run, its report on the terminal, its refusal as the command's error."""
    try:
        return runner.run_import(*args, echo=click.echo, **kwargs)
    except runner.ImportFailed as exc:
        raise click.ClickException(str(exc)) from exc


def _finish(code: int) -> None:
    click.get_current_context().exit(code)


@click.group("import")
def import_command() -> None:
    """导入文件（默认试运行）Import files: a dry run unless --commit."""


@import_command.command("grids")
@click.argument("file", type=FILE)
@click.option("--level", type=click.Choice(["grid", "community", "street"]), default="grid",
              show_default=True, help="Which level the file holds (15/12/9-digit codes).")
@click.option("--code-field", default=None, help="Code column (default: code).")
@click.option("--name-field", default=None, help="Chinese name column (default: name_zh/name).")
@click.option("--parent-field", default=None, help="Parent code column, checked against the code.")
@click.option("--street-name-field", default=None, help="Street name column (grid files).")
@click.option("--community-name-field", default=None, help="Community name column (grid files).")
@click.option("--district-name", default=None, help="The district's name, e.g. 红桥区.")
@click.option("--derive-parents", is_flag=True,
              help="Build parents from the code prefixes even when the database has them.")
@click.option("--tolerance", type=float, default=1.0, show_default=True,
              help="Overlaps and gaps up to this many m² are ignored.")
@click.option("--replace-all", is_flag=True,
              help="Clear the whole world (keeping departments and categories) first.")
@_common
def import_grids(file, level, code_field, name_field, parent_field, street_name_field,
                 community_name_field, district_name, derive_parents, tolerance, replace_all,
                 crs, gcj02, layer, mapping, commit) -> None:
    """网格 Grids: replaces the whole hierarchy (district, streets, communities, grids)."""
    options = GridOptions(
        level=level, choice=_choice(crs, gcj02), layer=layer, derive_parents=derive_parents,
        district_name=district_name, tolerance_m2=tolerance,
        mapping=_mapping(mapping, code=code_field, name=name_field, parent=parent_field,
                         street_name=street_name_field, community_name=community_name_field))
    _finish(run_import(_settings(), lambda conn: plan_grids(conn, file, options),
                       lambda conn, plan: write_grids(conn, plan, replace_all), commit))


def _point_options(settings, crs, gcj02, layer, mapping, lon, lat, encoding, district,
                   **named):
    timezone = named.pop("timezone", None) or settings.timezone
    return PointOptions(mapping=_mapping(mapping, **named), lon=lon, lat=lat,
                        choice=_choice(crs, gcj02), layer=layer, encoding=encoding,
                        timezone=timezone, secret=settings.resident_hash_key,
                        district_code=district)


@import_command.command("residents")
@click.argument("file", type=FILE)
@_points
@_common
def import_residents(file, district, lon, lat, encoding, crs, gcj02, layer, mapping,
                     commit) -> None:
    """居民 Residents: ID numbers stored only as keyed hashes, names masked."""
    settings = _settings()
    options = _point_options(settings, crs, gcj02, layer, mapping, lon, lat, encoding,
                             district)
    _finish(run_import(settings, lambda conn: plan_residents(conn, file, options),
                       write_residents, commit))


@import_command.command("incidents")
@click.argument("file", type=FILE)
@click.option("--code-field", default=None,
              help="The old system's incident code column (default: code); kept as source_code.")
@click.option("--system", default="legacy", show_default=True,
              help="Name of the old system the file comes from: its codes are unique within "
                   "it, and a re-import skips the cases it already brought.")
@click.option("--timezone", default=None,
              help="Zone of times written without an offset (default Asia/Shanghai).")
@_points
@_common
def import_incidents(file, code_field, system, timezone, district, lon, lat, encoding, crs, gcj02,
                     layer, mapping, commit) -> None:
    """事件 Incidents: each gets our own HQ code; the file's code is kept as its source ref."""
    settings = _settings()
    options = _point_options(settings, crs, gcj02, layer, mapping, lon, lat, encoding,
                             district, code=code_field, timezone=timezone)
    options.system = _system_name(system)
    _finish(run_import(settings, lambda conn: plan_incidents(conn, file, options),
                       write_incidents, commit))


def _system_name(system: str) -> str:
    name = system.strip()
    if not name or len(name) > 40:
        raise click.BadParameter("1 to 40 characters 1至40个字符", param_hint="--system")
    return name


@import_command.command("cameras")
@click.argument("file", type=FILE)
@click.option("--code-field", default=None, help="Camera code column (default: code).")
@click.option("--name-field", default=None, help="Name column (default: name_zh/name).")
@_points
@_common
def import_cameras(file, code_field, name_field, district, lon, lat, encoding, crs, gcj02,
                   layer, mapping, commit) -> None:
    """摄像头 Cameras: owner is a department code, or a street code or name."""
    settings = _settings()
    options = _point_options(settings, crs, gcj02, layer, mapping, lon, lat, encoding,
                             district, code=code_field, name=name_field)
    _finish(run_import(settings, lambda conn: plan_cameras(conn, file, options),
                       write_cameras, commit))


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(["geojson", "gpkg"]), default=None,
              help="Default: from the --out suffix.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(kind: str, fmt: str | None, out: Path) -> None:
    """导出 Export grids, streets, communities, incidents, cameras (or all levels) in WGS84."""
    settings = _settings()
    try:
        fmt = format_for(out, fmt)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if kind == "all" and fmt == "geojson":
        raise click.UsageError("GeoJSON 只有一个图层 holds one layer: export all with --format gpkg")
    database = Database(settings)
    try:
        with database.connect() as conn:
            frames = export_frames(conn, kind, settings.timezone)
    finally:
        database.dispose()
    counts = write_layers(frames, fmt, out)
    listed = ", ".join(f"{name} {n}" for name, n in counts.items())
    click.echo(f"已导出 exported to {out} ({fmt}, EPSG:4326): {listed}")
