"""The policy base every app's ``permissions.py`` subclasses: a table of permission -> rule, read three ways.

    class Perm(StrEnum):
        VIEW = "govservices.application.view"
        SUBMIT = "govservices.application.submit"

    class ApplicationPolicy(Policy[Perm]):
        permission_enum = Perm
        view_permission = Perm.VIEW
        rules = {
            Perm.VIEW: any_of(is_owner, has_role("clerk")),
            Perm.SUBMIT: is_owner,
        }

        def scope_for(self, actor, queryset):
            return queryset.filter(applicant_id=actor.user_id)

    policy = ApplicationPolicy()
    policy.require(actor, Perm.SUBMIT, application)

``has`` answers yes or no; ``require`` raises ``PermissionDenied`` (403), or ``NotFound`` (404) when the actor may
not even see the object, because a hidden object must look exactly like a missing one; ``scope`` narrows a
queryset to what the actor may see. Every permission must have a rule (checked when the class is defined), so a
forgotten rule is an import-time error, never a silent allow. Superusers and the system actor pass every rule
unless the policy sets ``superuser_passes = False``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotFound, PermissionDenied

Rule = Callable[[Actor, Any], bool]
"""A predicate ``(actor, obj) -> bool``; ``obj`` is None for permissions that concern no object (e.g. create)."""

P = TypeVar("P", bound=enum.StrEnum)
M = TypeVar("M", bound=Model)


class Policy(Generic[P]):
    """Subclass with ``permission_enum`` and ``rules``, and usually ``view_permission`` and ``scope_for``."""

    permission_enum: ClassVar[type[enum.StrEnum]]
    rules: ClassVar[Mapping[Any, Rule]]
    view_permission: ClassVar[enum.StrEnum | None] = None
    superuser_passes: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        enum_type = cls.__dict__.get("permission_enum")
        if enum_type is None:
            return  # an intermediate base; its concrete subclasses are checked
        rules = getattr(cls, "rules", None)
        if rules is None:
            raise ImproperlyConfigured(f"{cls.__name__} declares no rules")
        missing = [member.value for member in enum_type if member not in rules]
        if missing:
            raise ImproperlyConfigured(f"{cls.__name__} has no rule for {', '.join(missing)}")
        stray = [str(key) for key in rules if not isinstance(key, enum_type)]
        if stray:
            raise ImproperlyConfigured(f"{cls.__name__} has rules for unknown permissions {', '.join(stray)}")
        if cls.view_permission is not None and cls.view_permission not in rules:
            raise ImproperlyConfigured(f"{cls.__name__}.view_permission is not one of its permissions")

    def has(self, actor: Actor, perm: P, obj: object | None = None) -> bool:
        """True when ``actor`` may ``perm`` (on ``obj``)."""
        if self.superuser_passes and actor.is_superuser:
            return True
        rule = self.rules.get(perm)
        if rule is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no rule for {perm!r}")
        return bool(rule(actor, obj))

    def can_see(self, actor: Actor, obj: object) -> bool:
        """True when the object exists for this actor (always, when the policy names no view permission)."""
        view = self.view_permission
        if view is None:
            return True
        return self.has(actor, view, obj)  # type: ignore[arg-type]

    def require(self, actor: Actor, perm: P, obj: object | None = None) -> None:
        """Raise unless ``actor`` may ``perm``: ``NotFound`` when the object is hidden from the actor (it lacks
        the view permission on it), otherwise ``PermissionDenied``."""
        if self.has(actor, perm, obj):
            return
        if obj is not None and (perm == self.view_permission or not self.can_see(actor, obj)):
            raise NotFound()
        raise PermissionDenied()

    def scope(self, actor: Actor, queryset: QuerySet[M]) -> QuerySet[M]:
        """The part of ``queryset`` the actor may see. Superusers see all; everyone else gets ``scope_for``."""
        if self.superuser_passes and actor.is_superuser:
            return queryset
        return self.scope_for(actor, queryset)

    def scope_for(self, actor: Actor, queryset: QuerySet[M]) -> QuerySet[M]:
        """Narrow ``queryset`` for an actor who is not a superuser. Override: the base shows nothing, so a policy
        that forgets to narrow leaks nothing."""
        return queryset.none()


# --- reusable rules --------------------------------------------------------------------------------------------


def allow(actor: Actor, obj: object | None) -> bool:
    """Everyone, signed in or not (public pages, open data)."""
    return True


def deny(actor: Actor, obj: object | None) -> bool:
    """No one (superusers still pass when the policy lets them)."""
    return False


def is_authenticated(actor: Actor, obj: object | None) -> bool:
    return actor.is_authenticated


def is_user(actor: Actor, obj: object | None) -> bool:
    """A signed-in person (not an API client, not the system)."""
    return actor.kind is ActorKind.USER and actor.user_id is not None


def has_role(role: str, department: Callable[[Any], str | None] | None = None) -> Rule:
    """The actor holds ``role``; with ``department``, in the department that function reads from the object (an
    object without a department, or no object, then fails the rule)."""

    def rule(actor: Actor, obj: object | None) -> bool:
        if department is None:
            return actor.has_role(role)
        wanted = department(obj) if obj is not None else None
        return wanted is not None and actor.has_role(role, wanted)

    rule.__name__ = f"has_role_{role}"
    return rule


def has_scope(scope: str) -> Rule:
    """The actor is an API client holding ``scope``."""

    def rule(actor: Actor, obj: object | None) -> bool:
        return actor.kind is ActorKind.API_CLIENT and actor.has_scope(scope)

    rule.__name__ = f"has_scope_{scope}"
    return rule


def any_of(*rules: Rule) -> Rule:
    """Passes when one of ``rules`` passes (evaluated in order, stopping at the first that does)."""

    def rule(actor: Actor, obj: object | None) -> bool:
        return any(r(actor, obj) for r in rules)

    return rule


def all_of(*rules: Rule) -> Rule:
    """Passes when every one of ``rules`` passes."""

    def rule(actor: Actor, obj: object | None) -> bool:
        return all(r(actor, obj) for r in rules)

    return rule


def negate(inner: Rule) -> Rule:
    def rule(actor: Actor, obj: object | None) -> bool:
        return not inner(actor, obj)

    return rule
