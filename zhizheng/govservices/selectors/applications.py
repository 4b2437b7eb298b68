"""Reads of applications and life-event cases, scoped to the actor: the applicant's own applications,
the staff queue, and a case's steps, events and payments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound
from zhizheng.govservices import workflow
from zhizheng.govservices.models import (
    Application,
    ApplicationEvent,
    ApplicationMessage,
    LifeEventCase,
    Payment,
    ProcessStep,
    ServiceItem,
)
from zhizheng.govservices.permissions import STAFF_ROLES, application_policy, staff_visible_q
from zhizheng.govservices.selectors.catalogue import ITEM_GUIDE_TEXT, QUEUE_STATUSES
from zhizheng.orgs.models import Department


def _applications() -> QuerySet[Application]:
    # The certificate's signed credential (kilobytes of JSON) is for the wallet and the verifier, not for these.
    return (
        Application.objects.select_related("item__department", "department", "applicant", "certificate")
        .defer(*ITEM_GUIDE_TEXT)
        .defer("certificate__credential", "certificate__subject")
    )


def applications_mine(*, actor: Actor) -> QuerySet[Application]:
    """The actor's own applications, newest first (drafts included)."""
    if actor.user_id is None:
        return Application.objects.none()
    return _applications().filter(applicant_id=actor.user_id)


def application_get(*, actor: Actor, receipt_number: str) -> Application:
    """One application the actor may see (its applicant, or a handler of the item's department), else 404."""
    found = application_policy.scope(actor, _applications()).filter(receipt_number=receipt_number).first()
    if found is None:
        raise NotFound()
    return found


APPLICATION_REF_FIELDS = (
    "id",
    "receipt_number",
    "status",
    "applicant_id",
    "item_id",
    "department_id",
    "life_event_case_id",
    "certificate_id",
)


def application_ref(*, actor: Actor, receipt_number: str) -> Application:
    """One application the actor may see, as ``application_get`` finds it, with its own key columns only: for the
    service functions, which lock and re-read the row (with what they need) before they act. Anything else read
    from it loads on access."""
    found = (
        application_policy.scope(actor, Application.objects.only(*APPLICATION_REF_FIELDS))
        .filter(receipt_number=receipt_number)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def application_events(*, application: Application) -> QuerySet[ApplicationEvent]:
    """The timeline of an application the caller already may see, oldest first."""
    return application.events.order_by("created_at", "id")


def application_queue(*, actor: Actor, status: str | None = None) -> QuerySet[Application]:
    """Applications that concern the actor's departments (handling them, or with a step of their process there),
    oldest submission first."""
    queryset = _applications().filter(staff_visible_q(actor))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("submitted_at", "id")


def queue_items(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the items whose applications the actor's departments see, for the queue's item filter:
    the items of those departments and the items with a step there (one query)."""
    departments = sorted({code for code, role in actor.roles if role in STAFF_ROLES})
    if not departments:
        return []
    steps = ProcessStep.objects.filter(department__code__in=departments).values("application__item_id")
    return list(
        ServiceItem.objects.filter(Q(department__code__in=departments) | Q(pk__in=steps))
        .order_by("code")
        .values_list("code", "name")
    )


def application_queue_counts(*, actor: Actor) -> dict[str, int]:
    """How many applications of the actor's departments are in each status (every queue status, zeros too)."""
    rows = application_queue(actor=actor).order_by().values("status").annotate(n=Count("id"))
    counts = {str(status): 0 for status in QUEUE_STATUSES}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def application_messages(*, application: Application) -> list[ApplicationMessage]:
    """The conversation of an application the caller already may see, oldest first, with the authors' names."""
    return list(
        ApplicationMessage.objects.filter(application=application).select_related("author").order_by("created_at", "id")
    )


def application_steps(*, application: Application) -> list[ProcessStep]:
    """The process steps of an application the caller already may see, in order, with their departments
    (cancelled ones included: a transfer shows where the application was). After an act, the steps the act read
    and moved (``workflow.steps_of``) without reading them again."""
    return list(workflow.steps_of(application))


def application_payments(*, application: Application) -> QuerySet[Payment]:
    """The payment orders of an application the caller already may see, newest first."""
    return application.payments.order_by("-created_at", "-id")


def life_event_cases_mine(*, actor: Actor) -> QuerySet[LifeEventCase]:
    """The actor's own combined life-event applications, newest first, with their items."""
    if actor.user_id is None:
        return LifeEventCase.objects.none()
    return (
        LifeEventCase.objects.filter(applicant_id=actor.user_id)
        .select_related("event")
        .prefetch_related(Prefetch("applications", queryset=Application.objects.select_related("item", "department")))
    )


def life_event_case_get(*, actor: Actor, receipt_number: str) -> LifeEventCase:
    """One of the actor's own life-event applications, else 404 (departments see its items in their queues)."""
    found = life_event_cases_mine(actor=actor).filter(receipt_number=receipt_number).first()
    if found is None:
        raise NotFound()
    return found


def life_event_case_timelines(*, cases: Iterable[LifeEventCase]) -> dict[int, list[dict[str, Any]]]:
    """One timeline per case over all its items, oldest first (one query for any number of cases)."""
    ids = [case.pk for case in cases]
    events = (
        ApplicationEvent.objects.filter(application__life_event_case_id__in=ids)
        .exclude(action="saved")
        .select_related("application__item")
        .order_by("created_at", "id")
    )
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for e in events:
        out[e.application.life_event_case_id or 0].append(
            {
                "at": timezone.localtime(e.created_at).isoformat(),
                "item": e.application.item.code,
                "item_name": e.application.item.name,
                "action": e.action,
                "action_label": str(e.get_action_display()),
                "note": e.note,
                "ledger_index": e.ledger_index,
            }
        )
    return out


def departments_for_transfer() -> list[Department]:
    """The departments an application can be transferred to (every department, by code)."""
    return list(Department.objects.order_by("code").only("code", "name"))
