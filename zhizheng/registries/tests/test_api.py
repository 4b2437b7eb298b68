"""The registries API: masked reads with a purpose, logged; registrations by the right registrars; the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhizheng.ledger.models import Entry
from zhizheng.registries.models import LegalPerson, RegistryAccess, Resident
from zhizheng.registries.tests import factories
from zhizheng.registries.tests.conftest import client_for, household_head

pytestmark = pytest.mark.django_db


_client = client_for
_parent = household_head


def test_reads_are_masked_need_a_purpose_and_are_logged(people: dict[str, Any]) -> None:
    person = factories.resident(name="陈小静")
    police = _client(people["police"])
    url = f"/api/v1/registries/residents/{person.id_number}"

    masked = police.get(url, {"purpose": "law_enforcement"})
    no_purpose = police.get(url)
    unmasked = police.post(f"{url}/disclose", {"purpose": "law_enforcement"}, content_type="application/json")
    citizen = _client(people["citizen"]).get(url, {"purpose": "service_handling"})
    anonymous = _client(None).get(url, {"purpose": "service_handling"})

    assert (masked.status_code, masked.json()["name"], masked.json()["masked"]) == (200, "陈**", True)
    assert person.id_number not in masked.content.decode()
    assert (no_purpose.status_code, no_purpose.json()["code"]) == (403, "registries.purpose_required")
    assert (unmasked.status_code, unmasked.json()["name"]) == (200, "陈小静")
    assert (citizen.status_code, anonymous.status_code) == (404, 401)
    assert list(RegistryAccess.objects.order_by("id").values_list("purpose", "outcome", "unmasked")) == [
        ("law_enforcement", "granted", False),
        ("", "denied", False),
        ("law_enforcement", "granted", True),
        ("service_handling", "denied", False),
    ]


def test_resident_list_is_paged_with_a_query_ceiling(people: dict[str, Any], django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _index in range(4):
        factories.resident()
    client = _client(people["police"])
    client.get("/api/v1/registries/residents", {"purpose": "statistics", "limit": 1})  # warm the session

    with django_assert_max_num_queries(12):
        page = client.get("/api/v1/registries/residents", {"purpose": "statistics", "limit": 3}).json()
    too_big = client.get("/api/v1/registries/residents", {"purpose": "statistics", "limit": 1000})

    assert (page["count"], len(page["items"])) == (4, 3)
    assert too_big.status_code == 422


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("citizen", 403), ("civil", 403), ("market", 403), ("police", 201)],
)
def test_birth_registration_matrix(people: dict[str, Any], who: str, status: int) -> None:
    parent = _parent()
    body = {"name": "陈小雨", "sex": "female", "birth_on": "2026-01-15", "parent_id_number": parent.id_number}

    response = _client(people[who]).post("/api/v1/registries/births", body, content_type="application/json")

    assert response.status_code == status
    assert Resident.objects.count() == (2 if status == 201 else 1)
    if status == 201:
        assert response.json()["name"] == "陈**"
        assert response.json()["household_number"] == "990103000001"


def test_registration_errors_are_problems_in_chinese_and_english(people: dict[str, Any]) -> None:
    him = factories.resident(name="赵磊", male=True, born=dt.date(1995, 1, 1))
    her = factories.resident(name="钱丽", born=dt.date(1996, 1, 1))
    civil = _client(people["civil"])
    body = {"first_id_number": him.id_number, "second_id_number": her.id_number}

    first = civil.post("/api/v1/registries/marriages", body, content_type="application/json")
    again = civil.post("/api/v1/registries/marriages", body, content_type="application/json")
    same = civil.post(
        "/api/v1/registries/marriages",
        {"first_id_number": him.id_number, "second_id_number": him.id_number},
        content_type="application/json",
    )
    police_death = _client(people["police"]).post(
        "/api/v1/registries/deaths",
        {"id_number": him.id_number, "died_on": "not a date"},
        content_type="application/json",
    )

    assert first.status_code == 204
    assert (again.status_code, again.json()["code"]) == (409, "registries.record_state_conflict")
    assert "already married" in again.json()["detail_en"]
    assert "已经" in again.json()["detail"]
    assert (same.status_code, list(same.json()["errors"])) == (422, ["second_id_number"])
    assert (police_death.status_code, list(police_death.json()["errors"])) == (422, ["died_on"])
    assert Entry.objects.count() == 2


def test_legal_person_registration_through_the_api(people: dict[str, Any]) -> None:
    boss = factories.resident(born=dt.date(1980, 1, 1))
    market = _client(people["market"])
    body = {
        "name": "示范市青禾餐饮有限公司",
        "type": "limited_company",
        "representative_id_number": boss.id_number,
        "registered_capital_fen": 50_000_000,
        "business_scope": "餐饮服务",
        "address": "示范市南湖区湖滨路8号",
        "district_code": "990104",
    }

    created = market.post("/api/v1/registries/legal-persons", body, content_type="application/json")
    uscc = created.json()["uscc"]
    changed = market.patch(
        f"/api/v1/registries/legal-persons/{uscc}",
        {"address": "示范市南湖区湖滨路10号"},
        content_type="application/json",
    )
    refused = _client(people["police"]).post(
        f"/api/v1/registries/legal-persons/{uscc}/deregistration",
        {"reason": "无权注销"},
        content_type="application/json",
    )
    cancelled = market.post(
        f"/api/v1/registries/legal-persons/{uscc}/deregistration",
        {"reason": "股东决议解散"},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert created.json()["legal_representative"].endswith("*")
    assert (changed.status_code, changed.json()["address"]) == (200, "示范市南湖区湖滨路10号")
    assert refused.status_code == 403
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "deregistered")
    assert LegalPerson.objects.get().status == "deregistered"


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("citizen", 403), ("police", 403), ("market", 403), ("auditor", 200)]
)
def test_access_log_matrix(people: dict[str, Any], who: str, status: int) -> None:
    person = factories.resident()
    _client(people["police"]).get(f"/api/v1/registries/residents/{person.id_number}", {"purpose": "law_enforcement"})

    listing = _client(people[who]).get("/api/v1/registries/access-log", {"record": person.id_number})
    export = _client(people[who]).get("/api/v1/registries/access-log/export")
    changes = _client(people[who]).get(f"/api/v1/registries/changes/resident/{person.pk}")

    assert (listing.status_code, export.status_code, changes.status_code) == (status, status, status)
    if status == 200:
        assert listing.json()["count"] == 1
        assert listing.json()["items"][0]["purpose"] == "law_enforcement"
        text = export.content.decode("utf-8-sig")
        assert (
            text.splitlines()[0] == "accessed_at,actor_ref,purpose,subject_kind,subject_id,fields,unmasked,outcome,via"
        )
        assert f",law_enforcement,resident,{person.pk}," in text
        assert export["Content-Disposition"] == 'attachment; filename="registry-access-log.csv"'


LOOKUP = "/api/v1/registries/residents/lookup"


def _lookup(client, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(LOOKUP, body, content_type="application/json")


def test_lookup_by_body_is_masked_needs_a_purpose_and_is_logged(people: dict[str, Any]) -> None:
    person = factories.resident(name="陈小静")
    police = _client(people["police"])

    masked = _lookup(police, {"id_number": person.id_number.lower(), "purpose": "law_enforcement"})
    no_purpose = _lookup(police, {"id_number": person.id_number})
    unknown = _lookup(police, {"id_number": "110101199003070000", "purpose": "law_enforcement"})

    assert (masked.status_code, masked.json()["name"], masked.json()["masked"]) == (200, "陈**", True)
    assert person.id_number not in masked.content.decode()
    assert (no_purpose.status_code, no_purpose.json()["code"]) == (403, "registries.purpose_required")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "core.not_found")
    assert list(RegistryAccess.objects.order_by("id").values_list("subject_id", "purpose", "outcome", "via")) == [
        (person.pk, "law_enforcement", "granted", "lookup"),
        (person.pk, "", "denied", "lookup"),
    ]


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("citizen", 404), ("civil", 403), ("police", 200), ("auditor", 200)]
)
def test_lookup_matrix(people: dict[str, Any], who: str, status: int) -> None:
    person = factories.resident()
    purpose = "audit" if who == "auditor" else "law_enforcement"

    response = _lookup(_client(people[who]), {"id_number": person.id_number, "purpose": purpose})

    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == person.pk
    granted = RegistryAccess.objects.filter(outcome="granted").count()
    assert granted == (1 if status == 200 else 0)


def test_lookup_without_an_id_number_names_the_field(people: dict[str, Any]) -> None:
    police = _client(people["police"])

    missing = _lookup(police, {"purpose": "law_enforcement"})
    too_long = _lookup(police, {"id_number": "1" * 19, "purpose": "law_enforcement"})

    for response in (missing, too_long):
        assert response.status_code == 422
        assert response["Content-Type"].startswith("application/problem+json")
        assert "id_number" in str(response.json())
    assert RegistryAccess.objects.count() == 0


def test_get_by_path_is_deprecated_but_answers_the_same(people: dict[str, Any]) -> None:
    person = factories.resident(name="陈小静")
    police = _client(people["police"])

    by_path = police.get(f"/api/v1/registries/residents/{person.id_number}", {"purpose": "law_enforcement"})
    by_body = _lookup(police, {"id_number": person.id_number, "purpose": "law_enforcement"})
    schema = police.get("/api/v1/openapi.json").json()["paths"]

    assert (by_path.status_code, by_body.status_code) == (200, 200)
    assert by_path.json() == by_body.json()
    assert by_path["Deprecation"] == "@1796342400"
    assert by_path["Link"] == '</api/v1/registries/residents/lookup>; rel="successor-version"'
    assert "Deprecation" not in by_body
    assert schema["/api/v1/registries/residents/{id_number}"]["get"]["deprecated"] is True
    lookup = schema["/api/v1/registries/residents/lookup"]["post"]
    assert (lookup["operationId"], lookup.get("deprecated", False)) == ("registries_resident_lookup", False)


DISCLOSE = "/api/v1/registries/residents/disclose"


def _disclose(client, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(DISCLOSE, body, content_type="application/json")


def test_disclose_by_body_unmasks_needs_a_purpose_and_is_logged_with_it(people: dict[str, Any]) -> None:
    person = factories.resident(name="陈小静")
    police = _client(people["police"])

    full = _disclose(police, {"id_number": person.id_number.lower(), "purpose": "law_enforcement"})
    no_purpose = _disclose(police, {"id_number": person.id_number})
    unknown = _disclose(police, {"id_number": "110101199003070000", "purpose": "law_enforcement"})

    assert full.status_code == 200
    assert (full.json()["id_number"], full.json()["name"], full.json()["masked"]) == (person.id_number, "陈小静", False)
    assert (no_purpose.status_code, no_purpose.json()["code"]) == (403, "registries.purpose_required")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "core.not_found")
    rows = RegistryAccess.objects.order_by("id").values_list(
        "actor_ref", "subject_kind", "subject_id", "purpose", "unmasked", "outcome", "via"
    )
    assert list(rows) == [
        (f"user:{people['police'].pk}", "resident", person.pk, "law_enforcement", True, "granted", "disclose"),
        (f"user:{people['police'].pk}", "resident", person.pk, "", True, "denied", "disclose"),
    ]


@pytest.mark.parametrize(
    ("who", "purpose", "status", "code"),
    [
        ("anonymous", "law_enforcement", 401, None),
        ("citizen", "law_enforcement", 404, "core.not_found"),
        ("civil", "law_enforcement", 403, "registries.purpose_not_allowed"),
        ("police", "statistics", 403, "registries.disclosure_not_allowed"),
        ("police", "law_enforcement", 200, None),
        ("auditor", "audit", 200, None),
    ],
)
def test_disclose_matrix(people: dict[str, Any], who: str, purpose: str, status: int, code: str | None) -> None:
    person = factories.resident(name="陈小静")

    response = _disclose(_client(people[who]), {"id_number": person.id_number, "purpose": purpose})

    assert response.status_code == status
    if status == 200:
        assert (response.json()["id"], response.json()["name"]) == (person.pk, "陈小静")
    elif code is not None:
        assert response.json()["code"] == code
        assert person.id_number not in response.content.decode()
    granted = list(RegistryAccess.objects.filter(outcome="granted").values_list("purpose", "unmasked"))
    assert granted == ([(purpose, True)] if status == 200 else [])


def test_disclose_without_a_valid_id_number_names_the_field_in_both_languages(people: dict[str, Any]) -> None:
    police = _client(people["police"])

    missing = _disclose(police, {"purpose": "law_enforcement"})
    empty = _disclose(police, {"id_number": "", "purpose": "law_enforcement"})
    too_long = _disclose(police, {"id_number": "1" * 19, "purpose": "law_enforcement"})
    english = police.post(
        DISCLOSE, {"purpose": "law_enforcement"}, content_type="application/json", headers={"accept-language": "en"}
    )

    for response in (missing, empty, too_long, english):
        assert response.status_code == 422
        assert response["Content-Type"].startswith("application/problem+json")
        assert (response.json()["code"], list(response.json()["errors"])) == ("core.validation_failed", ["id_number"])
        assert list(response.json()["errors_en"]) == ["id_number"]
    assert (missing.json()["errors"], missing.json()["errors_en"]) == (
        {"id_number": ["此字段为必填项。"]},
        {"id_number": ["This field is required."]},
    )
    assert (empty.json()["errors"], empty.json()["errors_en"]) == (
        {"id_number": ["至少需要 1 个字符。"]},
        {"id_number": ["Use at least 1 characters."]},
    )
    assert english.json()["errors"] == {"id_number": ["This field is required."]}
    assert too_long.json()["errors"]["id_number"] != too_long.json()["errors_en"]["id_number"]
    assert RegistryAccess.objects.count() == 0


def test_disclose_by_path_is_deprecated_but_answers_and_logs_the_same(people: dict[str, Any]) -> None:
    person = factories.resident(name="陈小静")
    police = _client(people["police"])
    body = {"purpose": "law_enforcement"}

    by_path = police.post(
        f"/api/v1/registries/residents/{person.id_number}/disclose", body, content_type="application/json"
    )
    by_body = _disclose(police, {"id_number": person.id_number, **body})
    refused_path = _client(people["civil"]).post(
        f"/api/v1/registries/residents/{person.id_number}/disclose", body, content_type="application/json"
    )
    refused_body = _disclose(_client(people["civil"]), {"id_number": person.id_number, **body})
    schema = police.get("/api/v1/openapi.json").json()["paths"]

    assert (by_path.status_code, by_body.status_code) == (200, 200)
    assert by_path.json() == by_body.json()
    assert refused_path.status_code == refused_body.status_code == 403
    assert {**refused_path.json(), "instance": ""} == {**refused_body.json(), "instance": ""}
    assert by_path["Deprecation"] == "@1796342400"
    assert by_path["Link"] == '</api/v1/registries/residents/disclose>; rel="successor-version"'
    assert "Deprecation" not in by_body
    assert "Link" not in by_body
    rows = list(RegistryAccess.objects.order_by("id").values_list("actor_ref", "purpose", "unmasked", "outcome", "via"))
    assert rows[0] == rows[1] == (f"user:{people['police'].pk}", "law_enforcement", True, "granted", "disclose")
    assert rows[2] == rows[3] == (f"user:{people['civil'].pk}", "law_enforcement", True, "denied", "disclose")
    old = schema["/api/v1/registries/residents/{id_number}/disclose"]["post"]
    new = schema["/api/v1/registries/residents/disclose"]["post"]
    assert (old["operationId"], old["deprecated"]) == ("registries_resident_disclose_by_path", True)
    assert (new["operationId"], new.get("deprecated", False)) == ("registries_resident_disclose", False)
