"""Workbench pages of issuing departments: issue a certificate by hand and revoke one with a reason, with the
authorisation matrix (denied cases change nothing) and the errors shown on the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates.models import Certificate
from zhizheng.certificates.tests.conftest import ID_CARD, World
from zhizheng.ledger.models import Entry
from zhizheng.orgs.models import Department, Membership

pytestmark = pytest.mark.django_db

INDEX, ISSUE = "/certificates/staff/", "/certificates/staff/issue/"


def _staff(department: Department, role: str) -> Client:
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=department, role=role)
    client = Client()
    client.force_login(user)
    return client


def _citizen() -> Client:
    client = Client()
    client.force_login(accounts_factories.citizen())
    return client


def _issue_post(world: World, **changes: str) -> dict[str, str]:
    post = {"type": "CT-SFZ", "holder": world.resident.id_number, "valid_until": "2036-01-01"}
    post.update({f"field.{key}": value for key, value in ID_CARD.items() if key != "id_number"})
    post["field.id_number"] = world.resident.id_number
    post.update(changes)
    return post


def test_a_caseworker_issues_a_certificate_by_hand(world: World) -> None:
    client = _staff(world.gaj, "caseworker")
    form = client.get(ISSUE, {"type": "CT-SFZ"}).content.decode()
    response = client.post(ISSUE, _issue_post(world))

    assert 'name="field.name"' in form
    assert 'href="/certificates/staff/"' in form  # the workbench menu links the staff pages
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert response["Location"] == f"/certificates/staff/{certificate.serial}/"
    assert (certificate.type.code, certificate.holder_identifier) == ("CT-SFZ", world.resident.id_number)
    assert certificate.valid_until is not None
    assert certificate.valid_until.date().isoformat() in ("2035-12-31", "2036-01-01")
    assert Entry.objects.filter(act="certificates.certificate.issued").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert 'data-verdict="valid"' in page
    assert certificate.serial in client.get(INDEX).content.decode()


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"holder": "110101199003071234"}, 422, "holder"),
        ({"valid_until": "next year"}, 422, "valid_until"),
        ({"valid_from": "2030-01-01", "valid_until": "2029-01-01"}, 422, None),
    ],
)
def test_issue_errors_are_shown_and_nothing_is_issued(
    world: World, changes: dict[str, str], status: int, field: str | None
) -> None:
    client = _staff(world.gaj, "caseworker")

    response = client.post(ISSUE, _issue_post(world, **changes))

    assert response.status_code == status
    html = response.content.decode()
    assert 'id="form-errors"' in html
    if field:
        assert f'is-invalid" id="{field}"' in html
    assert Certificate.objects.count() == 0


def test_a_type_of_another_department_cannot_be_issued(world: World) -> None:
    client = _staff(world.scjgj, "caseworker")

    form = client.get(ISSUE).content.decode()
    response = client.post(ISSUE, _issue_post(world))

    assert "CT-SFZ" not in form
    assert response.status_code == 404
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_people_without_an_issuing_role_get_nothing(world: World, who: str) -> None:
    client = Client() if who == "anonymous" else _citizen()

    issue = client.post(ISSUE, _issue_post(world))
    index = client.get(INDEX)

    if who == "anonymous":
        assert issue.status_code == index.status_code == 302
    else:
        assert issue.status_code == 404
        assert 'id="zz-no-certificates"' in index.content.decode()
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize(
    ("department", "role", "status", "revoked"),
    [
        ("gaj", "section_chief", 302, True),
        ("gaj", "department_head", 302, True),
        ("gaj", "caseworker", 403, False),
        ("scjgj", "section_chief", 404, False),
    ],
)
def test_revocation_matrix(
    world: World, id_card: Certificate, department: str, role: str, status: int, revoked: bool
) -> None:
    client = _staff(getattr(world, department), role)
    url = f"/certificates/staff/{id_card.serial}/"

    page = client.get(url)
    response = client.post(url, {"reason": "lost"})

    id_card.refresh_from_db()
    assert response.status_code == status
    assert (id_card.status == "revoked") is revoked
    if revoked:
        assert id_card.revocation_reason == "lost"
        assert Entry.objects.filter(act="certificates.certificate.revoked").count() == 1
        assert 'data-verdict="revoked"' in client.get(url).content.decode()
    elif status == 403:
        assert 'name="reason"' not in page.content.decode()
    else:
        assert page.status_code == 404


@pytest.mark.parametrize("reason", ["", "superseded", "because"])
def test_revocation_needs_one_of_the_reasons(world: World, id_card: Certificate, reason: str) -> None:
    client = _staff(world.gaj, "section_chief")

    response = client.post(f"/certificates/staff/{id_card.serial}/", {"reason": reason})

    assert response.status_code == 422
    assert 'class="form-select is-invalid" id="reason"' in response.content.decode()
    id_card.refresh_from_db()
    assert id_card.status == "valid"


def test_the_index_query_ceiling(world: World, id_card: Certificate, django_assert_max_num_queries: Any) -> None:
    client = _staff(world.gaj, "caseworker")

    with django_assert_max_num_queries(12):
        response = client.get(INDEX)

    assert id_card.serial in response.content.decode()
