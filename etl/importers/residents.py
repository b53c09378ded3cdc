"""Import residents: ID numbers only as keyed SHA-256 hashes, names masked, placed in grids."""
from __future__ import annotations

import hashlib
import hmac
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data.import_store import existing_keys, refresh_grid_population, write_keyed
from etl.importers.fields import Fields, parse_bools, parse_ints
from etl.importers.points import (
    PointOptions,
    PointPlan,
    duplicates,
    open_points,
    place,
    point_ewkb,
    require,
    summarise,
)
from etl.importers.problems import Report

BANDS = ("0-17", "18-39", "40-59", "60-79", "80+")
BAND_EDGES = (18, 40, 60, 80)
SEX = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F"}
FLAGS = {"elderly_alone": ("elderly_alone", "独居老人"), "disabled": ("disabled", "残疾人"),
         "low_income": ("low_income", "低保"), "special_care": ("special_care", "特殊关爱")}
DEFAULTS = {
    "id_number": ("id_number", "id_no", "身份证号"), "name": ("name", "姓名"),
    "age_band": ("age_band", "年龄段"), "age": ("age", "年龄"), "sex": ("sex", "性别"),
    "household_no": ("household_no", "户号"), "floor": ("floor", "楼层"), **FLAGS,
}


def plan_residents(conn: Connection, path: Path, options: PointOptions) -> PointPlan:
    """Read and check a residents file; the ID numbers never leave this function in clear."""
    report, source, fields = open_points(path, options, DEFAULTS)
    frame, rows = source.frame, source.rows
    ids = fields.values(frame, "id_number").str.upper()
    labels = ids.map(mask_id)
    report.name_rows(dict(zip(rows.tolist(), labels)))
    keep = require(ids, rows, labels, fields.column("id_number"), "id_number", report)
    keep &= duplicates(ids, rows, labels, report)
    names = fields.values(frame, "name")
    keep &= require(names, rows, labels, fields.column("name"), "name", report)
    bands = _age_bands(fields, frame, ids, rows, labels, report)
    sexes = _sexes(fields, frame, ids, rows, labels, report)
    out = pd.DataFrame({"age_band": bands, "sex": sexes}, index=frame.index)
    for flag in FLAGS:
        out[flag] = _flag(fields, frame, flag, rows, labels, report)
    out["household_no"] = _ints(fields, frame, "household_no", rows, labels, report).fillna(1)
    out["floor"] = _ints(fields, frame, "floor", rows, labels, report)
    placed = place(conn, source, labels, report, options.district_code)
    keep &= placed["placed"].to_numpy() & out["age_band"].notna().to_numpy()
    keep &= out["sex"].notna().to_numpy()
    out["id_hash"] = [id_hash(i, options.secret) for i in ids]
    out["name_masked"] = [mask_name(n) for n in names]
    out = pd.concat([placed[["district_code", "grid_id"]], out], axis=1)[keep]
    out["geom"] = point_ewkb(source, keep)
    existing = len(existing_keys(conn, "residents", "id_hash", out["id_hash"].tolist()))
    summarise(report, source, "居民 residents", len(out), existing, "将更新 updated")
    return PointPlan(report, out.reset_index(drop=True), existing)


def write_residents(conn: Connection, plan: PointPlan) -> dict[str, int]:
    """Insert new residents, update known ones (by ID hash), then refresh grid populations."""
    written = write_keyed(conn, "residents", plan.rows, "id_hash", update=True)
    refresh_grid_population(conn)
    inserted = int(written["inserted"].sum())
    return {"inserted": inserted, "updated": len(written) - inserted}


def id_hash(id_number: str, secret: str) -> str:
    """HMAC-SHA256 of a normalised ID number, keyed by the deployment's secret.

    A bare SHA-256 of an 18-digit ID number can be reversed by trying every birth date and
    sequence number; the key makes that impossible without the secret.
    """
    return hmac.new(secret.encode(), id_number.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_id(id_number: str) -> str:
    """An ID number as it may appear in a report: region and last four digits only."""
    if len(id_number) <= 8:
        return id_number[:1] + "*" * max(0, len(id_number) - 1)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str) -> str:
    """A name as stored: the surname, then one * per remaining character (as the world)."""
    return (name[0] + "*" * (len(name) - 1))[:20] if name else ""


def _age_bands(fields: Fields, frame, ids, rows, labels, report: Report) -> pd.Series:
    given, ages = fields.values(frame, "age_band"), fields.values(frame, "age")
    years = pd.to_numeric(ages.where(ages != "", None), errors="coerce")
    years = years.where(ages != "", _years_from_id(ids))
    bands = pd.Series(_bands(years.to_numpy(float)), index=frame.index, dtype=object)
    # A band the file gives wins; one it gives wrongly is reported, not replaced.
    bands = bands.where(given == "", None).where(~given.isin(BANDS), given)
    for i in np.flatnonzero(bands.isna().to_numpy()):
        band, age = given.iat[i], ages.iat[i]
        found = band or age or "-"
        report.add("unknown_value" if (band or age) else "missing_field", int(rows[i]),
                   labels.iat[i], f"年龄段 age band {found!r}: one of {', '.join(BANDS)}, "
                   "an age, or an 18-digit ID number to derive it from")
    return bands


def _bands(years: np.ndarray) -> np.ndarray:
    valid = np.isfinite(years) & (years >= 0)
    index = np.searchsorted(BAND_EDGES, np.where(valid, years, 0), side="right")
    return np.where(valid, np.asarray(BANDS, dtype=object)[index], None)


def _years_from_id(ids: pd.Series, today: date | None = None) -> pd.Series:
    """Age in whole years from the birth date in an 18-character ID number (NaN if none)."""
    today = today or date.today()
    born = pd.to_datetime(ids.str.slice(6, 14).where(ids.str.len() == 18),
                          format="%Y%m%d", errors="coerce")
    later = (born.dt.month * 100 + born.dt.day) > (today.month * 100 + today.day)
    return (today.year - born.dt.year - later.astype(float)).astype(float)


def _sexes(fields: Fields, frame, ids, rows, labels, report: Report) -> pd.Series:
    given = fields.values(frame, "sex")
    digit = pd.to_numeric(ids.str.slice(16, 17).where(ids.str.len() == 18), errors="coerce")
    from_id = pd.Series(np.where(digit % 2 == 1, "M", "F"), index=ids.index, dtype=object)
    from_id = from_id.where(digit.notna(), None)
    sexes = given.str.lower().map(SEX).astype(object).where(given != "", from_id)
    for i in np.flatnonzero(sexes.isna().to_numpy()):
        sex = given.iat[i]
        report.add("unknown_value" if sex else "missing_field", int(rows[i]), labels.iat[i],
                   f"性别 sex {sex!r}: M/F, 男/女 (or an 18-digit ID number)")
    return sexes.where(sexes.notna(), None)


def _flag(fields: Fields, frame, key: str, rows, labels, report: Report) -> np.ndarray:
    values, bad = parse_bools(fields.values(frame, key))
    for i in np.flatnonzero(bad):
        report.add("unknown_value", int(rows[i]), labels.iat[i],
                   f"{key} {fields.values(frame, key).iat[i]!r}: 是/否, 1/0, true/false")
    return values


def _ints(fields: Fields, frame, key: str, rows, labels, report: Report) -> pd.Series:
    values, bad = parse_ints(fields.values(frame, key))
    for i in np.flatnonzero(bad):
        report.add("unknown_value", int(rows[i]), labels.iat[i],
                   f"{key} {fields.values(frame, key).iat[i]!r} 不是整数 not an integer")
    return values
