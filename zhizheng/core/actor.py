"""The ``Actor``: who is acting, passed explicitly into every service function.

An actor is a signed-in user (with roles per department), the system itself (scheduled jobs, migrations), or an
API client (a bearer token with scopes). ``core`` knows nothing of the models that back these; ``orgs`` builds
actors for users and ``accounts`` for API tokens.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest


class ActorKind(enum.StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"
    SYSTEM = "system"
    API_CLIENT = "api_client"


@dataclass(frozen=True, slots=True)
class Actor:
    """An immutable description of who acts. ``roles`` holds ``(department_code, role)`` pairs."""

    kind: ActorKind
    user_id: int | None = None
    display: str = ""
    user_kind: str = ""
    roles: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    client_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    is_superuser: bool = False
    real_name_level: int = 0

    # --- identity -----------------------------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return self.kind in (ActorKind.USER, ActorKind.API_CLIENT, ActorKind.SYSTEM)

    @property
    def is_system(self) -> bool:
        return self.kind is ActorKind.SYSTEM

    @property
    def ref(self) -> str:
        """A stable, non-personal reference for logs and the ledger, e.g. ``user:42`` or ``system``."""
        if self.kind is ActorKind.USER:
            return f"user:{self.user_id}"
        if self.kind is ActorKind.API_CLIENT:
            return f"client:{self.client_id}"
        return self.kind.value

    # --- roles ----------------------------------------------------------------------------------------------
    def has_role(self, role: str, department: str | None = None) -> bool:
        """True if the actor holds ``role`` (in ``department`` when given)."""
        return any(r == role and (department is None or d == department) for d, r in self.roles)

    def departments(self, role: str | None = None) -> frozenset[str]:
        """Department codes where the actor holds ``role`` (any role when None)."""
        return frozenset(d for d, r in self.roles if role is None or r == role)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def __str__(self) -> str:
        return self.display or self.ref


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS, display="anonymous")
SYSTEM = Actor(kind=ActorKind.SYSTEM, display="system", is_superuser=True)


def actor_of(request: HttpRequest) -> Actor:
    """The actor that ``web.middleware.ActorMiddleware`` set on ``request``, or ``ANONYMOUS`` when none was set.

    The one way pages, admin views and session-authenticated API functions read the actor, so that a request built
    outside the middleware chain (a ``RequestFactory`` request in a test, a management command rendering a view)
    acts as nobody rather than failing. API functions behind token authentication use
    ``accounts.api.request_actor``, which reads the authenticated ``request.auth`` and answers 401 without one.
    """
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else ANONYMOUS
