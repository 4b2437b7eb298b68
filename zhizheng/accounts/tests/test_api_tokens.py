"""API tokens: creation shows the plain token once; bearer auth for valid, expired, revoked and wrong tokens;
session auth with CSRF; /api/v1/me; the management command and the admin."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from ninja.errors import HttpError

from zhizheng.accounts import services
from zhizheng.accounts.api import SessionActorAuth
from zhizheng.accounts.models import ApiToken, User
from zhizheng.accounts.tests import factories
from zhizheng.core.actor import ANONYMOUS, SYSTEM
from zhizheng.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _me(client: Client, token: str | None = None) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    return client.get("/api/v1/me", headers=headers)


def test_created_token_is_returned_once_and_only_its_hash_is_stored() -> None:
    owner = factories.citizen()

    token, plain = factories.api_token(owner=owner, scopes=("registries.read", "registries.read", "cityevents.write"))

    assert plain.startswith(f"zz_{token.prefix}_")
    assert len(plain) == 3 + 10 + 1 + 43
    stored = ApiToken.objects.get(pk=token.pk)
    assert plain not in (stored.secret_hash, stored.prefix)
    assert stored.scopes == ["cityevents.write", "registries.read"]
    assert stored.expires_at is not None


def test_valid_token_authenticates_as_an_api_client_with_its_scopes() -> None:
    owner = factories.citizen(real_name="王芳")
    token, plain = factories.api_token(owner=owner)

    response = _me(Client(), plain)

    assert response.status_code == 200
    assert response.json() == {
        "kind": "api_client",
        "user_kind": "citizen",
        "display": "test client",
        "roles": [],
        "scopes": ["registries.read"],
        "real_name_level": 1,
        "is_superuser": False,
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("expired", "accounts.api_token_expired"),
        ("revoked", "accounts.api_token_revoked"),
        ("wrong-secret", "accounts.api_token_invalid"),
        ("malformed", "accounts.api_token_invalid"),
        ("owner-disabled", "accounts.api_token_invalid"),
    ],
)
def test_unusable_tokens_get_401_problem_json_saying_why(case: str, code: str) -> None:
    owner = factories.citizen()
    token, plain = factories.api_token(owner=owner)
    if case == "expired":
        factories.expire(token)
    elif case == "revoked":
        services.api_token_revoke(actor=SYSTEM, token=token)
    elif case == "wrong-secret":
        plain = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")
    elif case == "malformed":
        plain = "not-a-token"
    elif case == "owner-disabled":
        User.objects.filter(pk=owner.pk).update(is_active=False)

    response = _me(Client(), plain)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert body["status"] == 401
    assert body["detail_en"]


def test_no_credentials_get_401_problem_json() -> None:
    response = _me(Client())

    assert response.status_code == 401
    assert response.json()["code"] == "core.not_authenticated"


def test_session_user_sees_themselves_masked_with_roles_and_level(client: Client) -> None:
    client.force_login(factories.citizen(real_name="王小芳", real_name_level=User.RealNameLevel.L2))

    body = _me(client).json()

    assert body["kind"] == "user"
    assert body["display"] == "王**"
    assert body["real_name_level"] == 2
    assert body["roles"] == []


def test_session_auth_enforces_csrf_on_unsafe_methods_only_for_signed_in_sessions() -> None:
    user = factories.citizen()
    auth = SessionActorAuth()
    factory = RequestFactory()

    post = factory.post("/api/v1/anything")
    post.user = user
    post.actor = SYSTEM  # whatever the middleware built
    post._dont_enforce_csrf_checks = False
    with pytest.raises(HttpError) as caught:
        auth(post)
    assert caught.value.status_code == 403

    get = factory.get("/api/v1/anything")
    get.user = user
    get.actor = SYSTEM
    assert auth(get) is SYSTEM

    from django.contrib.auth.models import AnonymousUser

    anonymous_post = factory.post("/api/v1/anything")
    anonymous_post.user = AnonymousUser()
    anonymous_post.actor = ANONYMOUS
    assert auth(anonymous_post) is None  # no CSRF demand: a bearer token may still authenticate the request


def test_owner_or_administrator_only_may_create_and_revoke() -> None:
    owner, other = factories.citizen(), factories.citizen()
    other_actor = _user_actor(other)

    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=other_actor, owner=owner, name="x", scopes=[], days=1)
    token, _plain = services.api_token_create(actor=_user_actor(owner), owner=owner, name="mine", scopes=[], days=1)
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=other_actor, token=token)

    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_invalid_token_requests_are_refused_with_field_errors() -> None:
    owner = factories.citizen()

    with pytest.raises(ValidationFailed) as caught:
        services.api_token_create(actor=_user_actor(owner), owner=owner, name="", scopes=["Bad Scope"], days=None)

    assert set(caught.value.field_errors) == {"name", "scopes", "days"}
    assert ApiToken.objects.count() == 0


def test_command_creates_lists_and_revokes() -> None:
    factories.staff(username="etl")
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "api_token", "create", "--user", "etl", "--scope", "registries.read", "--days", "7", stdout=out, stderr=err
    )

    plain = out.getvalue().strip()
    assert _me(Client(), plain).json()["scopes"] == ["registries.read"]
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "usable" in listing.getvalue()
    assert plain not in listing.getvalue()
    call_command("api_token", "revoke", plain, stdout=io.StringIO())
    assert _me(Client(), plain).json()["code"] == "accounts.api_token_revoked"


def test_command_reports_bad_input() -> None:
    factories.staff(username="etl")

    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("api_token", "create", "--user", "ghost")
    with pytest.raises(CommandError, match="366 days"):
        call_command("api_token", "create", "--user", "etl", "--days", "400")


def test_admin_creates_a_token_shows_it_once_and_revokes(client: Client) -> None:
    admin = factories.staff(username="root", is_superuser=True, is_staff=True)
    owner = factories.citizen(username="wangfang")
    client.force_login(admin)

    response = client.post(
        reverse("admin:accounts_apitoken_add"),
        {"name": "nightly export", "owner": owner.pk, "scopes_text": "registries.read, datahub.read", "days": "30"},
        follow=True,
    )

    token = ApiToken.objects.get()
    page = response.content.decode()
    found = re.search(rf"zz_{token.prefix}_[A-Za-z0-9_-]{{43}}", page)
    assert found is not None
    plain = found.group(0)
    assert token.scopes == ["datahub.read", "registries.read"]
    assert _me(Client(), plain).status_code == 200
    assert plain not in client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()

    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_user_list_masks_personal_data(client: Client) -> None:
    admin = factories.staff(username="root", is_superuser=True, is_staff=True)
    person = factories.citizen(username="wangfang", real_name="王小芳", phone="13912345678")
    client.force_login(admin)

    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert person.id_number not in page
    assert "13912345678" not in page
    assert "王小芳" not in page
    assert "139****5678" in page
    assert "王**" in page


def _user_actor(user: User) -> Any:
    from zhizheng.core.actor import Actor, ActorKind

    return Actor(kind=ActorKind.USER, user_id=user.pk, display=str(user), user_kind=user.kind)
