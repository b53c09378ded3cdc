"""Reading Open311 parameters: the POST form, attribute[...] fields, the GET filters."""
from __future__ import annotations

import math
import re
from datetime import datetime

from werkzeug.datastructures import MultiDict

from workflow.errors import bad_request
from workflow.open311.requests import CONTACT_FIELDS, OPEN311_STATUSES, Open311Post
from workflow.open311.services import parse_datetime

ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,60})\](\[\])?$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}$")
MAX_FIELD = {"address_string": 200, "email": 254, "first_name": 60, "last_name": 60,
             "phone": 30, "device_id": 100, "account_id": 100, "service_code": 20,
             "jurisdiction_id": 60, "address_id": 60}
MAX_LIST = 200


def clean(values: MultiDict) -> MultiDict:
    """400 for text PostgreSQL cannot store (NUL) rather than a failed insert later."""
    for key, value in values.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise bad_request("参数含有非法字符 / a parameter contains a NUL character", key)
    return values


def _text(values: MultiDict, name: str) -> str:
    value = (values.get(name) or "").strip()
    if len(value) > MAX_FIELD.get(name, 4000):
        raise bad_request(f"{name} 过长 / {name} is too long", name)
    return value


def _coordinate(values: MultiDict, *names: str) -> float | None:
    raw = next((values.get(n) for n in names if values.get(n, "").strip()), None)
    if raw is None:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise bad_request(f"{names[0]} 应为数字 / {names[0]} must be a number", names[0]) from None
    if not math.isfinite(number):
        raise bad_request(f"{names[0]} 应为数字 / {names[0]} must be a number", names[0])
    return number


def _attributes(values: MultiDict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in values.keys():
        match = ATTRIBUTE.match(key)
        if match:
            out.setdefault(match.group(1), []).extend(values.getlist(key)[:MAX_LIST])
    return out


def _media_url(values: MultiDict) -> str | None:
    url = (values.get("media_url") or "").strip()
    if not url:
        return None
    if len(url) > 300 or not re.match(r"^https?://[^\s]+$", url):
        raise bad_request("media_url 应为 300 字以内的 http(s) 地址 / media_url must be an "
                          "http(s) URL of at most 300 characters", "media_url")
    return url


def post_request(values: MultiDict) -> Open311Post:
    """The POST requests fields (form-encoded as the spec has them, or in the query)."""
    contact = {name: _text(values, name) for name in CONTACT_FIELDS if _text(values, name)}
    if contact.get("email") and not EMAIL.match(contact["email"]):
        raise bad_request("email 格式错误 / email is not an e-mail address", "email")
    description = values.get("description") or ""
    return Open311Post(
        service_code=_text(values, "service_code"), lat=_coordinate(values, "lat"),
        lon=_coordinate(values, "long", "lon"), address_string=_text(values, "address_string"),
        description=description.strip(), media_url=_media_url(values),
        attributes=_attributes(values), contact=contact)


def comma_list(values: MultiDict, name: str, limit: int = MAX_LIST) -> list[str]:
    """A comma-delimited parameter as a list (empty items dropped)."""
    items = [item.strip() for item in (values.get(name) or "").split(",") if item.strip()]
    if len(items) > limit or any(len(item) > 40 for item in items):
        raise bad_request(f"{name} 过长 / {name} lists too many or too long values", name)
    return items


def list_filters(values: MultiDict) -> dict:
    """GET requests filters: ids, service codes, open/closed, start and end datetimes."""
    statuses = comma_list(values, "status")
    unknown = [s for s in statuses if s not in OPEN311_STATUSES]
    if unknown:
        raise bad_request("status 应为 open 或 closed / status must be open or closed", "status")
    return {"ids": comma_list(values, "service_request_id"),
            "service_codes": comma_list(values, "service_code"), "statuses": statuses,
            "start": _date(values, "start_date"), "end": _date(values, "end_date")}


def _date(values: MultiDict, name: str) -> datetime | None:
    raw = values.get(name)
    return parse_datetime(raw, name) if raw not in (None, "") else None
