"""Authorisation matrix for every protected page and endpoint of the foundation.

Each protected operation is tried as: anonymous, a citizen, staff of another department, and the right role.
Denied cases assert that nothing changed; objects the actor may not see answer 404, like missing ones.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from zhizheng.accounts.models import ApiToken, UserSession
from zhizheng.accounts.tests import factories
from zhizheng.core.actor import SYSTEM
from zhizheng.orgs import services as org_services

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def people() -> dict[str, object]:
    org_services.divisions_load(actor=SYSTEM)
    org_services.departments_load(actor=SYSTEM)
    citizen = factories.citizen(username="m_citizen")
    other = factories.staff(username="m_other")  # a caseworker of the education bureau
    caseworker = factories.staff(username="m_caseworker")
    leader = factories.staff(username="m_leader")
    org_services.membership_grant(actor=SYSTEM, user_id=other.pk, department_code="JYJ", role="caseworker")
    org_services.membership_grant(actor=SYSTEM, user_id=caseworker.pk, department_code="SCJGJ", role="caseworker")
    org_services.membership_grant(actor=SYSTEM, user_id=leader.pk, department_code="SZFB", role="leader")
    return {"citizen": citizen, "other": other, "caseworker": caseworker, "leader": leader}


def _client(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


# (path, {who: expected status}); a 302 for anonymous must lead to the log-in page.
PAGES = [
    ("/workbench/", {"anonymous": 302, "citizen": 403, "other": 200, "caseworker": 200, "leader": 200}),
    ("/cockpit/", {"anonymous": 302, "citizen": 403, "other": 403, "caseworker": 403, "leader": 200}),
    ("/accounts/sessions/", {"anonymous": 302, "citizen": 200, "other": 200, "caseworker": 200, "leader": 200}),
    (
        "/accounts/security/authenticator/",
        {"anonymous": 302, "citizen": 200, "other": 200, "caseworker": 200, "leader": 200},
    ),
    ("/home/", {"anonymous": 302, "citizen": 302, "other": 302, "caseworker": 302, "leader": 302}),
]


@pytest.mark.parametrize(("path", "expected"), PAGES, ids=[p for p, _ in PAGES])
@pytest.mark.parametrize("who", ["anonymous", "citizen", "other", "caseworker", "leader"])
def test_protected_pages(people, path, expected, who) -> None:  # type: ignore[no-untyped-def]
    response = _client(None if who == "anonymous" else people[who]).get(path)

    assert response.status_code == expected[who], (who, path, response.status_code)
    if who == "anonymous":
        assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other", "caseworker", "leader"])
def test_admin_is_only_for_administrators(people, who) -> None:  # type: ignore[no-untyped-def]
    response = _client(None if who == "anonymous" else people[who]).get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_opens_for_a_superuser(people) -> None:  # type: ignore[no-untyped-def]
    admin = factories.staff(username="m_admin", is_staff=True, is_superuser=True)

    assert _client(admin).get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other", "caseworker", "leader"])
def test_ending_someone_elses_session_answers_404_and_changes_nothing(people, who) -> None:  # type: ignore[no-untyped-def]
    owner = factories.citizen(username="m_owner")
    owner_browser = Client()
    assert owner_browser.post(LOGIN, {"username": "m_owner", "password": factories.PASSWORD}).status_code == 302
    from zhizheng.accounts.selectors import session_public_id

    session = UserSession.objects.get(user=owner)
    public_id = session_public_id(session.session_key)
    intruder = _client(None if who == "anonymous" else people[who])
    before = UserSession.objects.count()

    response = intruder.post(reverse("accounts:session_end", args=[public_id]))

    assert response.status_code == (302 if who == "anonymous" else 404)
    if who == "anonymous":
        assert response["Location"].startswith(LOGIN)
    assert UserSession.objects.count() == before
    assert UserSession.objects.filter(pk=session.pk).exists()
    assert owner_browser.get("/accounts/sessions/").status_code == 200  # the owner is still signed in


def test_ending_other_sessions_needs_a_signed_in_person() -> None:
    before = UserSession.objects.count()

    response = Client().post(reverse("accounts:sessions_end_others"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert UserSession.objects.count() == before


@pytest.mark.parametrize("who", ["anonymous", "citizen", "caseworker"])
def test_api_me_needs_authentication(people, who) -> None:  # type: ignore[no-untyped-def]
    response = _client(None if who == "anonymous" else people[who]).get("/api/v1/me")

    if who == "anonymous":
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/problem+json")
        assert json.loads(response.content)["code"] == "core.not_authenticated"
    else:
        assert response.status_code == 200
        assert json.loads(response.content)["kind"] == "user"


def test_api_me_with_a_bearer_token_and_without(people) -> None:  # type: ignore[no-untyped-def]
    _token, plain = factories.api_token(owner=people["caseworker"])  # type: ignore[arg-type]

    good = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    bad = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer zz_nothing_here")

    assert good.status_code == 200
    assert json.loads(good.content)["kind"] == "api_client"
    assert bad.status_code == 401
    assert bad["Content-Type"].startswith("application/problem+json")
    assert ApiToken.objects.count() == 1
