"""Staff roles per department: granting, revoking, and the roles on the Actor."""

from __future__ import annotations

import pytest

from zhizheng.accounts.tests import factories as account_factories
from zhizheng.core.actor import SYSTEM, Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.orgs import selectors, services
from zhizheng.orgs.choices import Role
from zhizheng.orgs.models import Membership
from zhizheng.orgs.tests import factories

pytestmark = pytest.mark.django_db


def test_actor_carries_active_roles_in_one_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = account_factories.staff()
    scjgj, szfb = factories.department(code="SCJGJ"), factories.department(code="SZFB")
    factories.membership(user=user, department=scjgj, role=Role.CASEWORKER)
    factories.membership(user=user, department=scjgj, role=Role.SECTION_CHIEF, active=False)
    factories.membership(user=user, department=szfb, role=Role.LEADER)

    with django_assert_num_queries(1):
        actor = selectors.actor_for_user(user)

    assert actor.roles == frozenset({("SCJGJ", "caseworker"), ("SZFB", "leader")})
    assert actor.has_role("leader")
    assert not actor.has_role("section_chief")
    assert (actor.kind, actor.user_id, actor.user_kind) == (ActorKind.USER, user.pk, "staff")


def test_administrator_grants_and_revokes_a_role() -> None:
    admin_actor = Actor(kind=ActorKind.USER, user_id=999, roles=frozenset({("SJJ", Role.ADMINISTRATOR)}))
    user = account_factories.staff()
    factories.department(code="SCJGJ")

    membership = services.membership_grant(
        actor=admin_actor, user_id=user.pk, department_code="SCJGJ", role="caseworker"
    )
    again = services.membership_grant(actor=admin_actor, user_id=user.pk, department_code="SCJGJ", role="caseworker")
    assert again.pk == membership.pk
    assert selectors.actor_for_user(user).roles == frozenset({("SCJGJ", "caseworker")})

    services.membership_revoke(actor=admin_actor, membership=membership)

    assert selectors.actor_for_user(user).roles == frozenset()
    services.membership_grant(actor=admin_actor, user_id=user.pk, department_code="SCJGJ", role="caseworker")
    assert Membership.objects.get().active is True


@pytest.mark.parametrize(
    "roles",
    [frozenset(), frozenset({("SCJGJ", "department_head")}), frozenset({("SCJGJ", "leader")})],
    ids=["no-role", "department-head", "leader"],
)
def test_others_cannot_grant_roles(roles: frozenset[tuple[str, str]]) -> None:
    actor = Actor(kind=ActorKind.USER, user_id=998, roles=roles)
    user = account_factories.staff()
    factories.department(code="SCJGJ")

    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=actor, user_id=user.pk, department_code="SCJGJ", role="administrator")

    assert Membership.objects.count() == 0


def test_unknown_role_and_department_are_refused() -> None:
    user = account_factories.staff()
    factories.department(code="SCJGJ")

    with pytest.raises(services.UnknownRole) as role_error:
        services.membership_grant(actor=SYSTEM, user_id=user.pk, department_code="SCJGJ", role="emperor")
    with pytest.raises(services.UnknownDepartment) as department_error:
        services.membership_grant(actor=SYSTEM, user_id=user.pk, department_code="NOPE", role="caseworker")

    assert role_error.value.as_problem()["status"] == 422
    assert department_error.value.as_problem()["status"] == 404
    assert Membership.objects.count() == 0


def test_granting_to_an_unknown_user_is_refused() -> None:
    factories.department(code="SCJGJ")

    with pytest.raises(NotFound) as caught:
        services.membership_grant(actor=SYSTEM, user_id=987654, department_code="SCJGJ", role="caseworker")

    assert caught.value.as_problem()["status"] == 404
    assert Membership.objects.count() == 0


def test_bulk_grant_is_idempotent() -> None:
    first, second = account_factories.staff(), account_factories.staff()
    factories.department(code="SCJGJ")
    grants = [
        (first.pk, "SCJGJ", "caseworker"),
        (second.pk, "SCJGJ", "department_head"),
        (first.pk, "SCJGJ", "caseworker"),
    ]

    assert services.memberships_grant_many(actor=SYSTEM, grants=grants) == 2
    assert services.memberships_grant_many(actor=SYSTEM, grants=grants) == 0
    assert Membership.objects.count() == 2


def test_membership_list_is_scoped_to_the_actor() -> None:
    user, other = account_factories.staff(), account_factories.staff()
    department = factories.department(code="SCJGJ")
    factories.membership(user=user, department=department)
    factories.membership(user=other, department=department)
    me = Actor(kind=ActorKind.USER, user_id=user.pk)

    assert [m.user_id for m in selectors.membership_list(actor=me)] == [user.pk]
    assert len(selectors.membership_list(actor=SYSTEM)) == 2
    assert selectors.staff_user_ids(department_code="SCJGJ", role="caseworker") == sorted([user.pk, other.pk])


@pytest.mark.parametrize(
    "page",
    ["admin:orgs_division_changelist", "admin:orgs_department_changelist", "admin:orgs_membership_changelist"],
)
def test_admin_pages_list_organisation_data(client, page: str) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    user = account_factories.staff(real_name="李娜")
    factories.membership(user=user, department=factories.department(code="SCJGJ", name="示范市市场监督管理局"))
    client.force_login(account_factories.staff(username="root", is_superuser=True, is_staff=True))

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert ("990100" if "division" in page else "SCJGJ") in response.content.decode()
