"""COPY writers: the binary path for fixed-width tables and the text path agree with the data."""
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import text

from data.bulk import CopyWriter
from data.bulk_binary import binary_body, binary_ready
from data.positions import ensure_partition, local_day
from etl.world.frames import with_point
from tests import factories as f
from tests.clock import SESSION_NOW


def positions_frame(w, start, n):
    times = pd.to_datetime([start + timedelta(seconds=10 * k) for k in range(n)], utc=True)
    return with_point(pd.DataFrame({
        "device_id": w["device"], "user_id": w["user"], "grid_id": w["grid"],
        "device_time": times, "server_time": times + pd.Timedelta(seconds=1),
        "speed_mps": np.linspace(0.0, 1.5, n), "accuracy_m": 7.5,
        "battery": np.arange(n, dtype=np.int64) % 100,
        "lon": 117.105 + np.arange(n) * 1e-5, "lat": 39.155 - np.arange(n) * 1e-5}))


def test_fixed_width_rows_go_as_binary_and_read_back_exactly(conn):
    ids = f.hierarchy(conn)
    w = {**f.patrol_worker(conn, ids["grid"], "walker", "phone-b"), "grid": ids["grid"]}
    start = SESSION_NOW.replace(microsecond=123000) - timedelta(hours=1)
    ensure_partition(conn, local_day(start))
    ensure_partition(conn, local_day(start + timedelta(hours=1)))
    frame = positions_frame(w, start, 50)
    with CopyWriter(conn) as writer:
        assert binary_ready(frame, writer._types["positions"])
        assert writer.copy("positions", frame, chunk_rows=20) == 50
    rows = conn.execute(text(
        "select device_time, server_time, speed_mps, accuracy_m, battery, grid_id, "
        "ST_X(geom), ST_Y(geom), flagged, district_code from positions "
        "where device_id = :d order by device_time"), {"d": w["device"]}).all()
    assert len(rows) == 50
    assert rows[0][0] == start and rows[0][1] == start + timedelta(seconds=1)
    assert rows[49][2] == 1.5 and rows[3][3] == 7.5 and rows[49][4] == 49
    assert rows[49][6] == 117.105 + 49e-5 and rows[49][7] == 39.155 - 49e-5
    assert rows[0][8] is False and rows[0][9] == "120106"


def test_rows_with_too_many_layouts_fall_back_to_text_copy(conn, monkeypatch):
    ids = f.hierarchy(conn)
    w = {**f.patrol_worker(conn, ids["grid"], "walker", "phone-t"), "grid": ids["grid"]}
    start = SESSION_NOW.replace(microsecond=0) - timedelta(minutes=30)
    ensure_partition(conn, local_day(start))
    frame = positions_frame(w, start, 3)
    frame["speed_mps"] = [1.0, None, 2.0]
    monkeypatch.setattr("data.bulk_binary.MAX_LAYOUTS", 1)
    with CopyWriter(conn) as writer:
        assert binary_body(frame, writer._types["positions"]) is None
        writer.copy("positions", frame)
    speeds = conn.execute(text("select speed_mps from positions where device_id = :d "
                               "order by device_time"), {"d": w["device"]}).scalars().all()
    assert speeds == [1.0, None, 2.0]


PROBE = """create table bulk_probe (id int8 primary key, n int4, s int2, x float8, ok bool,
    at timestamptz, word varchar(20), note text, geom geometry(Point, 4326))"""


def probe_frame():
    at = pd.Timestamp("2026-11-26 01:02:03", tz="UTC")
    return with_point(pd.DataFrame({
        "id": np.arange(1, 7),
        "n": pd.array([1, None, 3, None, 5, 6], dtype="Int64"),
        "s": [1, 2, 3, 4, 5, 6],
        "x": [0.1, np.nan, 2.5, 1e-9, -3.0, 4.0],
        "ok": pd.array([True, False, None, True, False, True], dtype="boolean"),
        "at": [at, pd.NaT, at + pd.Timedelta(days=400), at, at, at],
        "word": ["街道", None, "", "tab\there", "back\\slash", "新\n行"],
        "note": ["已受理", "已受理", None, "", "结案", "结案"],
        "lon": [117.1, 117.2, 117.3, 117.4, 117.5, 117.6],
        "lat": [39.1, 39.2, 39.3, 39.4, 39.5, 39.6]}))


def test_nulls_text_and_odd_characters_survive_binary_copy_like_text_copy(conn):
    from data.bulk import copy_frame

    conn.execute(text(PROBE))
    frame = probe_frame()
    with CopyWriter(conn) as writer:
        assert binary_ready(frame, writer._types["bulk_probe"])
        writer.copy("bulk_probe", frame, chunk_rows=4)
    binary_rows = conn.execute(text("select n, s, x, ok, at, word, note, ST_AsText(geom) "
                                    "from bulk_probe order by id")).all()
    conn.execute(text("truncate bulk_probe"))
    copy_frame(conn, "bulk_probe", frame)
    text_rows = conn.execute(text("select n, s, x, ok, at, word, note, ST_AsText(geom) "
                                  "from bulk_probe order by id")).all()
    assert binary_rows == text_rows
    assert binary_rows[1][0] is None and binary_rows[1][2] is None and binary_rows[2][3] is None
    assert binary_rows[3][5] == "tab\there" and binary_rows[5][5] == "新\n行"
    assert binary_rows[2][5] == "" and binary_rows[2][6] is None
    assert binary_rows[5][7] == "POINT(117.6 39.6)"
