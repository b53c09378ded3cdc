"""Departments and every account of the demo: leaders, operators, chiefs, officers, workers."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from etl.world.names import person_names

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
WORKERS_PER_10K_PEOPLE = 33.0   # ~1,050 workers for 320,000 residents
SHIDUAN = "十段社区"
SHIDUAN_WORKERS = 7             # the report: 丁字沽十段社区 has 7 grid workers


def read_reference(name: str) -> pd.DataFrame:
    """A shipped reference table (departments.csv, categories.csv) as strings."""
    with open(REFERENCE / name, encoding="utf-8") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def departments() -> pd.DataFrame:
    """The 54 departments with ids 1..54 and their parents resolved."""
    frame = read_reference("departments.csv")
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    ids = dict(zip(frame["code"], frame["id"]))
    frame["parent_id"] = frame["parent_code"].map(lambda c: ids.get(c) if c else None)
    frame["service_items"] = frame["service_items"].astype(int)
    return frame.drop(columns="parent_code")


def workers_per_grid(population: np.ndarray, community_names: np.ndarray) -> np.ndarray:
    """1-3 workers a grid, more where more people live; 十段社区 gets exactly 7 in all."""
    target = max(len(population), int(round(population.sum() * WORKERS_PER_10K_PEOPLE / 1e4)))
    counts = np.ones(len(population), dtype=int)
    order = np.argsort(-population, kind="stable")
    extra = target - len(population)
    counts[order[:max(0, min(extra, len(order)))]] += 1
    counts[order[:max(0, extra - len(order))]] += 1
    shiduan = np.flatnonzero(community_names == SHIDUAN)
    if len(shiduan):
        counts[shiduan] = 1
        ranked = shiduan[np.argsort(-population[shiduan], kind="stable")]
        for i in range(SHIDUAN_WORKERS - len(shiduan)):
            counts[ranked[i % len(ranked)]] += 1
    return counts


def _account(rows: list, username: str, role: str, name: str, title: str = "member", **scope):
    rows.append({"username": username, "role": role, "display_name": name, "title": title,
                 "street_id": scope.get("street_id"), "community_id": scope.get("community_id"),
                 "department_id": scope.get("department_id"), "grid_id": scope.get("grid_id")})


def staff_accounts(streets: pd.DataFrame, communities: pd.DataFrame, depts: pd.DataFrame,
                   rng: np.random.Generator) -> list[dict]:
    """Everyone but the grid workers: one row per account, scope columns set by role."""
    rows: list[dict] = []
    dept_id = dict(zip(depts["code"], depts["id"]))
    _account(rows, "admin", "admin", "系统管理员")
    _account(rows, "wall", "wall", "指挥中心大屏")
    for i in range(1, 6):
        _account(rows, f"leader{i}", "district_leader", "", "officer", department_id=dept_id["QZF"])
    for i in range(1, 5):
        _account(rows, f"operator{i}", "operator", "", "officer", department_id=dept_id["WGZX"])
    for i in range(1, 4):
        _account(rows, f"analyst{i}", "analyst", "", "officer", department_id=dept_id["DSJ"])
    for i in range(1, 3):
        _account(rows, f"supervisor{i}", "supervisor", "", "officer", department_id=dept_id["DCS"])
    for _, s in streets.iterrows():
        for title in ("party_secretary", "director"):
            _account(rows, f"s{s['code'][-3:]}_{title.split('_')[-1]}", "street_chief", "",
                     title, street_id=int(s["id"]))
    for _, c in communities.iterrows():
        _account(rows, f"c{c['code'][-6:]}", "community_chief", "", "party_secretary",
                 street_id=int(c["street_id"]), community_id=int(c["id"]))
    for _, d in depts.iterrows():
        if d["kind"] == "functional":
            _account(rows, f"d_{d['code'].lower()}", "dept_officer", "", "officer",
                     department_id=int(d["id"]))
    names = person_names(len(rows), rng)
    for row, name in zip(rows, names):
        row["display_name"] = row["display_name"] or str(name)
    return rows


def worker_accounts(grids: pd.DataFrame, counts: np.ndarray, rng: np.random.Generator) -> list[dict]:
    """Grid workers: gw0001..., each with a primary grid (dense grids share workers)."""
    rows: list[dict] = []
    names = person_names(int(counts.sum()), rng)
    k = 0
    for grid, n in zip(grids.itertuples(), counts):
        for _ in range(int(n)):
            _account(rows, f"gw{k + 1:04d}", "grid_worker", str(names[k]), "member",
                     street_id=int(grid.street_id), community_id=int(grid.community_id),
                     grid_id=int(grid.id))
            k += 1
    return rows
