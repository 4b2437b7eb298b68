"""The combined form of a life event (一表申请): the union of its items' generated forms, each field asked once.

* who applies (person / organisation / ``applicant_kind``): shared by every item;
* materials: one entry per distinct document across the items (``materials.k<n>``): the same certificate type, or
  else the same name; required when any item requires it; each item gets its own ``materials.m<order>`` back;
* each hand-tuned item's ``details`` section as ``details_<code>`` (they differ per item);
* delivery: the choices every item with a result accepts; remarks once.

The result has the shape of an item's ``FormDefinition``, so the pages' field rendering and post parsing and the
validator serve it unchanged. ``project`` turns a combined answer into each item's own form."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhizheng.govservices.form_schemas import FormDefinition, FormInvalid, form_definition, form_validate
from zhizheng.govservices.models import LifeEvent, ServiceItem

SHARED = ("applicant_kind", "person", "organisation")


@dataclass(frozen=True)
class CombinedForm:
    definition: FormDefinition
    items: list[ServiceItem]
    material_keys: dict[str, dict[str, str]]
    """item code -> {the item's own key (m3): the combined key (k2)}."""


def _details_key(code: str) -> str:
    return f"details_{code.replace('-', '')}"


def combined_form(event: LifeEvent) -> CombinedForm:
    """The combined form of ``event`` over the items of all its stages (stages prefetched or not)."""
    items: list[ServiceItem] = []
    for stage in sorted(event.stages.all(), key=lambda s: s.order):
        for item in sorted(stage.items.all(), key=lambda i: i.code):
            if item not in items:
                items.append(item)
    definitions = [form_definition(item) for item in items]
    properties: dict[str, Any] = {}
    required: list[str] = []
    ui_fields: dict[str, Any] = {}
    order: list[str] = []
    conditions: list[Any] = []
    for definition in definitions:
        for key in SHARED:
            if key in definition.schema["properties"] and key not in properties:
                properties[key] = definition.schema["properties"][key]
                ui_fields[key] = definition.ui["fields"][key]
                order.append(key)
                if key in definition.schema["required"]:
                    required.append(key)
        for condition in definition.schema.get("allOf", []):
            if condition not in conditions:
                conditions.append(condition)
    if "applicant_kind" in properties:  # items of both audiences decide; the others must not force a section
        required = [key for key in required if key not in ("person", "organisation")]
    material_properties: dict[str, Any] = {}
    material_required: list[str] = []
    material_ui: dict[str, Any] = {}
    by_name: dict[str, str] = {}
    material_keys: dict[str, dict[str, str]] = {}
    for item, definition in zip(items, definitions, strict=True):
        section = definition.schema["properties"]["materials"]
        mapping: dict[str, str] = {}
        hints = definition.ui["fields"]["materials"]["fields"]
        for key, material in section["properties"].items():
            # The same certificate (居民身份证 …) is one document whatever each item calls it; others match by name.
            name = hints[key].get("certificate_type") or material["title"]
            combined = by_name.get(name)
            if combined is None:
                combined = by_name[name] = f"k{len(by_name) + 1}"
                material_properties[combined] = material
                material_ui[combined] = definition.ui["fields"]["materials"]["fields"][key]
            if key in section["required"] and combined not in material_required:
                material_required.append(combined)
            mapping[key] = combined
        material_keys[item.code] = mapping
        if "details" in definition.schema["properties"]:
            details = _details_key(item.code)
            properties[details] = definition.schema["properties"]["details"]
            required.append(details)
            ui_fields[details] = {
                "label": f"{item.name}",
                "fields": definition.ui["fields"]["details"]["fields"],
            }
            order.append(details)
    properties["materials"] = {
        "type": "object",
        "properties": material_properties,
        "required": material_required,
        "additionalProperties": False,
    }
    required.append("materials")
    ui_fields["materials"] = {"label": _("Materials"), "fields": material_ui}
    order.append("materials")
    deliveries = [
        set(d.schema["properties"]["delivery"]["enum"]) for d in definitions if "delivery" in d.schema["properties"]
    ]
    if deliveries:
        common = [c for c in ("pickup", "post", "electronic") if all(c in d for d in deliveries)]
        properties["delivery"] = {"enum": common}
        required.append("delivery")
        ui_fields["delivery"] = next(d.ui["fields"]["delivery"] for d in definitions if "delivery" in d.ui["fields"])
        order.append("delivery")
    properties["remarks"] = definitions[0].schema["properties"]["remarks"] if definitions else {"type": "string"}
    ui_fields["remarks"] = {"label": _("Remarks"), "widget": "textarea"}
    order.append("remarks")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": event.name,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if conditions:
        schema["allOf"] = conditions
    canonical = json.dumps(schema, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    version = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    ui = {"order": order, "fields": ui_fields, "tuned": any(d.ui.get("tuned") for d in definitions)}
    return CombinedForm(
        definition=FormDefinition(item_code=event.code, version=version, schema=schema, ui=ui),
        items=items,
        material_keys=material_keys,
    )


def project(form: CombinedForm, item: ServiceItem, data: dict[str, Any]) -> dict[str, Any]:
    """The item's own form from the combined answer."""
    own = form_definition(item)
    props = own.schema["properties"]
    out: dict[str, Any] = {key: data[key] for key in SHARED if key in props and key in data}
    materials = data.get("materials") or {}
    out["materials"] = {
        key: materials[combined] for key, combined in form.material_keys[item.code].items() if combined in materials
    }
    if "details" in props and _details_key(item.code) in data:
        out["details"] = data[_details_key(item.code)]
    if "delivery" in props and "delivery" in data:
        out["delivery"] = data["delivery"]
    out["remarks"] = data.get("remarks", "")
    return out


def combined_validate(form: CombinedForm, data: object) -> None:
    """Every problem at once: the combined schema's, then each item's own (named by the combined field)."""
    form_validate(form.definition, data)
    assert isinstance(data, dict)  # the schema requires an object
    problems: dict[str, list[Any]] = {}
    for item in form.items:
        try:
            form_validate(form_definition(item), project(form, item, data))
        except FormInvalid as exc:
            back = dict(form.material_keys[item.code].items())
            for path, messages in exc.field_errors.items():
                head, _dot, rest = path.partition(".")
                if head == "materials" and rest in back:
                    path = f"materials.{back[rest]}"
                elif head == "details":
                    path = f"{_details_key(item.code)}.{rest}" if rest else _details_key(item.code)
                for message in messages:
                    if message not in problems.setdefault(path, []):
                        problems[path].append(message)
    if problems:
        raise FormInvalid(params={"count": sum(len(m) for m in problems.values())}, field_errors=problems)
