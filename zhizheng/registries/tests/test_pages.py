"""Workbench pages: registrations by the right registrars (HTMX forms), the access log for auditors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.ledger.models import Entry
from zhizheng.registries import selectors
from zhizheng.registries.models import LegalPerson, RegistryAccess, Resident
from zhizheng.registries.tests import factories
from zhizheng.registries.tests.conftest import client_for, household_head

pytestmark = pytest.mark.django_db


_client = client_for
_parent = household_head


def test_the_index_shows_each_registrar_their_own_registrations(people: dict[str, Any]) -> None:
    police = _client(people["police"]).get("/workbench/registries/").content.decode()
    civil = _client(people["civil"]).get("/workbench/registries/").content.decode()
    auditor = _client(people["auditor"]).get("/workbench/registries/").content.decode()

    assert "出生登记" in police
    assert "结婚登记" not in police
    assert "结婚登记" in civil
    assert "出生登记" not in civil
    assert "基础库访问日志" in auditor
    assert "出生登记" not in auditor
    assert _client(None).get("/workbench/registries/").status_code == 302
    assert _client(people["citizen"]).get("/workbench/registries/").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("citizen", 403), ("civil", 403), ("market", 403), ("police", 200)]
)
def test_birth_page_matrix(people: dict[str, Any], who: str, status: int) -> None:
    parent = _parent()
    body = {"name": "陈小雨", "sex": "female", "birth_on": "2026-01-15", "parent_id_number": parent.id_number}
    client = _client(people[who])

    page = client.get("/workbench/registries/register/birth/")
    posted = client.post("/workbench/registries/register/birth/", body)

    assert (page.status_code, posted.status_code) == (status, status)
    assert Resident.objects.count() == (2 if status == 200 else 1)


def test_a_birth_through_htmx_answers_the_card_with_the_ledger_receipt(people: dict[str, Any]) -> None:
    parent = _parent()
    body = {"name": "陈小雨", "sex": "female", "birth_on": "2026-01-15", "parent_id_number": parent.id_number}

    response = _client(people["police"]).post("/workbench/registries/register/birth/", body, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    child = Resident.objects.get(name="陈小雨")
    assert response.status_code == 200
    assert html.startswith('<section class="card shadow-sm" id="zz-registration"')
    assert "出生登记成功" in html
    assert child.id_number not in html
    assert f"#{Entry.objects.get().index}" in html
    assert "data-ledger-receipt" in html


def test_errors_keep_the_input_and_say_what_is_wrong(people: dict[str, Any]) -> None:
    parent = _parent()
    police = _client(people["police"])
    too_young = {"name": "陈小雨", "sex": "female", "birth_on": "1995-01-15", "parent_id_number": parent.id_number}
    malformed = {"name": "", "sex": "x", "birth_on": "yesterday", "parent_id_number": "123"}

    invalid = police.post("/workbench/registries/register/birth/", too_young)
    broken = police.post("/workbench/registries/register/birth/", malformed)
    dead = factories.resident(born=dt.date(1950, 1, 1), status="deceased")
    conflict = police.post(
        "/workbench/registries/register/death/", {"id_number": dead.id_number, "died_on": "2026-01-01"}
    )

    assert invalid.status_code == 422
    assert "年龄过小" in invalid.content.decode()
    assert 'value="陈小雨"' in invalid.content.decode()
    assert broken.status_code == 422
    assert broken.content.decode().count("data-field-error") == 4
    assert conflict.status_code == 409
    assert "已登记死亡" in conflict.content.decode()
    assert Resident.objects.count() == 2


def test_marriage_by_civil_affairs(people: dict[str, Any]) -> None:
    him = factories.resident(name="赵磊", male=True, born=dt.date(1995, 1, 1))
    her = factories.resident(name="钱丽", born=dt.date(1996, 1, 1))

    response = _client(people["civil"]).post(
        "/workbench/registries/register/marriage/",
        {"first_id_number": him.id_number, "second_id_number": her.id_number},
    )

    assert response.status_code == 200
    assert set(Resident.objects.values_list("marital_status", flat=True)) == {"married"}


def test_legal_person_establishment_page(people: dict[str, Any]) -> None:
    boss = factories.resident(born=dt.date(1980, 1, 1))
    body = {
        "name": "示范市青禾餐饮有限公司",
        "type": "limited_company",
        "representative_id_number": boss.id_number,
        "registered_capital_yuan": "500000.00",
        "business_scope": "餐饮服务",
        "district_code": "990104",
        "address": "示范市南湖区湖滨路8号",
    }

    response = _client(people["market"]).post("/workbench/registries/register/establish/", body)

    company = LegalPerson.objects.get()
    assert response.status_code == 200
    assert f"法人设立登记成功，统一社会信用代码 {company.uscc}" in response.content.decode()
    assert company.registered_capital_fen == 50_000_000


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("citizen", 403), ("police", 403), ("market", 403), ("auditor", 200)]
)
def test_access_log_page_matrix(people: dict[str, Any], who: str, status: int) -> None:
    client = _client(people[who])

    assert client.get("/workbench/registries/access-log/").status_code == status
    assert client.get("/workbench/registries/access-log/export.csv").status_code == status


def test_auditors_filter_page_and_export_the_log(people: dict[str, Any], django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    reader = Actor(kind=ActorKind.USER, user_id=9001, roles=frozenset({("SJJ", "data_officer")}))
    person = factories.resident()
    for _index in range(55):
        selectors.resident_get(actor=reader, purpose="statistics", id_number=person.id_number)
    RegistryAccess.objects.create(actor_ref="user:9002", purpose="", subject_kind="resident", outcome="denied")
    auditor = _client(people["auditor"])
    auditor.get("/workbench/registries/access-log/")

    with django_assert_max_num_queries(12):
        first = auditor.get("/workbench/registries/access-log/", {"actor": "user:9001"})
    second = auditor.get("/workbench/registries/access-log/", {"actor": "user:9001", "page": 2})
    denied = auditor.get("/workbench/registries/access-log/", {"outcome": "denied"})
    bad = auditor.get("/workbench/registries/access-log/", {"since": "2026-02-01", "until": "2026-01-01"})
    export = auditor.get("/workbench/registries/access-log/export.csv", {"record": person.id_number})

    assert first.content.decode().count("data-access-row") == 50
    assert "55" in first.content.decode()
    assert second.content.decode().count("data-access-row") == 5
    assert denied.content.decode().count("data-access-row") == 1
    assert bad.status_code == 400
    assert person.id_number not in first.content.decode()
    assert len(export.content.decode("utf-8-sig").splitlines()) == 56


def test_lookup_is_masked_by_default_and_unmasking_needs_a_fitting_purpose(people: dict[str, Any]) -> None:
    person = factories.resident(name="陈小静")
    police, market = _client(people["police"]), _client(people["market"])
    url = "/workbench/registries/lookup/"

    def card(response: Any) -> str:
        html = response.content.decode()
        return html[html.index("data-resident") :] if "data-resident" in html else ""

    masked = police.post(url, {"id_number": person.id_number, "purpose": "law_enforcement", "mode": "masked"})
    full = police.post(url, {"id_number": person.id_number, "purpose": "law_enforcement", "mode": "full"})
    no_purpose = police.post(url, {"id_number": person.id_number, "mode": "masked"})
    statistics_in_full = market.post(url, {"id_number": person.id_number, "purpose": "statistics", "mode": "full"})

    assert masked.status_code == 200
    assert "陈**" in card(masked)
    assert person.id_number not in card(masked)
    assert "陈小静" not in masked.content.decode()
    assert full.status_code == 200
    assert person.id_number in card(full)
    assert "陈小静" in card(full)
    assert "已婚" not in card(full)
    assert "未婚" in card(full)
    assert no_purpose.status_code == 403
    assert "请说明查询人口库的目的" in no_purpose.content.decode()
    assert (statistics_in_full.status_code, card(statistics_in_full)) == (403, "")
    assert list(RegistryAccess.objects.order_by("id").values_list("outcome", "unmasked")) == [
        ("granted", False),
        ("granted", True),
        ("denied", False),
        ("denied", True),
    ]
    assert _client(people["citizen"]).get(url).status_code == 403


def test_auditors_read_a_records_history_masked_and_the_read_is_logged(people: dict[str, Any]) -> None:
    from zhizheng.core.actor import Actor as _Actor
    from zhizheng.registries import registrations

    person = factories.resident(name="陈小静", born=dt.date(1990, 1, 1))
    police = _Actor(kind=ActorKind.USER, user_id=9100, roles=frozenset({("GAJ", "caseworker")}))
    registrations.household_move(
        actor=police, id_number=person.id_number, address="示范市南湖区湖滨路1号2栋301室", district_code="990104"
    )
    url = f"/workbench/registries/history/resident/{person.pk}/"

    page = _client(people["auditor"]).get(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert "household_move" in html
    assert "user:9100" in html
    assert "示范市南湖区****" in html
    assert "湖滨路" not in html
    assert html.count("data-change") == 1
    assert RegistryAccess.objects.get().via == "history"
    assert _client(people["police"]).get(url).status_code == 403
    assert _client(people["auditor"]).get("/workbench/registries/history/bank/1/").status_code == 404
