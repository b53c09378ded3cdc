"""JSON Schemas of GeoReport v2 written from the spec, a small validator, and XML → data.

jsonschema is not installed here, so this validates the subset of JSON Schema the schemas
use (type, required, properties, additionalProperties, items, enum, pattern, minItems).
XML is parsed with ElementTree, checked for the spec's element names, turned into the same
shape as the JSON, and validated against the same schemas (leaf values are text there).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"
STR = {"type": "string"}


def obj(required: dict, optional: dict | None = None) -> dict:
    return {"type": "object", "required": list(required),
            "properties": {**required, **(optional or {})}, "additionalProperties": False}


SERVICE = obj({"service_code": STR, "service_name": STR, "description": STR,
               "metadata": {"type": "boolean"},
               "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
               "keywords": STR, "group": STR})
SERVICES = {"type": "array", "items": SERVICE}
VALUE = obj({"key": STR, "name": STR})
ATTRIBUTE = obj({"variable": {"type": "boolean"}, "code": STR,
                 "datatype": {"type": "string", "enum": ["string", "number", "datetime", "text",
                                                         "singlevaluelist", "multivaluelist"]},
                 "required": {"type": "boolean"}, "datatype_description": STR,
                 "order": {"type": "integer"}, "description": STR},
                {"values": {"type": "array", "items": VALUE}})
SERVICE_DEFINITION = obj({"service_code": STR, "attributes": {"type": "array", "items": ATTRIBUTE}})
POST_RESPONSE = {"type": "array", "minItems": 1, "items": obj(
    {"service_request_id": STR}, {"token": STR, "service_notice": STR, "account_id": STR})}
TOKEN_RESPONSE = {"type": "array", "minItems": 1,
                  "items": obj({"token": STR}, {"service_request_id": STR})}
DATETIME_S = {"type": "string", "pattern": DATETIME}
REQUEST = obj({
    "service_request_id": STR, "status": {"type": "string", "enum": ["open", "closed"]},
    "status_notes": STR, "service_name": STR, "service_code": STR, "description": STR,
    "agency_responsible": STR, "service_notice": STR, "requested_datetime": DATETIME_S,
    "updated_datetime": DATETIME_S,
    "expected_datetime": {"type": "string", "pattern": DATETIME[:-1] + "|^$"},
    "address": STR, "address_id": STR, "zipcode": STR, "lat": {"type": "number"},
    "long": {"type": "number"}, "media_url": STR})
SERVICE_REQUESTS = {"type": "array", "items": REQUEST}
ERRORS = {"type": "array", "minItems": 1,
          "items": obj({"code": {"type": "integer"}, "description": STR})}
ENDPOINT = obj({"specification": STR, "url": STR, "changeset": DATETIME_S,
                "type": {"type": "string", "enum": ["production", "test"]},
                "formats": {"type": "array", "items": {
                    "type": "string", "enum": ["text/xml", "application/json"]}}})
DISCOVERY = obj({"changeset": DATETIME_S, "contact": STR, "key_service": STR,
                 "endpoints": {"type": "array", "minItems": 1, "items": ENDPOINT}})

# mySociety's servicerequestupdates extension (FixMyStreet's extended statuses).
UPDATE = obj({"update_id": STR, "service_request_id": STR,
              "status": {"type": "string", "enum": [
                  "open", "investigating", "action_scheduled", "in_progress", "fixed",
                  "closed", "duplicate", "no_further_action"]},
              "updated_datetime": DATETIME_S, "description": STR, "media_url": STR})
SERVICE_REQUEST_UPDATES = {"type": "array", "items": UPDATE}

# XML: the root element of each resource and the element name of a list's items.
ROOTS = {"services": SERVICES, "service_definition": SERVICE_DEFINITION,
         "service_requests": SERVICE_REQUESTS, "errors": ERRORS, "discovery": DISCOVERY,
         "service_request_updates": SERVICE_REQUEST_UPDATES}
LIST_ITEMS = {"services": "service", "attributes": "attribute", "values": "value",
              "service_requests": "request", "errors": "error", "endpoints": "endpoint",
              "formats": "format", "service_request_updates": "request_update"}


def _type_ok(kind: str, value, xml: bool) -> bool:
    if xml and isinstance(value, str):
        return {"string": True, "number": bool(re.match(r"^-?\d+(\.\d+)?$", value)),
                "integer": bool(re.match(r"^-?\d+$", value)),
                "boolean": value in ("true", "false")}.get(kind, False)
    return {"string": isinstance(value, str), "object": isinstance(value, dict),
            "array": isinstance(value, list), "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "null": value is None}[kind]


def errors(schema: dict, value, path: str = "$", xml: bool = False) -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it is valid)."""
    kind = schema.get("type")
    if kind and not _type_ok(kind, value, xml):
        return [f"{path}: expected {kind}, got {value!r}"[:200]]
    out = []
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if kind == "array":
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than {schema['minItems']} items")
        for i, item in enumerate(value):
            out += errors(schema.get("items", {}), item, f"{path}[{i}]", xml)
    if kind == "object":
        props = schema.get("properties", {})
        out += [f"{path}: missing {name}" for name in schema.get("required", ())
                if name not in value]
        if schema.get("additionalProperties") is False:
            out += [f"{path}: unexpected {name}" for name in value if name not in props]
        for name, item in value.items():
            if name in props:
                out += errors(props[name], item, f"{path}.{name}", xml)
    return out


def assert_valid(schema: dict, value, xml: bool = False) -> None:
    found = errors(schema, value, xml=xml)
    assert not found, found[:5]


def xml_to_data(element: ET.Element):
    """An element as the JSON would have it: lists for list elements (checking their items'
    names), objects for elements with children, text for leaves.
    """
    if element.tag in LIST_ITEMS:
        items = list(element)
        wrong = [c.tag for c in items if c.tag != LIST_ITEMS[element.tag]]
        assert not wrong, f"<{element.tag}> holds {wrong}"
        return [xml_to_data(c) for c in items]
    children = list(element)
    if children:
        return {c.tag: xml_to_data(c) for c in children}
    return element.text or ""


def parse_xml(body: bytes, root: str):
    """Parse a response body, check the declaration and the root element, return its data."""
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:60]
    element = ET.fromstring(body)
    assert element.tag == root, element.tag
    return xml_to_data(element)


def check(response, root: str, status: int = 200, schema: dict | None = None):
    """The response's data in either format, checked against the resource's schema."""
    schema = schema or ROOTS[root]
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    if response.mimetype == "application/json":
        assert response.content_type == "application/json; charset=utf-8"
        data = response.get_json()
        assert_valid(schema, data)
        return data
    assert response.content_type == "text/xml; charset=utf-8", response.content_type
    data = parse_xml(response.get_data(), root)
    assert_valid(schema, data, xml=True)
    return data
