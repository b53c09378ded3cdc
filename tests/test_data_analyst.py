"""The analyst's queries against brute-force pandas over the small world's incidents."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from sqlalchemy import text

from data.queries import analyst as analyst_queries
from data.queries import analyst_raw as raw
from data.queries.analyst_filter import AnalystFilter, split_range
from tests.conftest import WORLD_AS_OF
from workflow.clock import BEIJING

NOW = WORLD_AS_OF
TODAY = NOW.astimezone(BEIJING).date()
RAW_SQL = """select i.id, i.code, i.reported_at, i.grid_id, i.street_id, i.community_id,
    i.category_code, coalesce(c.parent_code, c.code) as subject, i.source, i.status,
    coalesce(i.department_id, 0) as department_id, i.closed_at, i.deadline,
    ST_X(i.geom) as lon, ST_Y(i.geom) as lat
  from incidents i join categories c on c.code = i.category_code"""


@pytest.fixture
def incidents(world_conn) -> pd.DataFrame:
    result = world_conn.execute(text(RAW_SQL))
    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for col in ("reported_at", "closed_at", "deadline"):
        df[col] = pd.to_datetime(df[col], utc=True)
    df["day"] = df["reported_at"].dt.tz_convert("Asia/Shanghai").dt.date
    return df


def brute(df: pd.DataFrame, f: AnalystFilter) -> pd.DataFrame:
    keep = (df["day"] >= f.date_from) & (df["day"] <= f.date_to)
    for key in ("street_id", "community_id", "grid_id", "department_id"):
        if getattr(f, key) is not None:
            keep &= df[key] == getattr(f, key)
    if f.category:
        keep &= (df["category_code"] == f.category) | (df["subject"] == f.category)
    if f.sources:
        keep &= df["source"].isin(f.sources)
    if f.statuses:
        keep &= df["status"].isin(f.statuses)
    if f.overdue:
        keep &= df["status"].isin(["dispatched", "in_progress", "reopened"]) & (df["deadline"] < NOW)
    return df[keep]


def filters(df: pd.DataFrame) -> list[AnalystFilter]:
    street = int(df["street_id"].mode()[0])
    community = int(df[df["street_id"] == street]["community_id"].mode()[0])
    grid = int(df["grid_id"].mode()[0])
    dept = int(df[df["department_id"] > 0]["department_id"].mode()[0])
    today = TODAY
    year = today - timedelta(days=364)
    return [
        AnalystFilter(year, today),
        AnalystFilter(today - timedelta(days=29), today, street_id=street),
        AnalystFilter(today.replace(day=1), today, category="01", community_id=community),
        AnalystFilter(today - timedelta(days=254), today - timedelta(days=145), category="0102",
                      sources=("patrol", "hotline"), statuses=("closed",)),
        AnalystFilter(year, today, department_id=dept),
        AnalystFilter(today.replace(month=1, day=1), today, grid_id=grid),
        AnalystFilter(today, today),
        AnalystFilter(year, today, overdue=True, now=NOW),
    ]


def test_split_range_covers_every_day_once():
    parts = split_range(date(2026, 3, 17), date(2026, 7, 4))
    assert parts == {"d0": date(2026, 3, 17), "d1": date(2026, 4, 1), "m0": date(2026, 4, 1),
                     "m1": date(2026, 7, 1), "d2": date(2026, 7, 1), "d3": date(2026, 7, 5)}
    inside = split_range(date(2026, 3, 2), date(2026, 3, 30))
    assert inside["m0"] == inside["m1"] and inside["d1"] == date(2026, 3, 31)
    whole = split_range(date(2026, 3, 1), date(2026, 3, 31))
    assert (whole["m0"], whole["m1"], whole["d0"], whole["d1"]) == (
        date(2026, 3, 1), date(2026, 4, 1), date(2026, 3, 1), date(2026, 3, 1))


def test_grid_counts_totals_and_breakdowns_match_pandas(world_conn, incidents):
    for f in filters(incidents):
        sel = brute(incidents, f)
        grids = analyst_queries.grid_counts(world_conn, f)
        expected = sel.groupby("grid_id").size()
        got = grids.set_index("grid_id")["n"]
        assert got.sum() == len(sel), f
        assert (got[got > 0] == expected.reindex(got[got > 0].index)).all(), f
        assert set(got[got > 0].index) == set(expected.index), f
        tot = analyst_queries.totals(world_conn, f)
        assert tot["n"] == len(sel) and tot["closed"] == sel["closed_at"].notna().sum()
        for by, col in (("subject", "subject"), ("category", "category_code"),
                        ("source", "source"), ("status", "status"), ("street", "street_id"),
                        ("community", "community_id"), ("department", "department_id")):
            got = analyst_queries.breakdown(world_conn, f, by).set_index("key")["n"].sort_index()
            exp = sel.groupby(sel[col].astype(str)).size().sort_index()
            assert got.to_dict() == exp.to_dict(), (f, by)


def test_close_hours_mean_matches_pandas(world_conn, incidents):
    f = filters(incidents)[0]
    sel = brute(incidents, f)
    closed = sel[sel["closed_at"].notna()]
    hours = ((closed["closed_at"] - closed["reported_at"]).dt.total_seconds().round() / 3600)
    got = analyst_queries.breakdown(world_conn, f, "subject").set_index("key")["close_hours_mean"]
    exp = hours.groupby(closed["subject"]).mean()
    assert np.allclose(got.sort_index().to_numpy(float), exp.sort_index().to_numpy(), atol=1e-3)


@pytest.mark.parametrize("bucket,by", [("day", "subject"), ("week", "source"),
                                       ("month", "category"), ("month", "status")])
def test_time_series_matches_pandas(world_conn, incidents, bucket, by):
    col = {"subject": "subject", "source": "source", "category": "category_code",
           "status": "status"}[by]
    for f in filters(incidents)[:5]:
        sel = brute(incidents, f)
        days = pd.to_datetime(sel["day"])
        start = {"day": days, "week": days - pd.to_timedelta(days.dt.day_of_week, unit="D"),
                 "month": days.dt.to_period("M").dt.to_timestamp()}[bucket]
        exp = sel.groupby([start.rename("bucket"), sel[col].rename("key")]).size()
        got = analyst_queries.time_series(world_conn, f, bucket, by).set_index(["bucket", "key"])["n"]
        assert got.to_dict() == exp.to_dict(), (f, bucket, by)


@pytest.mark.parametrize("split_at", [raw.SPLIT_CLOSE_TIMES, 0], ids=["one query", "two connections"])
def test_close_time_percentiles_match_pandas(world_conn, incidents, split_at):
    for f in filters(incidents)[:4]:
        sel = brute(incidents, f)
        closed = sel[sel["closed_at"].notna()]
        hours = (closed["closed_at"] - closed["reported_at"]).dt.total_seconds() / 3600
        groups = hours.groupby(closed["category_code"])
        frame = raw.close_times(world_conn, f, split_at=split_at)
        got = frame.set_index("category_code")
        assert set(got.index) == set(groups.groups)
        assert np.allclose(got["median_h"].sort_index(), groups.median().sort_index())
        assert np.allclose(got["p90_h"].sort_index(), groups.quantile(0.9).sort_index())
        assert (got["n"].sort_index() == groups.size().sort_index()).all()
        assert list(frame.columns) == ["category_code", "name_zh", "name_en", "n", "median_h",
                                       "p90_h"]
        assert list(frame["median_h"]) == sorted(frame["median_h"], reverse=True)


def test_heat_bins_points_table_and_export(world_conn, incidents):
    for f in filters(incidents):
        sel = brute(incidents, f)
        bins = raw.heat_bins(world_conn, f, 0.002)
        assert bins["n"].sum() == len(sel)
        keys = list(zip(np.rint(sel["lon"] / 0.002).astype(int), np.rint(sel["lat"] / 0.002).astype(int)))
        assert len(bins) == len(set(keys))
        assert set(zip(np.rint(bins["lon"] / 0.002).astype(int),
                       np.rint(bins["lat"] / 0.002).astype(int))) == set(keys)
        points = raw.incident_points(world_conn, f, limit=2000)
        if len(sel) > 2000:
            assert points is None
        else:
            assert set(points["id"]) == set(sel["id"])
        assert raw.incident_count(world_conn, f) == len(sel)
        assert len(raw.export_frame(world_conn, f)) == len(sel)


def test_table_pages_are_complete_and_sorted(world_conn, incidents):
    f = filters(incidents)[2]
    sel = brute(incidents, f)
    pages = [raw.incident_page(world_conn, f, s, s + 100, [{"colId": "category", "sort": "asc"}])
             for s in range(0, len(sel) + 100, 100)]
    rows = pd.concat(pages)
    assert sorted(rows["id"]) == sorted(sel["id"]) and rows["id"].is_unique
    assert list(rows["category"]) == sorted(rows["category"])
    newest = raw.incident_page(world_conn, f, 0, 5, [{"colId": "nope; drop", "sort": "asc"}])
    assert list(newest["id"]) == list(sel.sort_values(["reported_at", "id"], ascending=False)["id"][:5])


def test_table_page_is_the_same_whichever_plan(world_conn, incidents):
    for f in (filters(incidents)[2], filters(incidents)[5]):
        for sort in (None, [{"colId": "category", "sort": "asc"}]):
            fetched_first = raw.incident_page(world_conn, f, 20, 70, sort, count=0)
            time_first = raw.incident_page(world_conn, f, 20, 70, sort, count=10 ** 9)
            assert list(fetched_first["id"]) == list(time_first["id"]), (f, sort)


def test_grid_counts_pair_matches_two_grid_counts(world_conn, incidents):
    for f in filters(incidents):
        before = f.shifted(f.days)
        pair = analyst_queries.grid_counts_pair(world_conn, f, before)
        assert list(pair["grid_id"]) == list(analyst_queries.grid_counts(world_conn, f)["grid_id"])
        assert list(pair["n"]) == list(analyst_queries.grid_counts(world_conn, f)["n"]), f
        assert list(pair["n_before"]) == list(analyst_queries.grid_counts(world_conn, before)["n"]), f
        assert pair["n"].sum() == len(brute(incidents, f))


def test_grid_signature_changes_with_the_grids(world_conn):
    first = raw.grid_signature(world_conn)
    assert first == raw.grid_signature(world_conn)
    world_conn.execute(text("""update grids set geom = ST_Multi(ST_Translate(geom, 0.0001, 0))
                               where id = (select min(id) from grids)"""))
    assert raw.grid_signature(world_conn) != first


def test_nearest_cameras_within_200_m_match_brute_force(world_conn, incidents):
    cams = pd.DataFrame(world_conn.execute(text(
        "select id, ST_X(geom) as lon, ST_Y(geom) as lat from cameras")).all())
    geod = Geod(ellps="WGS84")
    checked = 0
    for _, inc in incidents.sample(60, random_state=3).iterrows():
        _, _, dist = geod.inv(np.full(len(cams), inc["lon"]), np.full(len(cams), inc["lat"]),
                              cams["lon"].to_numpy(), cams["lat"].to_numpy())
        near = cams.assign(m=dist)[dist <= 200].sort_values("m")
        got = raw.nearest_cameras(world_conn, int(inc["id"]), 200, k=8)
        # The same cameras at the same distances, in order; two cameras a few centimetres
        # apart in distance may swap (PostGIS' geography and pyproj's geodesic differ by mm).
        metres = cams.assign(m=dist).set_index("id")["m"]
        assert len(got) == min(8, len(near)), inc["id"]
        assert np.allclose(metres.loc[list(got["id"])].to_numpy(),
                           near["m"].to_numpy()[:8], atol=0.05), inc["id"]
        assert got["owner"].notna().all()
        checked += len(got)
    assert checked > 0


def test_triggers_keep_the_rollups_right(world_conn, incidents):
    inc = incidents.iloc[0]
    world_conn.execute(text("""insert into incidents (code, street_id, community_id, grid_id,
        category_code, source, status, reported_at, geom)
        select 'T-ROLLUP-' || g, street_id, community_id, grid_id, category_code, 'app',
               'reported', reported_at, geom from incidents, generate_series(1, 3) g
        where id = :id"""), {"id": int(inc["id"])})
    world_conn.execute(text("""update incidents set status = 'closed', closed_at = reported_at
        + interval '5 hours' where code in ('T-ROLLUP-1', 'T-ROLLUP-2')"""))
    world_conn.execute(text("delete from incidents where code = 'T-ROLLUP-3'"))
    world_conn.execute(text("update incidents set updated_at = now() where id = :id"),
                       {"id": int(inc["id"])})
    snapshot = {}
    for table in ("incident_rollup", "incident_rollup_month", "incident_rollup_street_month",
                  "incident_rollup_grid_month", "incident_rollup_day_kind"):
        snapshot[table] = sorted(world_conn.execute(text(
            f"select * from {table} where n <> 0")).all())
    raw.rebuild_rollups(world_conn)
    for table, rows in snapshot.items():
        assert rows == sorted(world_conn.execute(text(
            f"select * from {table} where n <> 0")).all())
    day = inc["day"]
    f = AnalystFilter(day, day, grid_id=int(inc["grid_id"]), sources=("app",))
    assert analyst_queries.totals(world_conn, f)["n"] == 2 + int(((incidents["day"] == day) & (
        incidents["grid_id"] == inc["grid_id"]) & (incidents["source"] == "app")).sum())
