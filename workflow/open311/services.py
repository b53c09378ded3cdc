"""Open311 services: our level-2 categories as services, their definitions and attributes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from data import directory
from data.open311_store import attribute_rows
from workflow.errors import bad_request

# Matters about vulnerable residents (elderly living alone, disabled, hardship) are never
# offered publicly: a request would be listed to anyone with its place and text. Residents
# reach them through the hotline or their community.
NOT_PUBLIC = frozenset({"0501", "0502", "0503"})
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
MAX_LENGTH = {"string": 200, "text": 2000}
KEYWORDS = {
    "0101": "井盖,路面,坑洞,护栏,pothole,manhole", "0102": "垃圾,卫生,rubbish,litter",
    "0103": "树木,绿地,tree,grass", "0104": "违建,illegal building",
    "0105": "摊贩,占道,street vendor", "0106": "路灯,street light",
    "0107": "积水,下水道,flooding,drain", "0202": "噪声,扰民,noise",
    "0402": "燃气,煤气,gas", "0403": "危房,裂缝,dangerous building",
}


@dataclass(frozen=True)
class Attribute:
    code: str
    order: int
    datatype: str
    required: bool
    variable: bool
    description: str
    datatype_description: str
    values: tuple[tuple[str, str], ...] = ()


def _attribute(row: dict) -> Attribute:
    values = tuple(tuple(item.split(":", 1)) for item in row["values"].split("|") if item)
    if row["datatype"] not in DATATYPES:
        raise ValueError(f"unknown Open311 datatype {row['datatype']!r}")
    return Attribute(code=row["code"], order=int(row["order"]), datatype=row["datatype"],
                     required=row["required"] == "true", variable=row["variable"] == "true",
                     description=row["description"],
                     datatype_description=row["datatype_description"], values=values)


def attributes_by_service(rows: list[dict] | None = None) -> dict[str, list[Attribute]]:
    """Each service code's attributes in order (from data/reference/open311_attributes.csv)."""
    out: dict[str, list[Attribute]] = {}
    for row in rows if rows is not None else attribute_rows():
        out.setdefault(row["service_code"], []).append(_attribute(row))
    return {code: sorted(attrs, key=lambda a: a.order) for code, attrs in out.items()}


def services(conn: Connection, attributes: dict[str, list[Attribute]]) -> list[dict]:
    """Every level-2 category as an Open311 service (the subject is its group)."""
    rows = directory.categories(conn)
    subjects = {r["code"]: r for r in rows if r["level"] == 1}
    out = []
    for row in rows:
        if row["level"] != 2 or row["code"] in NOT_PUBLIC or not row["public"]:
            continue
        group = subjects.get(row["parent_code"])
        out.append({
            "service_code": row["code"], "service_name": row["name_zh"],
            "description": f"{row['name_zh']} / {row['name_en']}: 派遣后 {row['deadline_hours']}"
                           f" 小时内处置 / handled within {row['deadline_hours']} hours of dispatch",
            "metadata": bool(attributes.get(row["code"])),
            "type": "realtime", "keywords": KEYWORDS.get(row["code"], ""),
            "group": group["name_zh"] if group else ""})
    return out


def service(conn: Connection, code: str) -> dict | None:
    """The category behind a service code when it is a public service (level 2, not one
    of NOT_PUBLIC), else None.
    """
    if not isinstance(code, str) or len(code) > 8 or code in NOT_PUBLIC:
        return None
    row = directory.category(conn, code)
    return row if row and row["level"] == 2 and row["public"] else None


def hidden_codes(conn: Connection) -> list[str]:
    """Categories Open311 never shows: 0501-0503, and those the administration keeps off."""
    return sorted(NOT_PUBLIC | {r["code"] for r in directory.categories(conn) if not r["public"]})


def definition(code: str, attributes: dict[str, list[Attribute]]) -> dict:
    """The service definition: its attributes as the spec lists them."""
    out = []
    for a in attributes.get(code, []):
        item = {"variable": a.variable, "code": a.code, "datatype": a.datatype,
                "required": a.required, "datatype_description": a.datatype_description,
                "order": a.order, "description": a.description}
        if a.values:
            item["values"] = [{"key": k, "name": n} for k, n in a.values]
        out.append(item)
    return {"service_code": code, "attributes": out}


def check_attributes(given: dict[str, list[str]], attrs: list[Attribute]) -> dict:
    """The attribute values of a POST, checked against the service's definition (400 when
    a required one is missing or a value does not fit its datatype). Unknown codes are
    ignored: clients such as FixMyStreet send extra attributes of their own.
    """
    out: dict = {}
    for a in attrs:
        if not a.variable:
            continue
        values = [v for v in given.get(a.code, []) if v.strip()]
        if not values:
            if a.required:
                raise bad_request(f"缺少必填属性 attribute[{a.code}] / attribute[{a.code}] is "
                                  "required", a.code)
            continue
        out[a.code] = _checked(a, values)
    return out


def _checked(a: Attribute, values: list[str]):
    keys = {k for k, _ in a.values}
    if a.datatype == "multivaluelist":
        if any(v not in keys for v in values):
            raise bad_request(f"attribute[{a.code}] 的取值无效 / invalid value", a.code)
        return sorted(set(values))
    value = values[-1].strip()
    if a.datatype == "singlevaluelist" and value not in keys:
        raise bad_request(f"attribute[{a.code}] 的取值无效 / invalid value", a.code)
    if a.datatype == "number":
        try:
            number = float(value)
        except ValueError:
            raise bad_request(f"attribute[{a.code}] 应为数字 / must be a number", a.code) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise bad_request(f"attribute[{a.code}] 应为数字 / must be a number", a.code)
        return number
    if a.datatype == "datetime":
        parse_datetime(value, f"attribute[{a.code}]")
    if len(value) > MAX_LENGTH.get(a.datatype, 200):
        raise bad_request(f"attribute[{a.code}] 过长 / too long", a.code)
    return value


def parse_datetime(value: str, name: str) -> datetime:
    """A W3C/ISO 8601 datetime with a time zone (Z or ±hh:mm); 400 otherwise."""
    text = (value or "").strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        moment = None
    if (moment is None or moment.tzinfo is None or "T" not in text.upper()
            or not 1970 <= moment.year <= 2100):
        raise bad_request(f"{name} 应为带时区的 ISO 8601 时间 / {name} must be an ISO 8601 "
                          "datetime with a time zone, e.g. 2026-11-26T10:00:00+08:00", name)
    return moment
