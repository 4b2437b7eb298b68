"""Sharing (共享交换): requests for a resource, the provider's answer within 10 working days, grants (scoped keys)
and the data API that serves only what a grant allows, logging every call."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhizheng.core.workdays import add_working_days, count_working_days
from zhizheng.datahub.choices import RequestStatus, ShareType, Status
from zhizheng.datahub.errors import (
    GrantAlreadyRevoked,
    NotShareable,
    RequestDecided,
    RequestInvalid,
)
from zhizheng.datahub.models import Grant, Resource, ShareRequest
from zhizheng.datahub.permissions import Perm, policy
from zhizheng.ledger import services as ledger
from zhizheng.orgs.models import Department

ANSWER_WORKING_DAYS = 10
"""The provider answers a conditional request within 10 working days (国发〔2016〕51号)."""
WARNING_SHARE = 0.8
MAX_PERIOD_DAYS = 3 * 365
DEFAULT_RATE_LIMIT = 60
ROW_FILTER_KEYS = frozenset({"district_code"})


@dataclass(frozen=True, slots=True)
class RequestSpec:
    resource_code: str
    department_code: str
    purpose: str
    fields: Sequence[str]
    legal_basis: str
    period_days: int


@dataclass(frozen=True, slots=True)
class Issued:
    """A request and, when granted, its grant and the plain key (shown once)."""

    request: ShareRequest
    grant: Grant | None = None
    key: str = ""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue_grant(
    actor: Actor, request: ShareRequest, *, rate_limit: int, row_filter: dict[str, str]
) -> tuple[Grant, str]:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(24)
    plain = f"dh_{prefix}_{secret}"
    grant = Grant.objects.create(
        request=request,
        resource=request.resource,
        department=request.department,
        fields=list(request.fields),
        row_filter=row_filter,
        rate_limit=rate_limit,
        expires_at=timezone.now() + dt.timedelta(days=request.period_days),
        prefix=prefix,
        key_hash=_hash(plain),
    )
    ledger.record(
        actor=actor,
        act="datahub.grant.issued",
        subject=grant,
        payload={
            "request": request.pk,
            "resource": request.resource.code,
            "department": request.department.code,
            "fields": list(grant.fields),
            "row_filter": row_filter,
            "rate_limit": rate_limit,
            "expires_at": grant.expires_at.isoformat(),
        },
    )
    return grant, plain


def _request_errors(spec: RequestSpec, keys: Sequence[str]) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if not spec.purpose.strip():
        errors["purpose"] = [_("State the purpose of the use.")]
    if not spec.legal_basis.strip():
        errors["legal_basis"] = [_("Cite the legal basis of the use.")]
    if not 1 <= spec.period_days <= MAX_PERIOD_DAYS:
        errors["period_days"] = [_("The period is 1 to 1,095 days.")]
    unknown = sorted(set(spec.fields) - set(keys))
    if not spec.fields:
        errors["fields"] = [_("Choose at least one field.")]
    elif unknown:
        errors["fields"] = [format_lazy(_("Unknown fields: {fields}."), fields=", ".join(unknown))]
    return errors


@transaction.atomic
def request_create(*, actor: Actor, spec: RequestSpec) -> Issued:
    """A department asks for a resource. Unconditionally shared → granted at once; conditionally shared → waits
    for the provider's data officer, due in 10 working days."""
    department = Department.objects.filter(code=spec.department_code).first()
    if department is None:
        raise ValidationFailed(field_errors={"department_code": [_("No department has this code.")]})
    policy.require(actor, Perm.REQUEST, department)
    resource = Resource.objects.select_related("provider").filter(code=spec.resource_code).first()
    if resource is None:
        raise NotFound()
    if resource.status != Status.PUBLISHED or resource.share_type == ShareType.NOT_SHARED:
        raise NotShareable()
    keys = list(resource.items.values_list("key", flat=True))
    errors = _request_errors(spec, keys)
    if errors:
        raise RequestInvalid(field_errors=errors)
    order = {key: i for i, key in enumerate(keys)}
    request = ShareRequest.objects.create(
        resource=resource,
        department=department,
        requested_by=actor.ref,
        purpose=spec.purpose.strip(),
        fields=sorted(set(spec.fields), key=order.__getitem__),
        legal_basis=spec.legal_basis.strip(),
        period_days=spec.period_days,
        status=RequestStatus.PENDING,
    )
    ledger.record(
        actor=actor,
        act="datahub.request.submitted",
        subject=request,
        payload={
            "resource": resource.code,
            "department": department.code,
            "fields": list(request.fields),
            "purpose": request.purpose,
            "legal_basis": request.legal_basis,
            "period_days": request.period_days,
        },
    )
    if resource.share_type == ShareType.UNCONDITIONAL:
        request.status = RequestStatus.GRANTED
        request.decided_at = timezone.now()
        request.decided_by = "system"
        request.reason = "无条件共享"
        request.save(update_fields=["status", "decided_at", "decided_by", "reason", "updated_at"])
        grant, plain = _issue_grant(actor, request, rate_limit=DEFAULT_RATE_LIMIT, row_filter={})
        return Issued(request=request, grant=grant, key=plain)
    request.due_on, _warnings = add_working_days(timezone.localdate(), ANSWER_WORKING_DAYS)
    request.save(update_fields=["due_on", "updated_at"])
    return Issued(request=request)


