"""Application forms generated from the catalogue: a JSON Schema (draft 2020-12) plus UI hints per item, and
server-side validation that reports every problem at once, each on its field, in Chinese and English.

A form has three parts, derived from the item:
* who applies — a person (name, 公民身份号码, mobile, address) and/or an organisation (name, 统一社会信用代码,
  legal representative), by the item's audience; for items serving both, ``applicant_kind`` chooses which;
* one entry per material (``materials.m<order>``): an uploaded file's reference or, once certificates exist, a
  certificate's reference; required materials are required;
* how the result is delivered (when the item has a result), where fully online items may deliver electronically,
  and remarks.
UI hints say the order, the widget, the translated label and, for pre-filling, where the platform already holds
the value (``account.*``, ``registry.*``): the applicant never re-types what the government holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

from zhizheng.core.errors import ValidationFailed
from zhizheng.core.validators import check_id_number, check_uscc
from zhizheng.govservices.choices import OnlineLevel
from zhizheng.govservices.form_tuning import PATTERN_MESSAGES, TUNED
from zhizheng.govservices.models import ServiceItem

MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
REFERENCE_PATTERN = r"^(upload|certificate):[A-Za-z0-9_-]{1,64}$"


class FormInvalid(ValidationFailed):
    code = "govservices.form_invalid"
    message = _("The form has %(count)d problem(s): correct the fields named.")


@dataclass(frozen=True, slots=True)
class FormDefinition:
    """An item's application form: ``schema`` (JSON Schema) validates, ``ui`` lays it out; ``version`` changes
    whenever the schema does (a draft remembers the version it was filled against)."""

    item_code: str
    version: str
    schema: dict[str, Any]
    ui: dict[str, Any]


def _formats() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("cn-id-number")
    def _id_number(value: object) -> bool:
        return not isinstance(value, str) or check_id_number(value).valid

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        if isinstance(value, str) and (len(value) != 10 or dt.date.fromisoformat(value) is None):
            raise ValueError(value)
        return True

    @checker.checks("cn-uscc")
    def _uscc(value: object) -> bool:
        return not isinstance(value, str) or check_uscc(value).valid

    return checker


FORMATS = _formats()


def _text(min_length: int, max_length: int, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **extra}


PERSON = {
    "type": "object",
    "properties": {
        "name": _text(2, 30),
        "id_number": {"type": "string", "format": "cn-id-number"},
        "mobile": {"type": "string", "pattern": MOBILE_PATTERN},
        "address": _text(5, 120),
    },
    "required": ["name", "id_number", "mobile"],
    "additionalProperties": False,
}
ORGANISATION = {
    "type": "object",
    "properties": {
        "name": _text(2, 100),
        "uscc": {"type": "string", "format": "cn-uscc"},
        "representative": _text(2, 30),
        "contact_mobile": {"type": "string", "pattern": MOBILE_PATTERN},
    },
    "required": ["name", "uscc", "representative", "contact_mobile"],
    "additionalProperties": False,
}
PERSON_UI = {
    "name": {"label": _("Full name"), "widget": "text", "prefill": "account.real_name"},
    "id_number": {"label": _("ID number"), "widget": "text", "prefill": "account.id_number"},
    "mobile": {"label": _("Mobile phone"), "widget": "tel", "prefill": "account.phone"},
    "address": {"label": _("Home address"), "widget": "text", "prefill": "registry.resident.household_address"},
}
ORGANISATION_UI = {
    "name": {"label": _("Organisation name"), "widget": "text", "prefill": "account.enterprise_name"},
    "uscc": {"label": _("Unified social credit code"), "widget": "text", "prefill": "account.uscc"},
    "representative": {
        "label": _("Legal representative"),
        "widget": "text",
        "prefill": "registry.legal_person.representative_name",
    },
    "contact_mobile": {"label": _("Contact mobile phone"), "widget": "tel", "prefill": "account.phone"},
}
DELIVERY = ("pickup", "post", "electronic")


def _render(value: Any) -> Any:
    """UI hints with translated labels rendered in the active language (JSON-ready)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_render(v) for v in value]
    return value


