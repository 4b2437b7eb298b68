"""Workbench pages: catalogue, resource, request form, inbox with approve/reject, grants with the key shown once."""

from __future__ import annotations

import pytest

from zhizheng.datahub import services
from zhizheng.datahub.models import Grant, ShareRequest

POPULATION = "10101/000001"


def test_catalogue_and_resource_pages(client, loaded, django_assert_max_num_queries):
    client.force_login(loaded.civil_caseworker.user)
    with django_assert_max_num_queries(20):
        page = client.get("/workbench/data/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "人口基础信息" in text
    assert "/workbench/data/resources/10101/000001/" in text
    filtered = client.get("/workbench/data/", {"q": "法人"}).content.decode()
    assert "法人单位基础信息" in filtered
    assert "人口基础信息" not in filtered
    detail = client.get(f"/workbench/data/resources/{POPULATION}/").content.decode()
    assert "公民身份号码" in detail
    assert 'name="fields"' in detail
    assert client.get("/workbench/data/resources/19999/000001/").status_code == 404


@pytest.mark.parametrize("who", ["citizen"])
def test_pages_are_for_staff(client, loaded, who):
    assert client.get("/workbench/data/").status_code == 302  # anonymous → sign in
    client.force_login(getattr(loaded, who).user)
    assert client.get("/workbench/data/").status_code == 403
    assert client.get("/workbench/data/requests/").status_code == 403


def test_request_form_grants_at_once_and_shows_the_key_once(client, loaded):
    client.force_login(loaded.civil_caseworker.user)
    bad = client.post(
        f"/workbench/data/resources/{POPULATION}/request/",
        {"department_code": "MZJ", "purpose": "", "legal_basis": "x", "period_days": "30", "fields": ["name"]},
    )
    assert bad.status_code == 422
    assert "请说明使用目的。" in bad.content.decode()
    assert ShareRequest.objects.count() == 0
    good = client.post(
        f"/workbench/data/resources/{POPULATION}/request/",
        {
            "department_code": "MZJ",
            "purpose": "低保核验",
            "legal_basis": "《社会救助暂行办法》",
            "period_days": "30",
            "fields": ["name", "sex"],
        },
    )
    grant = Grant.objects.get()
    text = good.content.decode()
    assert good.status_code == 200
    assert f'value="dh_{grant.prefix}_' in text
    listing = client.get("/workbench/data/requests/").content.decode()
    assert f"dh_{grant.prefix}_…" in listing
    assert f'value="dh_{grant.prefix}_' not in listing


def test_inbox_approve_and_reject(client, loaded):
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
    first = services.request_create(actor=loaded.civil_caseworker.actor, spec=ask).request
    second = services.request_create(actor=loaded.civil_caseworker.actor, spec=ask).request
    client.force_login(loaded.civil_officer.user)  # requester: may not decide
    assert client.post(f"/workbench/data/requests/{first.pk}/decide/", {"decision": "approve"}).status_code == 403
    client.force_login(loaded.police_officer.user)
    inbox = client.get("/workbench/data/requests/").content.decode()
    assert f"/workbench/data/requests/{first.pk}/decide/" in inbox
    no_reason = client.post(f"/workbench/data/requests/{second.pk}/decide/", {"decision": "reject", "reason": ""})
    assert no_reason.status_code == 422
    client.post(f"/workbench/data/requests/{first.pk}/decide/", {"decision": "approve", "rate_limit": "10"})
    client.post(f"/workbench/data/requests/{second.pk}/decide/", {"decision": "reject", "reason": "用途不符"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.grant.rate_limit) == ("granted", 10)
    assert (second.status, second.reason) == ("rejected", "用途不符")
