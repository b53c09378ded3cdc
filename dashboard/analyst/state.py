"""The analyst view's state: read from and written to the URL query string, and as a filter."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

from data.models.base import INCIDENT_STATUSES, SOURCES
from data.queries.analyst_filter import AnalystFilter

RANGES = ("today", "7d", "30d", "90d", "quarter", "year", "custom")
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
# Days a custom range may name, and how long it may be (longer ones are cut, with a note).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_RANGE_DAYS = 3 * 365 + 1
MAX_ID = 2**31 - 1


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 10:
            return None
        value = int(value)
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None


def _code(value) -> str | None:
    return value if isinstance(value, str) and value.isalnum() and len(value) <= 8 else None


def _date(value) -> str | None:
    """An ISO day, brought within FIRST_DAY..LAST_DAY (so "1995-01-01" or "9999-12-31" ask
    for the longest range there is, which date_range then cuts, with a note); None if it is
    not a day at all.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return min(max(day, FIRST_DAY), LAST_DAY).isoformat()


def _list(value, allowed: tuple[str, ...]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    out = []
    for item in items:
        if isinstance(item, str) and item in allowed and item not in out:
            out.append(item)
    return out


def _typed(key: str, value, default):
    """One state value read strictly (from the URL's text or the browser's store)."""
    if key in INTS:
        return _int(value)
    if key in LISTS:
        return _list(value, LISTS[key])
    if key in CHOICES:
        return value if isinstance(value, str) and value in CHOICES[key] else default
    if key in ("subject", "category"):
        return _code(value)
    if key in ("from", "to"):
        return _date(value)
    if key == "overdue":
        return value is True or value == "1"
    return default


def parse_search(search: str | None, lang: str = "zh") -> dict:
    """The state a query string describes; anything unknown or malformed is the default."""
    raw = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?"), keep_blank_values=True).items()}
    state = {**DEFAULTS, "lang": lang, "layers": list(DEFAULTS["layers"])}
    for key, name in PARAMS.items():
        value = raw.get(name)
        if value is not None:
            state[key] = _typed(key, value, state[key])
    return state


def clean_state(state) -> dict | None:
    """A state as the browser's store sent it, every key typed and within its choices
    (a forged callback may send anything); None when it is not a state at all.
    """
    if not isinstance(state, dict):
        return None
    out = {**DEFAULTS, "layers": list(DEFAULTS["layers"])}
    for key in PARAMS:
        if key in state:
            out[key] = _typed(key, state[key], out[key])
    return out


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
    if preset == "90d":
        return today - timedelta(days=89), today
    if preset == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "year":
        return date(today.year, 1, 1), today
    if preset == "custom" and _date(state.get("from")) and _date(state.get("to")):
        start, end = sorted((date.fromisoformat(state["from"]), date.fromisoformat(state["to"])))
        return max(start, end - timedelta(days=MAX_RANGE_DAYS - 1)), end
    return today - timedelta(days=29), today


def range_cut(state: dict) -> bool:
    """True when the custom range asked for is longer than MAX_RANGE_DAYS (and was cut)."""
    if state.get("range") != "custom" or not (_date(state.get("from")) and _date(state.get("to"))):
        return False
    start, end = sorted((date.fromisoformat(state["from"]), date.fromisoformat(state["to"])))
    return (end - start).days + 1 > MAX_RANGE_DAYS


def to_filter(state: dict, today: date, now: datetime, scope: dict | None = None) -> AnalystFilter:
    """The AnalystFilter for a state on a given Beijing day, within the reader's ``scope``
    (workflow.analyst_scope: street_id, community_id or department_id).
    """
    start, end = date_range(state, today)
    scope = scope or {}
    return AnalystFilter(
        scope_street_id=scope.get("street_id"), scope_community_id=scope.get("community_id"),
        scope_department_id=scope.get("department_id"),
        scope_district_code=scope.get("district_code"),
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
