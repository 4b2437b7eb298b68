"""Helpers of the workflow, payment and life-event tests: staff actors and valid forms for any item."""

from __future__ import annotations

from typing import Any

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import Actor
from zhizheng.govservices.form_schemas import FormDefinition
from zhizheng.orgs.models import Department, Membership
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.models import LegalPerson, Resident

DETAILS = {
    "SFS-0005": {
        "premises_address": "示范市西城区青山路9号一层",
        "area_m2": 120,
        "business_items": ["热食类食品制售"],
        "food_safety_manager": "王芳",
    },
    "SFS-0020": {"licence_class": "C1", "expires_on": "2027-01-01", "health_declaration": True},
}


def staff(code: str, *roles: str) -> Actor:
    user = accounts_factories.staff()
    for role in roles:
        Membership.objects.create(user=user, department=Department.objects.get(code=code), role=role)
    return actor_for_user(user)


def valid_form(
    definition: FormDefinition, resident: Resident, organisation: LegalPerson | None = None
) -> dict[str, Any]:
    """A form every field of which is valid: the resident (or the organisation) applies, every material given."""
    props = definition.schema["properties"]
    data: dict[str, Any] = {}
    if "applicant_kind" in props:
        data["applicant_kind"] = "legal_person" if organisation is not None else "individual"
    if "person" in props and organisation is None:
        data["person"] = {"name": resident.name, "id_number": resident.id_number, "mobile": "13800138000"}
    if "organisation" in props and (organisation is not None or "person" not in props):
        assert organisation is not None, "this form needs an organisation"
        data["organisation"] = {
            "name": organisation.name,
            "uscc": organisation.uscc,
            "representative": resident.name,
            "contact_mobile": "13800138000",
        }
    data["materials"] = {key: f"upload:{key}" for key in props["materials"]["properties"]}
    for key in props:
        if key.startswith("details"):
            code = definition.item_code if key == "details" else f"SFS-{key[-4:]}"
            data[key] = DETAILS[code]
    if "delivery" in props:
        data["delivery"] = "electronic" if "electronic" in props["delivery"]["enum"] else props["delivery"]["enum"][0]
    data["remarks"] = ""
    return data
