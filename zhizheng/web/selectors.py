"""Reads for the shell: health of dependencies, the last worker heartbeat, what the faces' home pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from zhizheng.core.actor import Actor
from zhizheng.orgs import selectors as orgs_selectors
from zhizheng.web.models import WorkerHeartbeat


def broker_status(timeout: float = 2.0) -> str:
    """``ok`` if the configured Celery broker (``settings.CELERY_BROKER_URL``) accepts a connection within
    ``timeout`` seconds, else ``unavailable``."""
    from zhizheng.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:  # noqa: BLE001 - any failure means unavailable
        return "unavailable"
    return "ok"


def worker_last_beat_at(name: str = "web.heartbeat") -> datetime | None:
    """When the periodic heartbeat ``name`` last ran on a worker, or None if it never has."""
    return WorkerHeartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()


@dataclass(frozen=True, slots=True)
class MembershipRow:
    """One department and role of the signed-in staff member, ready to show."""

    department_code: str
    department_name: str
    role: str
    role_label: str


def workbench_memberships(*, actor: Actor) -> list[MembershipRow]:
    """The active departments and roles of ``actor`` (their own only), by department code."""
    if actor.user_id is None:
        return []
    memberships = orgs_selectors.membership_list(actor=actor, user_id=actor.user_id).filter(active=True)
    rows: list[MembershipRow] = []
    for membership in memberships:
        rows.append(
            MembershipRow(
                department_code=membership.department.code,
                department_name=membership.department.name,
                role=membership.role,
                role_label=str(membership.get_role_display()),
            )
        )
    return rows
