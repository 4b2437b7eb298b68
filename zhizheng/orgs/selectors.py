"""Reads about divisions, departments and staff roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.orgs.choices import Role
from zhizheng.orgs.models import Department, Division, Membership


def actor_for_user(user: Any) -> Actor:
    """Build the ``Actor`` for a signed-in user, with the ``(department_code, role)`` pairs of their active
    memberships. One query; the web middleware builds it lazily once per request."""
    roles = frozenset(
        (str(code), str(role))
        for code, role in Membership.objects.filter(user_id=user.pk, active=True).values_list(
            "department__code", "role"
        )
    )
    return Actor(
        kind=ActorKind.USER,
        user_id=user.pk,
        display=str(user),
        user_kind=getattr(user, "kind", ""),
        roles=roles,
        is_superuser=bool(user.is_superuser),
        real_name_level=int(getattr(user, "real_name_level", 0)),
    )


def division_list(*, parent_code: str | None = None) -> QuerySet[Division]:
    """Divisions (public reference data), optionally only the children of ``parent_code``."""
    queryset = Division.objects.select_related("parent")
    if parent_code is not None:
        queryset = queryset.filter(parent__code=parent_code)
    return queryset.order_by("code")


def department_list() -> QuerySet[Department]:
    """Departments (public reference data) with their parent and division."""
    return Department.objects.select_related("parent", "division").order_by("code")


def membership_list(*, actor: Actor, user_id: int | None = None) -> QuerySet[Membership]:
    """Memberships ``actor`` may see: their own; everyone's for administrators and the system."""
    queryset = Membership.objects.select_related("department", "user").order_by("department__code", "role")
    if not (actor.is_system or actor.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
        queryset = queryset.filter(user_id=actor.user_id) if actor.user_id is not None else queryset.none()
    if user_id is not None:
        queryset = queryset.filter(user_id=user_id)
    return queryset


def staff_user_ids(*, department_code: str, role: str) -> list[int]:
    """Users holding ``role`` in the department (active memberships), for routing work to people."""
    return list(
        Membership.objects.filter(department__code=department_code, role=role, active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
