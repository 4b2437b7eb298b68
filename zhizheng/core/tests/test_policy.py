import enum
from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.core.models import HolidayYear
from zhizheng.core.policy import (
    Policy,
    all_of,
    allow,
    any_of,
    deny,
    has_role,
    has_scope,
    is_authenticated,
    is_user,
    negate,
)


class Perm(enum.StrEnum):
    VIEW = "demo.case.view"
    EDIT = "demo.case.edit"
    CREATE = "demo.case.create"
    PURGE = "demo.case.purge"


@dataclass
class Case:
    owner_id: int
    department: str


def is_owner(actor, obj):
    return obj is not None and actor.user_id == obj.owner_id


clerk_of_case_department = has_role("clerk", lambda case: case.department)


class CasePolicy(Policy[Perm]):
    permission_enum = Perm
    view_permission = Perm.VIEW
    rules = {
        Perm.VIEW: any_of(is_owner, clerk_of_case_department),
        Perm.EDIT: all_of(is_user, is_owner),
        Perm.CREATE: is_authenticated,
        Perm.PURGE: deny,
    }

    def scope_for(self, actor, queryset):
        return queryset.filter(complete=True) if actor.is_authenticated else queryset.none()


policy = CasePolicy()
OWNER = Actor(kind=ActorKind.USER, user_id=1)
STRANGER = Actor(kind=ActorKind.USER, user_id=2)
CLERK = Actor(kind=ActorKind.USER, user_id=3, roles=frozenset({("D1", "clerk")}))
OTHER_CLERK = Actor(kind=ActorKind.USER, user_id=4, roles=frozenset({("D2", "clerk")}))
CLIENT = Actor(kind=ActorKind.API_CLIENT, client_id=9, scopes=frozenset({"cases:read"}))
CASE = Case(owner_id=1, department="D1")


@pytest.mark.parametrize(
    ("actor", "view", "edit", "create", "purge"),
    [
        (ANONYMOUS, False, False, False, False),
        (OWNER, True, True, True, False),
        (STRANGER, False, False, True, False),
        (CLERK, True, False, True, False),
        (OTHER_CLERK, False, False, True, False),
        (SYSTEM, True, True, True, True),
    ],
)
def test_authorisation_matrix(actor, view, edit, create, purge):
    assert policy.has(actor, Perm.VIEW, CASE) is view
    assert policy.has(actor, Perm.EDIT, CASE) is edit
    assert policy.has(actor, Perm.CREATE) is create
    assert policy.has(actor, Perm.PURGE, CASE) is purge


def test_require_hides_objects_the_actor_cannot_see():
    with pytest.raises(NotFound):
        policy.require(STRANGER, Perm.EDIT, CASE)
    with pytest.raises(NotFound):
        policy.require(OTHER_CLERK, Perm.VIEW, CASE)


def test_require_forbids_what_a_visible_object_does_not_allow():
    with pytest.raises(PermissionDenied) as caught:
        policy.require(CLERK, Perm.EDIT, CASE)
    assert caught.value.instance_code == "core.permission_denied"
    assert caught.value.status == 403
    with pytest.raises(PermissionDenied):
        policy.require(ANONYMOUS, Perm.CREATE)


def test_require_passes_silently():
    assert policy.require(OWNER, Perm.EDIT, CASE) is None
    assert policy.require(CLERK, Perm.VIEW, CASE) is None


def test_superuser_pass_can_be_switched_off():
    class StrictPolicy(CasePolicy):
        superuser_passes = False

    assert StrictPolicy().has(SYSTEM, Perm.PURGE, CASE) is False
    assert StrictPolicy().has(SYSTEM, Perm.CREATE) is True


def test_missing_rule_is_a_definition_error():
    with pytest.raises(ImproperlyConfigured, match=r"no rule for demo\.case\.purge"):

        class Incomplete(Policy[Perm]):
            permission_enum = Perm
            rules = {Perm.VIEW: allow, Perm.EDIT: allow, Perm.CREATE: allow}


def test_foreign_permission_is_a_definition_error():
    class Other(enum.StrEnum):
        X = "other.x"

    with pytest.raises(ImproperlyConfigured, match=r"unknown permissions other\.x"):

        class Stray(Policy[Perm]):
            permission_enum = Perm
            rules = {Perm.VIEW: allow, Perm.EDIT: allow, Perm.CREATE: allow, Perm.PURGE: allow, Other.X: allow}


def test_rule_helpers():
    assert has_scope("cases:read")(CLIENT, None) is True
    assert has_scope("cases:write")(CLIENT, None) is False
    assert has_scope("cases:read")(OWNER, None) is False
    assert is_user(CLIENT, None) is False
    assert negate(is_authenticated)(ANONYMOUS, None) is True
    assert has_role("clerk")(OTHER_CLERK, None) is True
    assert clerk_of_case_department(CLERK, None) is False


@pytest.mark.django_db
def test_scope_narrows_querysets_and_defaults_to_nothing():
    HolidayYear.objects.create(year=2026, complete=True)
    HolidayYear.objects.create(year=2027, complete=False)
    everything = HolidayYear.objects.all()
    assert [y.year for y in policy.scope(SYSTEM, everything)] == [2027, 2026]
    assert [y.year for y in policy.scope(OWNER, everything)] == [2026]
    assert list(policy.scope(ANONYMOUS, everything)) == []

    class Forgetful(Policy[Perm]):
        permission_enum = Perm
        rules = dict.fromkeys(Perm, allow)

    assert list(Forgetful().scope(OWNER, everything)) == []
