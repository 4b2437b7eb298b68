"""Generated application forms (JSON Schema + UI hints) and server-side validation listing every problem at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from zhizheng.accounts.models import User
from zhizheng.core.validators import id_number_make, uscc_make
from zhizheng.govservices.form_schemas import FormInvalid, form_definition, form_validate
from zhizheng.govservices.models import ServiceItem

PERSON = {"name": "张伟", "id_number": id_number_make("990102", dt.date(1990, 5, 17), 11),
          "mobile": "13800138000", "address": "示范市东城区人民路1号"}  # fmt: skip
ORGANISATION = {"name": "示范市华兴餐饮管理有限公司", "uscc": uscc_make("9", "1", "990102", "MA000001"),
                "representative": "张伟", "contact_mobile": "13800138000"}  # fmt: skip


FOOD = {"premises_address": "示范市东城区人民路8号", "area_m2": 80, "business_items": ["热食类食品制售"],
        "food_safety_manager": "李娜", "seats": 40}  # fmt: skip


def _materials(item: ServiceItem) -> dict[str, str]:
    return {f"m{m.order}": f"upload:file{m.order}" for m in item.materials.all() if m.required}


def test_every_item_gets_a_form_matching_its_audience_materials_and_result(catalogue: object) -> None:
    for item in ServiceItem.objects.prefetch_related("materials"):
        definition = form_definition(item)
        properties = definition.schema["properties"]
        assert ("person" in properties) == item.for_individuals, item.code
        assert ("organisation" in properties) == item.for_legal_persons, item.code
        assert ("applicant_kind" in properties) == (item.for_individuals and item.for_legal_persons), item.code
        materials = properties["materials"]
        assert sorted(materials["properties"]) == sorted(f"m{m.order}" for m in item.materials.all())
        assert sorted(materials["required"]) == sorted(f"m{m.order}" for m in item.materials.all() if m.required)
        assert ("delivery" in properties) == bool(item.result_name)
        assert definition.ui["order"][-1] == "remarks"


def test_a_valid_application_passes_and_the_version_is_stable(catalogue: object) -> None:
    item = ServiceItem.objects.get(code="SFS-0005")  # food business licence: organisations, fully online
    definition = form_definition(item)
    data = {"organisation": ORGANISATION, "details": FOOD, "materials": _materials(item), "delivery": "electronic"}

    form_validate(definition, data)

    assert form_definition(item).version == definition.version
    item.materials.create(name="新增材料", form="电子文件", required=True, source="申请人自备", order=99)
    assert form_definition(ServiceItem.objects.get(code="SFS-0005")).version != definition.version


def test_every_problem_is_reported_at_once_on_its_field(catalogue: object) -> None:
    item = ServiceItem.objects.get(code="SFS-0005")
    bad_id_person = {**ORGANISATION, "uscc": "91990102MA0000010X", "contact_mobile": "12345", "extra": 1}
    data = {
        "organisation": bad_id_person,
        "details": FOOD,
        "materials": {"m1": "not-a-reference"},
        "delivery": "drone",
    }

    with pytest.raises(FormInvalid) as caught:
        form_validate(form_definition(item), data)

    errors = caught.value.field_errors
    required_materials = sorted(f"materials.m{m.order}" for m in item.materials.all() if m.required and m.order != 1)
    assert sorted(errors) == sorted(
        [
            "delivery",
            "materials.m1",
            *required_materials,
            "organisation.contact_mobile",
            "organisation.extra",
            "organisation.uscc",
        ]
    )
    assert caught.value.status == 422
    assert caught.value.code == "govservices.form_invalid"
    problem = caught.value.as_problem()
    assert problem["errors_en"]["organisation.contact_mobile"] == [
        "Enter an 11-digit mainland mobile number, for example 13800138000."
    ]
    assert problem["errors_en"]["delivery"] == ["Choose one of the options offered."]
    assert problem["errors_en"][required_materials[0]] == ["This field is required."]
    assert problem["errors"]["delivery"] != problem["errors_en"]["delivery"]


def test_items_for_both_audiences_require_the_chosen_applicant(catalogue: object) -> None:
    item = ServiceItem.objects.get(code="SFS-0021")  # vehicle registration: people and organisations
    assert (item.for_individuals, item.for_legal_persons) == (True, True)
    definition = form_definition(item)
    base = {"materials": _materials(item), **({"delivery": "pickup"} if item.result_name else {})}

    form_validate(definition, {**base, "applicant_kind": "individual", "person": PERSON})
    with pytest.raises(FormInvalid) as caught:
        form_validate(definition, {**base, "applicant_kind": "legal_person", "person": PERSON})
    assert sorted(caught.value.field_errors) == ["organisation"]


def test_a_wrong_id_number_names_the_rule_it_breaks(catalogue: object) -> None:
    item = ServiceItem.objects.get(code="SFS-0017")  # residence permit: individuals, generated form only
    number = PERSON["id_number"]
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    data = {
        "person": {**PERSON, "id_number": wrong},
        "materials": _materials(item),
        **({"delivery": "pickup"} if item.result_name else {}),
    }

    with pytest.raises(FormInvalid) as caught:
        form_validate(form_definition(item), data)

    assert list(caught.value.field_errors) == ["person.id_number"]
    assert "check" in caught.value.as_problem()["errors_en"]["person.id_number"][0].lower()


def test_form_api_gives_the_schema_and_validates(catalogue: object, client: Client) -> None:
    form = client.get("/api/v1/services/items/SFS-0005/form", HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200
    body = form.json()
    assert body["item"] == "SFS-0005"
    assert body["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert body["ui"]["fields"]["organisation"]["fields"]["uscc"] == {
        "label": "Unified social credit code",
        "widget": "text",
        "prefill": "account.uscc",
    }
    item = ServiceItem.objects.get(code="SFS-0005")
    ok = client.post(
        "/api/v1/services/items/SFS-0005/form/validate",
        {"organisation": ORGANISATION, "details": FOOD, "materials": _materials(item), "delivery": "post"},
        content_type="application/json",
    )
    assert ok.json() == {"valid": True, "version": body["version"]}
    bad = client.post("/api/v1/services/items/SFS-0005/form/validate", {}, content_type="application/json")
    assert bad.status_code == 422
    assert sorted(bad.json()["errors"]) == ["delivery", "details", "materials", "organisation"]
    assert client.get("/api/v1/services/items/SFS-9999/form").status_code == 404


def test_every_form_is_a_valid_json_schema_and_ten_are_hand_tuned(catalogue: object) -> None:
    tuned = []
    for item in ServiceItem.objects.prefetch_related("materials"):
        definition = form_definition(item)
        Draft202012Validator.check_schema(definition.schema)
        if definition.ui["tuned"]:
            tuned.append(item.code)
            assert definition.ui["order"].index("details") < definition.ui["order"].index("materials")
    assert len(tuned) == 10


BIRTH = {"child_name": "王小明", "child_sex": "male", "child_birth_on": "2026-06-01",
         "birth_certificate_number": "Q990012345", "applicant_relation": "mother"}  # fmt: skip


def _birth_data(item: ServiceItem, **details: object) -> dict[str, object]:
    return {"person": PERSON, "details": {**BIRTH, **details}, "materials": _materials(item), "delivery": "pickup"}


def test_a_tuned_form_accepts_good_details_and_names_each_bad_one(catalogue: object) -> None:
    item = ServiceItem.objects.get(code="SFS-0013")
    definition = form_definition(item)
    form_validate(definition, _birth_data(item))
    data = _birth_data(item, child_birth_on="2026-02-30", birth_certificate_number="12345", applicant_relation="uncle")
    del data["details"]["child_sex"]  # type: ignore[attr-defined]

    with pytest.raises(FormInvalid) as caught:
        form_validate(definition, data)

    problem = caught.value.as_problem()
    assert problem["errors_en"] == {
        "details.applicant_relation": ["Choose one of the options offered."],
        "details.birth_certificate_number": [
            "A birth certificate number is a capital letter and nine digits, for example Q990012345."
        ],
        "details.child_birth_on": ["Enter a date as YYYY-MM-DD, for example 2026-07-01."],
        "details.child_sex": ["This field is required."],
    }
    assert problem["errors"]["details.child_sex"] == ["此字段为必填项。"]
    assert problem["detail_en"] == "The form has 4 problem(s): correct the fields named."


def test_company_and_marriage_forms_check_numbers_lists_and_declarations(catalogue: object) -> None:
    company = ServiceItem.objects.get(code="SFS-0001")
    details = {"company_name": "华兴科技", "registered_address": "示范市高新区科技路1号", "registered_capital_wan": 0,
               "business_scope": "软件开发；信息技术咨询服务", "shareholders": []}  # fmt: skip
    with pytest.raises(FormInvalid) as caught:
        form_validate(
            form_definition(company),
            {"organisation": ORGANISATION, "details": details, "materials": _materials(company), "delivery": "post"},
        )
    assert caught.value.as_problem()["errors_en"] == {
        "details.company_name": ["A company name ends with 有限公司 or 有限责任公司."],
        "details.registered_capital_wan": ["The value must be more than 0."],
        "details.shareholders": ["Choose or add at least 1."],
    }

    marriage = ServiceItem.objects.get(code="SFS-0026")
    partner = {"partner_name": "李娜", "partner_id_number": PERSON["id_number"], "appointment_on": "2026-08-08"}
    data = {"person": PERSON, "materials": _materials(marriage), "delivery": "pickup"}
    form_validate(form_definition(marriage), {**data, "details": {**partner, "declaration": True}})
    with pytest.raises(FormInvalid) as caught:
        form_validate(form_definition(marriage), {**data, "details": {**partner, "declaration": False}})
    assert caught.value.as_problem()["errors_en"] == {"details.declaration": ["Tick the box to confirm."]}


def test_the_form_is_prefilled_from_the_signed_in_account_only(catalogue: object, client: Client) -> None:
    assert client.get("/api/v1/services/items/SFS-0017/form").json()["prefill"] == {}
    citizen = User.objects.create_user(
        username="form-citizen", password="x", kind="citizen", real_name="张伟", id_number=PERSON["id_number"],
        phone="13800138000",
    )  # fmt: skip
    client.force_login(citizen)

    body = client.get("/api/v1/services/items/SFS-0017/form").json()

    assert body["prefill"] == {"person": {"name": "张伟", "id_number": PERSON["id_number"], "mobile": "13800138000"}}
    agent = User.objects.create_user(
        username="form-agent", password="x", kind="agent", real_name="李娜", phone="13900139000",
        uscc=ORGANISATION["uscc"], enterprise_name=ORGANISATION["name"],
    )  # fmt: skip
    client.force_login(agent)
    both = client.get("/api/v1/services/items/SFS-0021/form").json()["prefill"]
    assert both["applicant_kind"] == "legal_person"
    assert both["organisation"] == {
        "name": ORGANISATION["name"],
        "uscc": ORGANISATION["uscc"],
        "contact_mobile": "13900139000",
    }
