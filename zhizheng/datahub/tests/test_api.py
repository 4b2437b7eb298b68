"""The JSON API: the catalogue and requests over HTTP, and the data API behind a grant key."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from zhizheng.datahub import services
from zhizheng.datahub.models import DataAccess, Grant
from zhizheng.registries.models import RegistryAccess

BASE = "/api/v1/datahub"
POPULATION = "10101/000001"
LEGAL = "10201/000001"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _grant(hub, resource=POPULATION, fields=("name", "id_number", "district_code")):
    spec = services.RequestSpec(
        resource_code=resource,
        department_code="MZJ",
        purpose="低保资格核验",
        fields=fields,
        legal_basis="《社会救助暂行办法》第十一条",
        period_days=30,
    )
    return services.request_create(actor=hub.civil_caseworker.actor, spec=spec)


def _data(client, key, code=POPULATION, **params):
    return client.get(f"{BASE}/data/{code}", params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_catalogue_over_http(client, loaded, django_assert_max_num_queries):
    client.force_login(loaded.civil_caseworker.user)
    with django_assert_max_num_queries(12):
        body = client.get(f"{BASE}/resources").json()
    assert [r["code"] for r in body["items"]] == [POPULATION, LEGAL, "10301/000001", "10401/000001"]
    one = client.get(f"{BASE}/resources/{POPULATION}").json()
    assert (one["provider_code"], one["share_type"], one["items"][0]["key"]) == ("GAJ", "unconditional", "id_number")
    assert client.get(f"{BASE}/resources/19999/000001").status_code == 404


def test_catalogue_needs_sign_in_and_staff(client, loaded):
    assert client.get(f"{BASE}/resources").status_code == 401
    client.force_login(loaded.citizen.user)
    response = client.get(f"{BASE}/resources")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_rule_error_over_http_is_422_problem(client, loaded):
    client.force_login(loaded.police_officer.user)
    body = {
        "category": "department",
        "class_code": "30101",
        "name": "测试",
        "provider_code": "GAJ",
        "summary": "摘要",
        "format": "database",
        "share_type": "conditional",
        "open_type": "not_open",
        "update_cycle": "daily",
        "items": [{"key": "a", "name": "甲", "data_type": "C"}],
    }
    response = _post(client, f"{BASE}/resources", body)
    problem = response.json()
    assert (response.status_code, problem["code"]) == (422, "datahub.conditions_required")
    assert "有条件共享需注明共享条件" in problem["detail"]
    created = _post(client, f"{BASE}/resources", {**body, "share_conditions": "仅限核验"})
    assert (created.status_code, created.json()["code"]) == (201, "30101/000001")
    submitted = _post(client, f"{BASE}/resources/transition", {"code": "30101/000001", "action": "submit"})
    assert submitted.json()["status"] == "in_review"
    again = _post(client, f"{BASE}/resources/transition", {"code": "30101/000001", "action": "submit"})
    assert (again.status_code, again.json()["code"]) == (409, "datahub.invalid_transition")


def test_request_over_http_shows_the_key_once(client, loaded):
    client.force_login(loaded.civil_officer.user)
    body = {
        "resource_code": LEGAL,
        "department_code": "MZJ",
        "purpose": "社会组织登记核验",
        "fields": ["uscc", "name"],
        "legal_basis": "《社会团体登记管理条例》",
        "period_days": 90,
    }
    created = _post(client, f"{BASE}/requests", body)
    assert created.status_code == 201
    payload = created.json()
    assert (payload["status"], payload["grant"]["fields"]) == ("granted", ["uscc", "name"])
    assert payload["key"].startswith("dh_")
    listed = client.get(f"{BASE}/requests", {"box": "mine"}).json()
    assert (listed["count"], listed["items"][0]["key"]) == (1, "")
    client.force_login(loaded.education_caseworker.user)
    denied = _post(client, f"{BASE}/requests", body)
    assert denied.status_code == 403


def test_data_api_returns_only_granted_fields_masked_and_logs(client, loaded):
    issued = _grant(loaded)
    response = _data(client, issued.key)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["fields"]) == (3, ["id_number", "name", "district_code"])
    assert all(set(row) == {"id_number", "name", "district_code"} for row in body["items"])
    names = sorted(row["name"] for row in body["items"])
    assert names == ["李*", "王**", "陈*"]
    assert all("*" in row["id_number"] for row in body["items"])
    narrowed = _data(client, issued.key, fields="district_code").json()
    assert narrowed["fields"] == ["district_code"]
    assert set(narrowed["items"][0]) == {"district_code"}
    log = list(DataAccess.objects.order_by("at").values_list("caller", "resource_code", "fields", "rows", "outcome"))
    caller = f"grant:{issued.grant.pk}:MZJ"
    assert log == [
        (caller, POPULATION, ["id_number", "name", "district_code"], 3, "served"),
        (caller, POPULATION, ["district_code"], 3, "served"),
    ]
    assert DataAccess.objects.first().purpose == "低保资格核验"
    shared = RegistryAccess.objects.filter(purpose="data_sharing", actor_ref=f"client:{issued.grant.pk}")
    assert shared.count() == 6


def test_row_filter_limits_rows(client, loaded):
    spec = services.ResourceSpec(
        category="department",
        class_code="30201",
        name="人口信息（有条件）",
        provider_code="GAJ",
        summary="有条件共享的人口信息。",
        format="database",
        share_type="conditional",
        share_conditions="仅限社会救助核验",
        open_type="not_open",
        update_cycle="daily",
        source="population",
        items=(services.ItemSpec("sex", "性别", "C"), services.ItemSpec("district_code", "区划", "C")),
    )
    resource = services.resource_create(actor=loaded.police_officer.actor, spec=spec)
    services.resource_submit(actor=loaded.police_officer.actor, resource=resource)
    services.resource_publish(actor=loaded.reviewer.actor, resource=resource)
    request = _grant(loaded, resource=resource.code, fields=("sex", "district_code")).request
    issued = services.request_approve(
        actor=loaded.police_officer.actor, request=request, row_filter={"district_code": "990102"}
    )
    body = _data(client, issued.key, code=resource.code).json()
    assert (body["count"], body["items"]) == (1, [{"sex": "female", "district_code": "990102"}])


def test_legal_person_data(client, loaded):
    from zhizheng.registries.models import Resident
    from zhizheng.registries.tests import factories

    factories.legal_person(representative=Resident.objects.get(name="陈静"))
    issued = _grant(loaded, resource=LEGAL, fields=("name", "legal_representative"))
    body = _data(client, issued.key, code=LEGAL).json()
    assert body["items"] == [{"name": "示范市青山科技有限公司", "legal_representative": "陈*"}]


@pytest.mark.parametrize(
    ("setup", "status", "code", "words"),
    [
        ("wrong_key", 403, "datahub.grant_invalid", "missing or unknown"),
        ("no_key", 403, "datahub.grant_invalid", "missing or unknown"),
        ("expired", 403, "datahub.grant_expired", "expired on"),
        ("revoked", 403, "datahub.grant_revoked", "revoked on"),
        ("other_resource", 403, "datahub.grant_wrong_resource", "not 10201/000001"),
        ("outside_fields", 403, "datahub.fields_not_granted", "sex, status"),
    ],
)
def test_refused_calls_are_clear_problems_and_logged(client, loaded, setup, status, code, words):
    issued = _grant(loaded)
    key, resource, params = issued.key, POPULATION, {}
    if setup == "wrong_key":
        key = issued.key[:-3] + "xyz"
    elif setup == "no_key":
        key = ""
    elif setup == "expired":
        Grant.objects.filter(pk=issued.grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif setup == "revoked":
        services.grant_revoke(actor=loaded.police_officer.actor, grant=issued.grant, reason="结束")
    elif setup == "other_resource":
        resource = LEGAL
    else:
        params = {"fields": "name,sex,status"}
    response = _data(client, key, code=resource, **params)
    problem = response.json()
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert problem["code"] == code
    assert words in problem["detail_en"]
    assert list(DataAccess.objects.values_list("outcome", "rows")) == [(code, 0)]
    assert RegistryAccess.objects.filter(purpose="data_sharing").count() == 0


def test_rate_limit_answers_429(client, loaded):
    issued = _grant(loaded)
    Grant.objects.filter(pk=issued.grant.pk).update(rate_limit=2)
    assert [_data(client, issued.key).status_code for _ in range(3)] == [200, 200, 429]
    problem = _data(client, issued.key).json()
    assert (problem["code"], problem["status"]) == ("datahub.rate_limited", 429)
    assert "2 calls per minute" in problem["detail_en"]
    outcomes = list(DataAccess.objects.order_by("at", "pk").values_list("outcome", flat=True))
    assert outcomes == ["served", "served", "datahub.rate_limited", "datahub.rate_limited"]


def test_access_log_is_visible_to_the_provider_only(client, loaded, django_assert_max_num_queries):
    issued = _grant(loaded)
    _data(client, issued.key)
    _data(client, "dh_nope_nope")
    client.force_login(loaded.police_officer.user)
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/accesses", {"resource_code": POPULATION}).json()
    assert [(a["outcome"], a["rows"], a["purpose"]) for a in body["items"]] == [
        ("datahub.grant_invalid", 0, ""),
        ("served", 3, "低保资格核验"),
    ]
    client.force_login(loaded.civil_officer.user)  # the requester does not read the provider's log
    assert client.get(f"{BASE}/accesses").json()["count"] == 0
    client.force_login(loaded.reviewer.user)  # the data office sees all
    assert client.get(f"{BASE}/accesses").json()["count"] == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("citizen", 404), ("education_caseworker", 404), ("civil_officer", 403), ("police_officer", 200)],
)
def test_approve_over_http_authorisation_matrix(client, loaded, who, status):
    spec = services.ResourceSpec(
        category="department",
        class_code="30201",
        name="人口信息（有条件）",
        provider_code="GAJ",
        summary="有条件共享。",
        format="database",
        share_type="conditional",
        share_conditions="仅限核验",
        open_type="not_open",
        update_cycle="daily",
        source="population",
        items=(services.ItemSpec("sex", "性别", "C"),),
    )
    resource = services.resource_create(actor=loaded.police_officer.actor, spec=spec)
    services.resource_submit(actor=loaded.police_officer.actor, resource=resource)
    services.resource_publish(actor=loaded.reviewer.actor, resource=resource)
    ask = services.RequestSpec(resource.code, "MZJ", "核验", ("sex",), "依据", 10)
    request = services.request_create(actor=loaded.civil_caseworker.actor, spec=ask).request
    if who:
        client.force_login(getattr(loaded, who).user)
    response = _post(client, f"{BASE}/requests/{request.pk}/approve", {"rate_limit": 5})
    assert response.status_code == status
    request.refresh_from_db()
    assert request.status == ("granted" if status == 200 else "pending")
    assert Grant.objects.count() == (1 if status == 200 else 0)


def test_catalogued_but_unserved_resource_is_a_clear_409(client, loaded):
    issued = _grant(loaded, resource="10301/000001", fields=("code", "name"))
    response = _data(client, issued.key, code="10301/000001")
    assert (response.status_code, response.json()["code"]) == (409, "datahub.not_served")
    assert "10301/000001" in response.json()["detail_en"]
    assert list(DataAccess.objects.values_list("outcome", flat=True)) == ["datahub.not_served"]
