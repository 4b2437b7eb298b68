"""GeoReport v2 documents in XML (the required format) and JSON, and the specification's error lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ElementTree.Element, tag: str, value: Any, item_tags: Mapping[str, str]) -> None:
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(element, key, inner, item_tags)
    elif isinstance(value, list | tuple):
        child = item_tags.get(tag, tag.rstrip("s"))
        for inner in value:
            _append(element, child, inner, item_tags)
    else:
        element.text = _text(value)


# The element name of each item inside a list element (Spark convention, as in the specification's examples).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def xml_document(root: str, content: Any) -> bytes:
    """``<?xml …?><root>…</root>`` for a list (items named by ``ITEM_TAGS``) or a mapping."""
    element = ElementTree.Element(root)
    if isinstance(content, Mapping):
        for key, value in content.items():
            _append(element, key, value, ITEM_TAGS)
    else:
        item = ITEM_TAGS[root]
        for value in content:
            _append(element, item, value, ITEM_TAGS)
    body = ElementTree.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, content: Any, *, status: int = 200) -> HttpResponse:
    """The document in the requested format; JSON is the bare list or object, XML wraps it in ``root``."""
    import json

    if fmt == "json":
        return HttpResponse(json.dumps(content, ensure_ascii=False), content_type=JSON_TYPE, status=status)
    return HttpResponse(xml_document(root, content), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, descriptions: Sequence[str]) -> HttpResponse:
    """The specification's error list: ``[{code, description}]`` with the HTTP status as the code."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
