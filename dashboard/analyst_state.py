"""The analyst view's state: read from and written to the URL query string, and as a filter."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

from data.models.base import INCIDENT_STATUSES, SOURCES
from data.queries.analyst_filter import AnalystFilter

RANGES = ("today", "7d", "30d", "quarter", "year", "custom")
METRICS = ("count", "rate")
LAYERS = ("heat", "hot", "points")
BUCKETS = ("day", "week", "month")
SERIES_BY = ("subject", "source")
DEFAULTS = {"street": None, "community": None, "grid": None, "range": "30d", "from": None,
            "to": None, "subject": None, "category": None, "sources": [], "statuses": [],
            "department": None, "overdue": False, "metric": "count", "layers": ["hot", "points"],
            "bucket": "day", "by": "subject", "lang": "zh"}
# State key -> URL parameter name (short, readable links).
PARAMS = {"street": "street", "community": "community", "grid": "grid", "range": "range",
          "from": "from", "to": "to", "subject": "subj", "category": "cat", "sources": "src",
          "statuses": "st", "department": "dept", "overdue": "overdue", "metric": "metric",
          "layers": "layers", "bucket": "bucket", "by": "by", "lang": "lang"}
INTS = ("street", "community", "grid", "department")
LISTS = {"sources": SOURCES, "statuses": INCIDENT_STATUSES, "layers": LAYERS}
CHOICES = {"range": RANGES, "metric": METRICS, "bucket": BUCKETS, "by": SERIES_BY,
           "lang": ("zh", "en")}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _code(value: str | None) -> str | None:
    return value if value and value.isalnum() and len(value) <= 8 else None


def _date(value: str | None) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def parse_search(search: str | None, lang: str = "zh") -> dict:
    """The state a query string describes; anything unknown or malformed is the default."""
    raw = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?"), keep_blank_values=True).items()}
    state = {**DEFAULTS, "lang": lang, "layers": list(DEFAULTS["layers"])}
    for key, name in PARAMS.items():
        value = raw.get(name)
        if value is None:
            continue
        if key in INTS:
            state[key] = _int(value)
        elif key in LISTS:
            state[key] = [v for v in value.split(",") if v in LISTS[key]]
        elif key in CHOICES:
            state[key] = value if value in CHOICES[key] else state[key]
        elif key in ("subject", "category"):
            state[key] = _code(value)
        elif key in ("from", "to"):
            state[key] = _date(value)
        elif key == "overdue":
            state[key] = value == "1"
    return state


def to_search(state: dict) -> str:
    """The query string of a state: only what differs from the defaults, in a fixed order."""
    pairs = []
    for key, name in PARAMS.items():
        value = state.get(key, DEFAULTS[key])
        if value == DEFAULTS[key] or value is None or value is False:
            continue
        if key in ("from", "to") and state.get("range") != "custom":
            continue
        if value is True:
            value = "1"
        elif isinstance(value, list):
            value = ",".join(value)
        pairs.append((name, str(value)))
    return ("?" + urlencode(pairs, safe=",")) if pairs else ""


def date_range(state: dict, today: date) -> tuple[date, date]:
    """The inclusive Beijing days a state's period covers."""
    preset = state.get("range") or "30d"
    if preset == "today":
        return today, today
    if preset == "7d":
        return today - timedelta(days=6), today
    if preset == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "year":
        return date(today.year, 1, 1), today
    if preset == "custom" and state.get("from") and state.get("to"):
        start, end = date.fromisoformat(state["from"]), date.fromisoformat(state["to"])
        return (start, end) if start <= end else (end, start)
    return today - timedelta(days=29), today


def to_filter(state: dict, today: date, now: datetime) -> AnalystFilter:
    """The AnalystFilter for a state on a given Beijing day."""
    start, end = date_range(state, today)
    return AnalystFilter(
        date_from=start, date_to=end, street_id=state.get("street"),
        community_id=state.get("community"), grid_id=state.get("grid"),
        category=state.get("category") or state.get("subject"),
        sources=tuple(state.get("sources") or ()), statuses=tuple(state.get("statuses") or ()),
        department_id=state.get("department"), overdue=bool(state.get("overdue")), now=now)


def _row(frame, ident):
    hit = frame[frame["id"] == ident]
    return None if hit.empty else hit.iloc[0]


def cascade(state: dict, changed: str, places: dict, parents: dict[str, str | None]) -> dict:
    """Keep place and category choices consistent after ``changed`` was set."""
    s = dict(state)
    grid = _row(places["grid"], s["grid"]) if s["grid"] is not None else None
    community = _row(places["community"], s["community"]) if s["community"] is not None else None
    if changed == "grid" and grid is not None:
        s["community"], s["street"] = int(grid["community_id"]), int(grid["street_id"])
    elif changed == "community" and community is not None:
        s["street"] = int(community["street_id"])
    if s["community"] is not None:
        community = _row(places["community"], s["community"])
        if community is None or int(community["street_id"]) != s["street"]:
            s["community"] = None
    if s["grid"] is not None:
        grid = _row(places["grid"], s["grid"])
        if grid is None or int(grid["community_id"]) != s["community"]:
            s["grid"] = None
    if changed == "category" and s["category"]:
        s["subject"] = parents.get(s["category"]) or s["subject"]
    if s["category"] and parents.get(s["category"]) != s["subject"]:
        s["category"] = None
    return s


def drill(state: dict, grid_code: str, places: dict) -> dict:
    """A click on a grid of the map: one level further down from where the view is."""
    hit = places["grid"][places["grid"]["code"] == grid_code]
    if hit.empty:
        return state
    g = hit.iloc[0]
    s = dict(state)
    if s["street"] is None:
        s["street"] = int(g["street_id"])
    elif s["community"] is None:
        s.update(street=int(g["street_id"]), community=int(g["community_id"]))
    else:
        s.update(street=int(g["street_id"]), community=int(g["community_id"]), grid=int(g["id"]))
    return s


def climb(state: dict, level: str) -> dict:
    """A breadcrumb click: back up to ``level`` (district, street or community)."""
    s = dict(state)
    drop = {"district": ("street", "community", "grid"), "street": ("community", "grid"),
            "community": ("grid",)}.get(level, ())
    for key in drop:
        s[key] = None
    return s
