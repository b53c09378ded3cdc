"""Open311 responses in both formats: JSON, and XML with the spec's element names."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from flask import Response

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# A list's items are named after it, as the spec's XML has them.
ITEM_NAMES = {"services": "service", "attributes": "attribute", "values": "value",
              "service_requests": "request", "errors": "error", "endpoints": "endpoint",
              "formats": "format", "service_request_updates": "request_update"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all (a note typed elsewhere may hold one).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(element.tag, element.tag.rstrip("s"))
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, payload) -> str:
    """The document for ``payload`` under the element ``root`` (a list becomes its items)."""
    element = ET.Element(root)
    _fill(element, payload)
    ET.indent(element)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def render(fmt: str, root: str, payload, status: int = 200,
           headers: dict | None = None) -> Response:
    """``payload`` as JSON (as is) or XML (under ``root``), with the spec's content type."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
    else:
        body = to_xml(root, payload)
    return Response(body, status=status, headers=headers or {},
                    content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["xml"]))


def error(fmt: str, status: int, description: str) -> Response:
    """The spec's error list: [{code, description}] / <errors><error>...</error></errors>."""
    return render(fmt, "errors", [{"code": status, "description": description}], status)