def _pending_for_decision(actor: Actor, request: ShareRequest) -> ShareRequest:
    locked = ShareRequest.objects.select_for_update().select_related("resource__provider", "department")
    found = locked.get(pk=request.pk)
    if not policy.has(actor, Perm.SEE_REQUEST, found):
        raise NotFound()
    if not policy.has(actor, Perm.DECIDE, found):
        raise PermissionDenied()
    if found.status != RequestStatus.PENDING:
        raise RequestDecided()
    return found


@transaction.atomic
def request_approve(
    *,
    actor: Actor,
    request: ShareRequest,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    row_filter: dict[str, str] | None = None,
    reason: str = "",
) -> Issued:
    """The provider's data officer grants a pending request, with a rate limit and an optional row filter."""
    found = _pending_for_decision(actor, request)
    row_filter = dict(row_filter or {})
    errors: dict[str, list[Any]] = {}
    if not 1 <= rate_limit <= 10_000:
        errors["rate_limit"] = [_("The rate limit is 1 to 10,000 calls per minute.")]
    if set(row_filter) - ROW_FILTER_KEYS or not all(isinstance(v, str) and v for v in row_filter.values()):
        errors["row_filter"] = [_("A row filter may only name district_code (a division code).")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    found.status = RequestStatus.GRANTED
    found.decided_at = timezone.now()
    found.decided_by = actor.ref
    found.reason = reason.strip()
    found.save(update_fields=["status", "decided_at", "decided_by", "reason", "updated_at"])
    ledger.record(actor=actor, act="datahub.request.approved", subject=found, payload={"reason": found.reason})
    grant, plain = _issue_grant(actor, found, rate_limit=rate_limit, row_filter=row_filter)
    return Issued(request=found, grant=grant, key=plain)


@transaction.atomic
def request_reject(*, actor: Actor, request: ShareRequest, reason: str) -> ShareRequest:
    """The provider's data officer refuses a pending request, saying why."""
    found = _pending_for_decision(actor, request)
    if not reason.strip():
        raise ValidationFailed(field_errors={"reason": [_("Say why the request is refused.")]})
    found.status = RequestStatus.REJECTED
    found.decided_at = timezone.now()
    found.decided_by = actor.ref
    found.reason = reason.strip()
    found.save(update_fields=["status", "decided_at", "decided_by", "reason", "updated_at"])
    ledger.record(actor=actor, act="datahub.request.rejected", subject=found, payload={"reason": found.reason})
    return found


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: Grant, reason: str) -> Grant:
    """The provider's data officer ends a grant before its expiry."""
    found = Grant.objects.select_for_update().select_related("resource__provider", "department").get(pk=grant.pk)
    if not policy.has(actor, Perm.DECIDE, found):
        raise NotFound()
    if found.revoked_at is not None:
        raise GrantAlreadyRevoked()
    found.revoked_at = timezone.now()
    found.save(update_fields=["revoked_at", "updated_at"])
    ledger.record(actor=actor, act="datahub.grant.revoked", subject=found, payload={"reason": reason.strip()})
    return found


def deadline_state(request: ShareRequest, today: dt.date | None = None) -> str:
    """``ok``, ``warning`` (80 % of the 10 working days used) or ``overdue`` for a pending request; else ``""``."""
    return deadline_states([request], today)[0]


def deadline_states(requests: Sequence[ShareRequest], today: dt.date | None = None) -> list[str]:
    """``deadline_state`` of each request, for a list: the working days used are counted once per creation date.

    Only a pending request not yet overdue is counted, and such a request was made at most 10 working days ago, so a
    page of any length costs at most about fifteen calendar counts instead of one per row."""
    today = today or timezone.localdate()
    used_since: dict[dt.date, int] = {}
    states = []
    for request in requests:
        if request.status != RequestStatus.PENDING or request.due_on is None:
            states.append("")
            continue
        if today > request.due_on:
            states.append("overdue")
            continue
        created_on = timezone.localdate(request.created_at)
        if created_on not in used_since:
            used_since[created_on], _warnings = count_working_days(created_on, today)
        states.append("warning" if used_since[created_on] >= ANSWER_WORKING_DAYS * WARNING_SHARE else "ok")
    return states


@transaction.atomic
def request_deadlines_check(*, actor: Actor, today: dt.date | None = None) -> int:
    """Mark pending requests that have used 80 % of their time (once each) and record the warning in the ledger.
    Returns how many were warned. Run daily by Celery."""
    if not actor.is_system:
        raise PermissionDenied()
    today = today or timezone.localdate()
    warned = 0
    pending = list(
        ShareRequest.objects.select_for_update()
        .filter(status=RequestStatus.PENDING, warned_at__isnull=True)
        .select_related("resource")
    )
    for request, state in zip(pending, deadline_states(pending, today), strict=True):
        if state in ("warning", "overdue"):
            request.warned_at = timezone.now()
            request.save(update_fields=["warned_at", "updated_at"])
            ledger.record(
                actor=actor,
                act="datahub.request.warned",
                subject=request,
                payload={"due_on": request.due_on.isoformat() if request.due_on else None, "state": state},
            )
            warned += 1
    return warned