def form_definition(item: ServiceItem) -> FormDefinition:
    """The generated form of ``item`` (materials prefetched or not: one query when not)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    ui_fields: dict[str, Any] = {}
    order: list[str] = []
    conditions: list[dict[str, Any]] = []

    if item.for_individuals and item.for_legal_persons:
        properties["applicant_kind"] = {"enum": ["individual", "legal_person"]}
        required.append("applicant_kind")
        ui_fields["applicant_kind"] = {
            "label": _("Who applies"),
            "widget": "radio",
            "choices": {"individual": _("A person"), "legal_person": _("An organisation")},
            "prefill": "account.kind",
        }
        order.append("applicant_kind")
        properties["person"] = PERSON
        properties["organisation"] = ORGANISATION
        conditions.append(
            {
                "if": {"properties": {"applicant_kind": {"const": "legal_person"}}, "required": ["applicant_kind"]},
                "then": {"required": ["organisation"]},
                "else": {"required": ["person"]},
            }
        )
        ui_fields["person"] = {
            "label": _("Applicant"),
            "fields": PERSON_UI,
            "show_if": {"applicant_kind": "individual"},
        }
        ui_fields["organisation"] = {
            "label": _("Applying organisation"),
            "fields": ORGANISATION_UI,
            "show_if": {"applicant_kind": "legal_person"},
        }
        order += ["person", "organisation"]
    elif item.for_legal_persons:
        properties["organisation"] = ORGANISATION
        required.append("organisation")
        ui_fields["organisation"] = {"label": _("Applying organisation"), "fields": ORGANISATION_UI}
        order.append("organisation")
    else:
        properties["person"] = PERSON
        required.append("person")
        ui_fields["person"] = {"label": _("Applicant"), "fields": PERSON_UI}
        order.append("person")

    tuned = TUNED.get(item.code)
    if tuned is not None:
        properties["details"] = tuned["schema"]
        required.append("details")
        ui_fields["details"] = {"label": _("About your application"), "fields": tuned["ui"]}
        order.append("details")

    material_properties: dict[str, Any] = {}
    material_required: list[str] = []
    material_ui: dict[str, Any] = {}
    for material in item.materials.all():
        key = f"m{material.order}"
        material_properties[key] = {"type": "string", "pattern": REFERENCE_PATTERN, "title": material.name}
        if material.required:
            material_required.append(key)
        material_ui[key] = {
            "label": material.name,
            "widget": "file",
            "required": material.required,
            "help": material.note,
            "certificate_type": material.certificate_type,
            "accept": ["application/pdf", "image/jpeg", "image/png"],
        }
    properties["materials"] = {
        "type": "object",
        "properties": material_properties,
        "required": material_required,
        "additionalProperties": False,
    }
    required.append("materials")
    ui_fields["materials"] = {"label": _("Materials"), "fields": material_ui}
    order.append("materials")

    if item.result_name:
        choices = DELIVERY if item.online_level == OnlineLevel.FULL else DELIVERY[:2]
        properties["delivery"] = {"enum": list(choices)}
        required.append("delivery")
        ui_fields["delivery"] = {
            "label": _("How to receive the result"),
            "widget": "radio",
            "choices": {
                "pickup": _("Collect at the service hall"),
                "post": _("By post (EMS)"),
                "electronic": _("Electronically, in my certificates"),
            },
        }
        order.append("delivery")
    properties["remarks"] = _text(0, 500)
    ui_fields["remarks"] = {"label": _("Remarks"), "widget": "textarea"}
    order.append("remarks")

    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": item.name,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if conditions:
        schema["allOf"] = conditions
    canonical = json.dumps(schema, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    version = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    ui = {"order": order, "fields": ui_fields, "tuned": tuned is not None}
    return FormDefinition(item_code=item.code, version=version, schema=schema, ui=ui)


def ui_hints(definition: FormDefinition) -> dict[str, Any]:
    """The UI hints with labels in the active language."""
    rendered: dict[str, Any] = _render(definition.ui)
    return rendered


# --- validation --------------------------------------------------------------------------------------------------

REQUIRED = _("This field is required.")
UNKNOWN = _("This field is not part of the form.")
WRONG_TYPE = _("This value has the wrong type.")
TOO_SHORT = _("Use at least %(limit)d characters.")
TOO_LONG = _("Use at most %(limit)d characters.")
NOT_A_CHOICE = _("Choose one of the options offered.")
MOBILE = _("Enter an 11-digit mainland mobile number, for example 13800138000.")
REFERENCE = _("Upload the file or choose a certificate.")
CONFIRM = _("Tick the box to confirm.")
BAD_DATE = _("Enter a date as YYYY-MM-DD, for example 2026-07-01.")
TOO_SMALL = _("The value must be more than %(limit)s.")
AT_LEAST = _("The value must be at least %(limit)s.")
AT_MOST = _("The value must be at most %(limit)s.")
TOO_FEW = _("Choose or add at least %(limit)d.")
TOO_MANY = _("Choose or add at most %(limit)d.")
REPEATED = _("Each choice may appear only once.")


class _Message(Promise):
    """A lazy message whose parameters are applied when rendered, so it translates per language."""

    def __init__(self, message: str | Promise, params: Mapping[str, Any] | None = None) -> None:
        self.message = message
        self.params = dict(params or {})

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


def _path(parts: Any) -> str:
    return ".".join(str(p) for p in parts)


def _problems(error: SchemaError) -> list[tuple[str, str | Promise]]:
    """(field, message) for one schema error: required and unknown properties name the field itself."""
    where = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return [(_path([*where, missing]), REQUIRED)]
    if kind == "additionalProperties":
        extras = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return [(_path([*where, extra]), UNKNOWN) for extra in extras]
    if kind == "type":
        return [(_path(where), WRONG_TYPE)]
    if kind == "minLength":
        return [
            (
                _path(where),
                REQUIRED if error.validator_value == 1 else _Message(TOO_SHORT, {"limit": error.validator_value}),
            )
        ]
    if kind == "maxLength":
        return [(_path(where), _Message(TOO_LONG, {"limit": error.validator_value}))]
    if kind == "const" and error.validator_value is True:
        return [(_path(where), CONFIRM)]
    if kind in ("enum", "const"):
        return [(_path(where), NOT_A_CHOICE)]
    if kind == "pattern":
        pattern = error.validator_value
        message = MOBILE if pattern == MOBILE_PATTERN else PATTERN_MESSAGES.get(pattern, REFERENCE)
        return [(_path(where), message)]
    limits = {"exclusiveMinimum": TOO_SMALL, "minimum": AT_LEAST, "maximum": AT_MOST, "exclusiveMaximum": AT_MOST}
    if kind in limits:
        return [(_path(where), _Message(limits[kind], {"limit": error.validator_value}))]
    if kind in ("minItems", "maxItems"):
        message = TOO_FEW if kind == "minItems" else TOO_MANY
        return [(_path(where), _Message(message, {"limit": error.validator_value}))]
    if kind == "uniqueItems":
        return [(_path(where), REPEATED)]
    if kind == "format" and error.validator_value == "date":
        return [(_path(where), BAD_DATE)]
    if kind == "format":
        check = check_id_number if error.validator_value == "cn-id-number" else check_uscc
        violation = check(error.instance).violations[0]
        return [(_path(where), _Message(violation.message, violation.params))]
    return [(_path(where), WRONG_TYPE)]


def form_validate(definition: FormDefinition, data: object) -> None:
    """Raise ``FormInvalid`` listing every problem of ``data`` (each under its dotted field path), or return."""
    validator = Draft202012Validator(definition.schema, format_checker=FORMATS)
    field_errors: dict[str, list[str | Promise]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        if error.validator in ("allOf", "if"):
            continue
        for name, message in _problems(error):
            messages = field_errors.setdefault(name or "__all__", [])
            if message not in messages:
                messages.append(message)
    if field_errors:
        count = sum(len(m) for m in field_errors.values())
        raise FormInvalid(params={"count": count}, field_errors=field_errors)
