"""Hand-tuned parts of the application forms of the ten items people use most: what only that item needs to know
(the ``details`` section). The generated parts (applicant, materials, delivery) stay as ``form_schemas`` makes
them. Each entry is JSON Schema plus UI hints; the patterns used here name their own error messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATE = {"type": "string", "format": "date"}
COMPANY_NAME = r"^\S{2,46}(有限公司|有限责任公司)$"
BIRTH_CERTIFICATE = r"^[A-Z][0-9]{9}$"
BANK_ACCOUNT = r"^[0-9]{12,19}$"
PHOTO_RECEIPT = r"^[0-9A-Z]{8,20}$"

PATTERN_MESSAGES: dict[str, str | Promise] = {
    COMPANY_NAME: _("A company name ends with 有限公司 or 有限责任公司."),
    BIRTH_CERTIFICATE: _("A birth certificate number is a capital letter and nine digits, for example Q990012345."),
    BANK_ACCOUNT: _("A bank account number has 12 to 19 digits."),
    PHOTO_RECEIPT: _("Enter the receipt number printed on the photo receipt (8 to 20 letters or digits)."),
}


def _text(low: int, high: int) -> dict[str, Any]:
    return {"type": "string", "minLength": low, "maxLength": high}


def _choice(values: Mapping[str, str | Promise]) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"enum": list(values)}, {"widget": "select", "choices": values}


FOOD_ITEMS = [
    "预包装食品销售",
    "散装食品销售",
    "热食类食品制售",
    "冷食类食品制售",
    "生食类食品制售",
    "糕点类食品制售",
    "自制饮品制售",
]
DRIVING_CLASSES = ["A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "D", "E", "F", "M", "N", "P"]


def _section(fields: dict[str, tuple[dict[str, Any], dict[str, Any]]], required: list[str]) -> dict[str, Any]:
    return {
        "schema": {
            "type": "object",
            "properties": {name: schema for name, (schema, _ui) in fields.items()},
            "required": required,
            "additionalProperties": False,
        },
        "ui": {name: ui for name, (_schema, ui) in fields.items()},
    }


def _labelled(schema: dict[str, Any], label: str | Promise, **ui: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return schema, {"label": label, "widget": ui.pop("widget", "text"), **ui}


def _select(values: Mapping[str, str | Promise], label: str | Promise) -> tuple[dict[str, Any], dict[str, Any]]:
    schema, ui = _choice(values)
    return schema, {"label": label, **ui}


REASONS_ID = {"expiry": _("Validity ended"), "loss": _("Lost"), "damage": _("Damaged"), "change": _("Details changed")}
REASONS_PASSPORT = {
    "first": _("First passport"),
    "expired": _("Validity ended"),
    "pages_full": _("No pages left"),
    "lost": _("Lost"),
    "damaged": _("Damaged"),
}
SEXES = {"male": _("Male"), "female": _("Female")}
GUARDIANS = {"father": _("Father"), "mother": _("Mother"), "other": _("Other guardian")}
MEDICAL_REASONS = {
    "long_term_residence": _("Living there for the long term"),
    "posted": _("Posted there by the employer"),
    "temporary": _("Temporary stay"),
    "referral": _("Referred for treatment"),
}
CONFIRM = {"const": True}


TUNED: dict[str, dict[str, Any]] = {
    "SFS-0001": _section(
        {
            "company_name": _labelled({"type": "string", "pattern": COMPANY_NAME}, _("Company name")),
            "registered_address": _labelled(_text(5, 120), _("Registered address")),
            "registered_capital_wan": _labelled(
                {"type": "number", "exclusiveMinimum": 0, "maximum": 10_000_000},
                _("Registered capital (10,000 yuan)"),
                widget="number",
            ),
            "business_scope": _labelled(_text(5, 500), _("Business scope"), widget="textarea"),
            "shareholders": _labelled(
                {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 50,
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": _text(2, 50),
                            "contribution_wan": {"type": "number", "exclusiveMinimum": 0},
                        },
                        "required": ["name", "contribution_wan"],
                        "additionalProperties": False,
                    },
                },
                _("Shareholders and their contributions (10,000 yuan)"),
                widget="table",
            ),
        },
        ["company_name", "registered_address", "registered_capital_wan", "business_scope", "shareholders"],
    ),
    "SFS-0004": _section(
        {
            "trade_name": _labelled(_text(2, 30), _("Trade name")),
            "business_address": _labelled(_text(5, 120), _("Business address")),
            "business_scope": _labelled(_text(5, 300), _("Business scope"), widget="textarea"),
            "organisation_form": _select(
                {"individual": _("Run by one person"), "family": _("Run by a family")}, _("Form of business")
            ),
        },
        ["trade_name", "business_address", "business_scope", "organisation_form"],
    ),
    "SFS-0005": _section(
        {
            "premises_address": _labelled(_text(5, 120), _("Premises address")),
            "area_m2": _labelled(
                {"type": "number", "minimum": 1, "maximum": 100_000}, _("Floor area (m²)"), widget="number"
            ),
            "business_items": _labelled(
                {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": FOOD_ITEMS}},
                _("Food business items"),
                widget="checkboxes",
                choices={item: item for item in FOOD_ITEMS},
            ),
            "food_safety_manager": _labelled(_text(2, 30), _("Food safety manager")),
            "seats": _labelled({"type": "integer", "minimum": 0, "maximum": 5000}, _("Seats"), widget="number"),
        },
        ["premises_address", "area_m2", "business_items", "food_safety_manager"],
    ),
    "SFS-0013": _section(
        {
            "child_name": _labelled(_text(1, 30), _("Child's name")),
            "child_sex": _select(SEXES, _("Child's sex")),
            "child_birth_on": _labelled(DATE, _("Child's date of birth"), widget="date"),
            "birth_certificate_number": _labelled(
                {"type": "string", "pattern": BIRTH_CERTIFICATE}, _("Birth medical certificate number")
            ),
            "applicant_relation": _select(GUARDIANS, _("You are the child's")),
        },
        ["child_name", "child_sex", "child_birth_on", "birth_certificate_number", "applicant_relation"],
    ),
    "SFS-0016": _section(
        {
            "reason": _select(REASONS_ID, _("Why a new card")),
            "photo_receipt": _labelled({"type": "string", "pattern": PHOTO_RECEIPT}, _("Photo receipt number")),
        },
        ["reason", "photo_receipt"],
    ),
    "SFS-0020": _section(
        {
            "licence_class": _select({c: c for c in DRIVING_CLASSES}, _("Licence class")),
            "expires_on": _labelled(DATE, _("Current licence valid until"), widget="date"),
            "health_declaration": _labelled(CONFIRM, _("I declare that I am fit to drive"), widget="checkbox"),
        },
        ["licence_class", "expires_on", "health_declaration"],
    ),
    "SFS-0023": _section(
        {
            "reason": _select(REASONS_PASSPORT, _("Why a passport")),
            "destination": _labelled(_text(0, 60), _("Where you plan to travel")),
            "departure_on": _labelled(DATE, _("Planned departure"), widget="date"),
            "urgent": _labelled({"type": "boolean"}, _("Urgent (travel within 7 working days)"), widget="checkbox"),
        },
        ["reason"],
    ),
    "SFS-0026": _section(
        {
            "partner_name": _labelled(_text(2, 30), _("Partner's name")),
            "partner_id_number": _labelled({"type": "string", "format": "cn-id-number"}, _("Partner's ID number")),
            "appointment_on": _labelled(DATE, _("Preferred registration day"), widget="date"),
            "declaration": _labelled(
                CONFIRM, _("We both declare that we are unmarried and not closely related"), widget="checkbox"
            ),
        },
        ["partner_name", "partner_id_number", "appointment_on", "declaration"],
    ),
    "SFS-0053": _section(
        {
            "destination_province": _labelled(_text(2, 20), _("Province where you will be treated")),
            "reason": _select(MEDICAL_REASONS, _("Why you are there")),
            "start_on": _labelled(DATE, _("From"), widget="date"),
        },
        ["destination_province", "reason", "start_on"],
    ),
    "SFS-0138": _section(
        {
            "bank_account": _labelled(
                {"type": "string", "pattern": BANK_ACCOUNT}, _("Your bank account (for the money)")
            ),
            "monthly_rent_yuan": _labelled(
                {"type": "number", "minimum": 1, "maximum": 100_000}, _("Monthly rent (yuan)"), widget="number"
            ),
            "lease_start_on": _labelled(DATE, _("Lease starts"), widget="date"),
            "no_own_home": _labelled(CONFIRM, _("I declare that I own no home in this city"), widget="checkbox"),
        },
        ["bank_account", "monthly_rent_yuan", "lease_start_on", "no_own_home"],
    ),
}
