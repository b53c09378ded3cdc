"""88 whistles over the year, all closed, a few second whistles, and the 丁字沽 garden case."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

WHISTLES_PER_YEAR = 88
SECOND_WHISTLES = 5
# Categories a street cannot solve alone and so whistles for.
MATTERS = {
    "0103": "绿地长期失管", "0104": "违章建设屡拆屡建", "0107": "雨后积水排水不畅",
    "0201": "工地扬尘扰民", "0303": "群租房安全隐患", "0403": "老旧楼房危险部位",
    "0405": "沿街商户生产安全隐患", "0505": "弃管小区物业缺位", "0102": "垃圾堆积无人清运",
}
HELPERS = ("CGW", "CGZF", "ZJW", "STHJ", "GA", "FWGL", "SCJG", "YJGL")
GARDEN = dict(matter="2003年地铁项目遗留约2000平方米废弃地块整治",
              feedback="城管委报到并落实资金，园林所清理栽植，建成口袋公园（投资约80万元），"
                       "吹哨后20余天开园。", departments=("CGW", "CGW-YL"), days=22)


@dataclass
class WhistleTables:
    whistles: list = field(default_factory=list)
    links: list = field(default_factory=list)
    summons: list = field(default_factory=list)
    events: list = field(default_factory=list)

    def frames(self) -> dict[str, pd.DataFrame]:
        out = {name: pd.DataFrame(getattr(self, name)) for name in
               ("whistles", "links", "summons", "events")}
        for name in ("summons", "events"):
            out[name].insert(0, "id", np.arange(1, len(out[name]) + 1))
        return out


@dataclass
class Staff:
    chiefs_by_street: dict[int, list[int]]
    leaders: list[int]
    dept_ids: dict[str, int]
    category_dept: dict[str, str]


def _pick(incidents: pd.DataFrame, dingzigu_id: int, rng) -> tuple[pd.DataFrame, int]:
    old = incidents["reported_at"] < incidents["reported_at"].max() - np.timedelta64(60, "D")
    pool = incidents[incidents["category_code"].isin(list(MATTERS)) & old
                     & (incidents["status"] == "closed")]
    garden = pool[(pool["street_id"] == dingzigu_id) & (pool["category_code"] == "0103")].index[0]
    rest = pool.drop(index=garden)
    n = WHISTLES_PER_YEAR - SECOND_WHISTLES - 1
    chosen = pd.concat([pool.loc[[garden]], rest.iloc[rng.choice(len(rest), n, replace=False)]])
    return chosen.sort_values("reported_at"), garden


def whistles(incidents: pd.DataFrame, staff: Staff, dingzigu_id: int,
             rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Whistles with their incident links, summoned parties (rated) and event log."""
    chosen, garden = _pick(incidents, dingzigu_id, rng)
    escalate = set(rng.choice([i for i in chosen.index if i != garden], SECOND_WHISTLES,
                              replace=False).tolist())
    out = WhistleTables()
    for idx, inc in chosen.iterrows():
        is_garden = idx == garden
        reported = pd.Timestamp(inc["reported_at"]).tz_localize("UTC").to_pydatetime()
        blown = reported + timedelta(days=int(rng.integers(2, 10)), hours=int(rng.integers(0, 6)))
        parties = (list(GARDEN["departments"]) if is_garden else
                   [staff.category_dept[inc["category_code"]]]
                   + rng.choice([h for h in HELPERS if h != staff.category_dept[inc["category_code"]]],
                                int(rng.integers(0, 3)), replace=False).tolist())
        chief = int(rng.choice(staff.chiefs_by_street[int(inc["street_id"])]))
        matter = GARDEN["matter"] if is_garden else f"{inc['address']}{MATTERS[inc['category_code']]}"
        days = 30 if is_garden else int(rng.integers(7, 31))
        first = _blow(out, inc, chief, matter, blown, days, 1, None, staff, parties, [], rng,
                      GARDEN["days"] if is_garden else None, idx in escalate)
        if is_garden:
            first["feedback"] = GARDEN["feedback"]
        if idx in escalate:
            _escalate(out, first, inc, chief, matter, staff, parties, rng)
    return out.frames()


