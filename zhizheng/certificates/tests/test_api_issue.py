"""The staff API to issue and revoke: authorisation matrix over HTTP; denied requests change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates.models import Certificate
from zhizheng.certificates.tests.conftest import ID_CARD, World, holder_user
from zhizheng.ledger.models import Entry
from zhizheng.orgs.models import Membership

pytestmark = pytest.mark.django_db


def _client_for(world: World, who: str) -> Client:
    client = Client()
    if who == "anonymous":
        return client
    if who == "citizen":
        client.force_login(holder_user(world.resident))
        return client
    department, role = {
        "other_department_head": (world.scjgj, "department_head"),
        "caseworker_of_gaj": (world.gaj, "caseworker"),
        "section_chief_of_gaj": (world.gaj, "section_chief"),
    }[who]
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=department, role=role)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_department_head", 403),
        ("caseworker_of_gaj", 201),
    ],
)
def test_issue_over_the_api(world: World, who: str, status: int) -> None:
    client = _client_for(world, who)
    body = {"certificate_type": "CT-SFZ", "holder": world.resident.id_number, "subject": {"name": ID_CARD["name"]}}
    entries = Entry.objects.count()
    response = client.post("/api/v1/certificates", body, content_type="application/json")
    assert response.status_code == status
    if status == 201:
        data = response.json()
        assert data["holder"] == world.resident.id_number[:6] + "********" + world.resident.id_number[-4:]
        assert data["credential"]["credentialSubject"] == {"name": "陈静"}
        assert Certificate.objects.count() == 1
        return
    assert response["Content-Type"].startswith("application/problem+json")
    assert (Certificate.objects.count(), Entry.objects.count()) == (0, entries)


def test_issue_over_the_api_explains_bad_data(world: World) -> None:
    client = _client_for(world, "caseworker_of_gaj")
    body = {"certificate_type": "CT-SFZ", "holder": world.resident.id_number, "subject": {"salary": "1"}}
    response = client.post("/api/v1/certificates", body, content_type="application/json")
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "certificates.subject_invalid"
    assert problem["errors_en"] == {"salary": ["not a field of CT-SFZ"]}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("citizen", 403),
        ("other_department_head", 403),
        ("caseworker_of_gaj", 403),
        ("section_chief_of_gaj", 200),
    ],
)
def test_revoke_over_the_api(world: World, id_card: Certificate, who: str, status: int) -> None:
    client = _client_for(world, who)
    response = client.post(
        f"/api/v1/certificates/{id_card.serial}/revoke", {"reason": "lost"}, content_type="application/json"
    )
    assert response.status_code == status
    id_card.refresh_from_db()
    assert id_card.status == ("revoked" if status == 200 else "valid")
    assert Entry.objects.filter(act="certificates.certificate.revoked").count() == (1 if status == 200 else 0)


def test_revoking_an_unknown_serial_is_404(world: World) -> None:
    client = _client_for(world, "section_chief_of_gaj")
    response = client.post(
        "/api/v1/certificates/NOPE123456/revoke", {"reason": "lost"}, content_type="application/json"
    )
    assert response.status_code == 404
