"""Reading requests and writing responses for the JSON API: typed fields, times, paging."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import jsonify, request

from api.errors import ApiError
from workflow.clock import in_calendar

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def json_body() -> dict:
    """The request's JSON object (an empty body counts as {}); 400 for anything else."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "请求体须为 JSON 对象 / the body must be a JSON object")
    return body


def field(body: dict, name: str, kind: type | tuple, required: bool = False, default=None):
    """One field of a JSON body, type-checked (bools are not numbers here)."""
    if name not in body or body[name] is None:
        if required:
            raise ApiError(400, "missing_field", f"缺少字段 {name} / {name} is required", name)
        return default
    value = body[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise ApiError(400, "invalid_type", f"{name} 类型错误 / {name} has the wrong type", name)
    if not isinstance(value, kinds):
        raise ApiError(400, "invalid_type", f"{name} 类型错误 / {name} has the wrong type", name)
    return float(value) if float in kinds and isinstance(value, int) else value


def text_field(body: dict, name: str, required: bool = False, default: str = "") -> str:
    return field(body, name, str, required, default)


def time_field(body: dict, name: str, required: bool = False) -> datetime | None:
    """An ISO 8601 time with a zone; naive or malformed times are refused (400)."""
    raw = field(body, name, str, required)
    return parse_time(raw, name) if raw is not None else None


def parse_time(raw: str, name: str) -> datetime:
    """An ISO 8601 time with a zone, within 2000..2100; 400 naming ``name`` otherwise."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ApiError(400, "invalid_time", f"{name} 须为 ISO 8601 时间 / {name} must be an "
                       "ISO 8601 time", name) from None
    if value.tzinfo is None:
        raise ApiError(400, "invalid_time", f"{name} 须带时区 / {name} needs a time zone", name)
    if not in_calendar(value):
        raise ApiError(400, "invalid_time", f"{name} 须在 2000 至 2100 年之间 / {name} must lie "
                       "between 2000 and 2100", name)
    return value


def list_field(body: dict, name: str, kind: type, required: bool = False) -> tuple:
    """A JSON array whose items are all of ``kind``."""
    value = field(body, name, list, required, [])
    if not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
        raise ApiError(400, "invalid_type", f"{name} 的元素类型错误 / {name} has items of the "
                       "wrong type", name)
    return tuple(value)


def query_int(name: str, default: int | None = None, low: int = 1,
              high: int = 10**9) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_type", f"{name} 须为整数 / {name} must be an integer",
                       name) from None
    if not low <= value <= high:
        raise ApiError(400, "out_of_range", f"{name} 超出范围 / {name} is out of range", name)
    return value


def query_bool(name: str) -> bool:
    raw = (request.args.get(name) or "").strip().lower()
    if raw in ("",) + FALSE:
        return False
    if raw in TRUE:
        return True
    raise ApiError(400, "invalid_type", f"{name} 须为 true/false / {name} must be true or false",
                   name)


def query_list(name: str) -> list[str]:
    """A comma-separated query parameter (also repeated parameters) as a list."""
    out: list[str] = []
    for raw in request.args.getlist(name):
        out.extend(part.strip() for part in raw.split(",") if part.strip())
    return out


def query_date(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_date", f"{name} 须为 YYYY-MM-DD / {name} must be YYYY-MM-DD",
                       name) from None
    if not in_calendar(day):
        raise ApiError(400, "invalid_date", f"{name} 须在 2000-01-01 至 2100-12-31 之间 / {name} "
                       "must lie between 2000-01-01 and 2100-12-31", name)
    return day


def jsonable(value):
    """Datetimes as ISO 8601 with their offset, decimals as floats, recursively."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def respond(body, status: int = 200, headers: dict | None = None):
    response = jsonify(jsonable(body))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
