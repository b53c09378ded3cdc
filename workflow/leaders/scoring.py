"""下考上: a department's score = street evaluation (mean rating) blended with on-time closure."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

STREET_WEIGHT = 0.5     # the report: the streets' ratings are 50% of the annual score


@dataclass(frozen=True)
class DepartmentScore:
    department_id: int
    code: str
    name_zh: str
    name_en: str
    ratings: int                      # how many rated summonses
    street_score: float | None        # mean of the rated summonses, 0-100
    closed: int                       # incidents closed in the period
    on_time: int                      # of those, resolved by the deadline
    on_time_rate: float | None        # 0-1
    performance: float | None         # 0-100
    basis: str                        # "both", "street_only", "on_time_only", "none" or
                                      # "too_little" (below the minimum volume: not ranked)
    rank: int | None = None


def summons_score(timeliness: float, quality: float, attitude: float) -> float:
    """One street's rating of one department for one whistle: the mean of the three."""
    return (timeliness + quality + attitude) / 3.0


def street_evaluation(ratings: Iterable[Sequence[float]]) -> float | None:
    """The mean of a department's rated summonses, or None when nobody rated it."""
    scores = [summons_score(*r) for r in ratings]
    return sum(scores) / len(scores) if scores else None


def on_time_rate(on_time: int, closed: int) -> float | None:
    return on_time / closed if closed else None


def performance(street: float | None, rate: float | None,
                weight: float = STREET_WEIGHT) -> tuple[float | None, str]:
    """weight × street evaluation + (1 − weight) × 100 × on-time rate.

    A department nobody whistled has no street evaluation; it is then scored on its on-time
    rate alone (and vice versa), and ``basis`` says so, rather than being punished with 0.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError("weight must be between 0 and 1")
    if street is not None and rate is not None:
        return weight * street + (1 - weight) * 100.0 * rate, "both"
    if street is not None:
        return street, "street_only"
    if rate is not None:
        return 100.0 * rate, "on_time_only"
    return None, "none"


def department_scores(departments: Sequence[Mapping], ratings: Iterable[Mapping],
                      closures: Mapping[int, tuple[int, int]],
                      weight: float = STREET_WEIGHT, min_volume: int = 0) -> list[DepartmentScore]:
    """Every department's score, ranked best first (unscored departments last, unranked).

    A department whose closures and ratings together number fewer than ``min_volume`` keeps
    its score but is not ranked (basis "too_little"): first place must not rest on a handful
    of closures.

    Parameters
    ----------
    departments : rows with id, code, name_zh, name_en
    ratings : rows with department_id, timeliness, quality, attitude
    closures : department id -> (closed, on_time)
    weight : the street evaluation's share of the performance score
    min_volume : closures plus ratings a department needs in the period to be ranked
    """
    by_dept: dict[int, list] = {}
    for r in ratings:
        by_dept.setdefault(r["department_id"], []).append(
            (r["timeliness"], r["quality"], r["attitude"]))
    out = []
    for d in departments:
        street = street_evaluation(by_dept.get(d["id"], []))
        closed, on_time = closures.get(d["id"], (0, 0))
        rate = on_time_rate(on_time, closed)
        score, basis = performance(street, rate, weight)
        if score is not None and closed + len(by_dept.get(d["id"], [])) < min_volume:
            basis = "too_little"
        out.append(DepartmentScore(d["id"], d["code"], d["name_zh"], d["name_en"],
                                   len(by_dept.get(d["id"], [])), street, closed, on_time,
                                   rate, score, basis))
    return _ranked(out)


def _ranked(scores: list[DepartmentScore]) -> list[DepartmentScore]:
    scored = sorted((s for s in scores if s.performance is not None and s.basis != "too_little"),
                    key=lambda s: (-(s.performance or 0.0), s.code))
    ranked = [DepartmentScore(**{**s.__dict__, "rank": i + 1}) for i, s in enumerate(scored)]
    # Listed apart, below the ranked: too little work to rank, then nothing to score.
    little = sorted((s for s in scores if s.basis == "too_little"),
                    key=lambda s: (-(s.performance or 0.0), s.code))
    return ranked + little + sorted((s for s in scores if s.performance is None),
                                    key=lambda s: s.code)