def _blow(out, inc, chief, matter, blown, days, level, parent, staff, parties, leaders, rng,
          done_days=None, unsatisfied=False) -> dict:
    wid = len(out.whistles) + 1
    meeting = (blown + timedelta(days=1)).replace(hour=1, minute=0, second=0)  # 09:00 Beijing
    row = {"id": wid, "code": f"WS{blown:%Y%m%d}{wid:03d}", "street_id": int(inc["street_id"]),
           "blown_by_id": chief, "level": level, "parent_id": parent, "matter": matter,
           "description": f"{matter}：街道多次协调未果，吹哨召集职能部门现场会办。",
           "meeting_at": meeting, "meeting_place": f"{inc['address']}现场", "blown_at": blown,
           "deadline": blown + timedelta(days=days), "status": "closed",
           "lon": inc["lon"], "lat": inc["lat"], "feedback": "问题已解决，结果已反馈居民。"}
    out.whistles.append(row)
    out.links.append({"whistle_id": wid, "incident_id": int(inc["id"])})
    _event(out, wid, blown, chief, "blow" if level == 1 else "second_whistle", None, matter)
    done = []
    for party in [("dept", staff.dept_ids[p]) for p in parties] + [("leader", u) for u in leaders]:
        done.append(_summons(out, row, party, meeting, days, done_days, unsatisfied, chief, rng))
    row["completed_at"] = max(done)
    row["closed_at"] = row["completed_at"] + timedelta(days=1, hours=int(rng.integers(0, 20)))
    _event(out, wid, row["closed_at"], chief, "close", None, row["feedback"])
    return row


def _summons(out, row, party, meeting, days, done_days, unsatisfied, chief, rng) -> datetime:
    kind, who = party
    ack = row["blown_at"] + timedelta(minutes=float(rng.lognormal(np.log(90), 0.6)))
    arrived = meeting + timedelta(minutes=float(rng.normal(-10, 8)))
    share = done_days / days if done_days else float(np.clip(rng.beta(5, 3), 0.2, 1.15))
    completed = row["blown_at"] + timedelta(days=days * share, hours=float(rng.uniform(0, 8)))
    score = (lambda: int(np.clip(rng.normal(68 if unsatisfied else 89, 6), 50, 100)))
    rated = completed + timedelta(days=1)
    dept = who if kind == "dept" else None
    out.summons.append({"whistle_id": row["id"], "department_id": dept,
                        "leader_id": who if kind == "leader" else None,
                        "acknowledged_at": ack, "arrived_at": max(arrived, ack),
                        "completed_at": completed, "rating_timeliness": score(),
                        "rating_quality": score(), "rating_attitude": score(),
                        "rated_at": rated, "rated_by_id": chief})
    actor = who if kind == "leader" else None
    for at, action in ((ack, "report_in"), (max(arrived, ack), "arrive"), (completed, "complete")):
        _event(out, row["id"], at, actor, action, dept, "")
    _event(out, row["id"], rated, chief, "rate", dept, "")
    return completed


def _escalate(out, first, inc, chief, matter, staff, parties, rng) -> None:
    """The street is not satisfied: a level-2 whistle that also summons a district leader."""
    blown = first["deadline"] + timedelta(days=1)
    _event(out, first["id"], blown, chief, "escalate", None, "街道不满意，吹响二次哨")
    second = _blow(out, inc, chief, f"{matter}（二次哨）", blown, 15, 2, first["id"], staff,
                   parties, [int(rng.choice(staff.leaders))], rng)
    first["closed_at"] = second["closed_at"]
    first["feedback"] = "二次哨后区领导报到，问题解决。"


def _event(out, wid, at, actor, action, dept, note) -> None:
    out.events.append({"whistle_id": wid, "at": at, "actor_id": actor, "action": action,
                       "department_id": dept, "note": note})
