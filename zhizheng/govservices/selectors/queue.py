"""The workbench queue (办件工作台): the applications that concern a member of staff, in tabs by what they wait for,
with filters and a count on every tab.

Tabs (each a condition over the applications the actor may see, ``permissions.staff_visible_q``):

* ``mine`` — to act on by me: an active step of the process is in a department where the actor holds one of the
  step's roles (the rule ``workflow.may_act`` applies to one application, here in SQL), and the application is not
  waiting for the applicant;
* ``department`` — handled by one of the actor's departments (after a transfer: the receiving one);
* ``warned`` — open and warned (yellow, red or statutory) or past its promised deadline with the clock running;
* ``waiting`` — waiting for the applicant (supplementary materials or payment);
* ``all`` — everything the actor sees.

Filters (item, status, warning level, submission dates) apply to the rows and to every count. The counts are one
grouped query and the page one more (plus one for the rows' warning badges), whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.choices import ApplicationStatus, StepStatus, WarningLevel
from zhizheng.govservices.models import Application, ProcessStep, SupervisionWarning
from zhizheng.govservices.permissions import STAFF_ROLES
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.selectors import supervision as supervision_selectors
from zhizheng.govservices.services.supervision import CLOCK_STOPPED

TABS: dict[str, Promise] = {
    "mine": _("To act on by me"),
    "department": _("My departments"),
    "warned": _("Warned or overdue"),
    "waiting": _("Waiting for the applicant"),
    "all": _("All"),
}
OPEN = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.SUPPLEMENT_REQUESTED,
    ApplicationStatus.AWAITING_PAYMENT,
)
WAITING = (ApplicationStatus.SUPPLEMENT_REQUESTED, ApplicationStatus.AWAITING_PAYMENT)
PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilters:
    """What the queue page asks for; ``errors`` names the parameters that were not understood (they are ignored)."""

    tab: str = "mine"
    item: str = ""
    status: str = ""
    warning: str = ""
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    page: int = 1
    errors: dict[str, list[Promise]] = field(default_factory=dict)


def queue_filters_parse(params: Mapping[str, str]) -> QueueFilters:
    """The filters from a query string. Unknown values are reported on their field and left out, so a shared
    link that went stale still opens the queue."""
    errors: dict[str, list[Promise]] = {}
    tab = params.get("tab", "") or "mine"
    if tab not in TABS:
        errors["tab"] = [_("Unknown tab.")]
        tab = "mine"
    status = params.get("status", "")
    if status and status not in selectors.QUEUE_STATUSES:
        errors["status"] = [_("Unknown status.")]
        status = ""
    warning = params.get("warning", "")
    if warning and warning not in WarningLevel.values:
        errors["warning"] = [_("Unknown warning level.")]
        warning = ""
    dates: dict[str, dt.date | None] = {}
    for name in ("submitted_from", "submitted_to"):
        raw = params.get(name, "")
        try:
            dates[name] = parse_date(raw) if raw else None
        except ValueError:
            dates[name] = None
        if raw and dates[name] is None:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
    start, end = dates["submitted_from"], dates["submitted_to"]
    if start and end and start > end:
        errors["submitted_to"] = [_("The end date is before the start date.")]
        end = None
    page = params.get("page", "1")
    return QueueFilters(
        tab=tab,
        item=params.get("item", "").strip()[:20],
        status=status,
        warning=warning,
        submitted_from=start,
        submitted_to=end,
        page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        errors=errors,
    )


def _staff_pairs(actor: Actor) -> list[tuple[str, str]]:
    return sorted((code, role) for code, role in actor.roles if role in STAFF_ROLES)


def _mine(actor: Actor) -> Q:
    """An active step is in a department where the actor holds one of its roles (``roles`` is a JSON list: its
    text holds ``"caseworker"`` exactly when the list does, on SQLite and PostgreSQL alike)."""
    pairs = _staff_pairs(actor)
    if not pairs:
        return Q(pk__in=[])
    holds = Q()
    for code, role in pairs:
        holds |= Q(department__code=code, roles_text__contains=f'"{role}"')
    steps = (
        ProcessStep.objects.filter(application=OuterRef("pk"), status=StepStatus.ACTIVE)
        .annotate(roles_text=Cast("roles", TextField()))
        .filter(holds)
    )
    return Q(Exists(steps)) & ~Q(status__in=WAITING)


def _tabs(actor: Actor, today: dt.date) -> dict[str, Q]:
    codes = sorted({code for code, _role in _staff_pairs(actor)})
    warned = Exists(SupervisionWarning.objects.filter(application=OuterRef("pk")))
    late = Q(deadline_on__lt=today) & ~Q(status__in=CLOCK_STOPPED)
    return {
        "mine": _mine(actor),
        "department": Q(department__code__in=codes) | Q(department__isnull=True, item__department__code__in=codes),
        "warned": Q(status__in=OPEN) & (Q(warned) | late),
        "waiting": Q(status__in=WAITING),
        "all": Q(),
    }


def _filtered(queryset: QuerySet[Application], filters: QueueFilters) -> QuerySet[Application]:
    if filters.item:
        queryset = queryset.filter(item__code=filters.item)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.warning:
        queryset = queryset.filter(
            Exists(SupervisionWarning.objects.filter(application=OuterRef("pk"), level=filters.warning))
        )
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        queryset = queryset.filter(submitted_at__date__lte=filters.submitted_to)
    return queryset


@dataclass
class QueuePage:
    """One page of a tab, the count of every tab under the same filters, and the paging."""

    filters: QueueFilters
    counts: dict[str, int]
    rows: list[Any]
    page: int
    pages: int

    @property
    def count(self) -> int:
        return self.counts[self.filters.tab]


def application_workbench(
    *,
    actor: Actor,
    filters: QueueFilters,
    page_size: int = PAGE_SIZE,
    offset: int | None = None,
    with_steps: bool = False,
    today: dt.date | None = None,
) -> QueuePage:
    """The actor's queue: only staff (a role that sees applications in some department) have one (403 for anyone
    else); what they see is what ``staff_visible_q`` lets them see, so nothing of another department appears.

    ``page_size`` rows from ``offset`` when it is given (the API's ``limit``/``offset``), else of ``filters.page``.
    ``with_steps`` loads the rows' process steps in one more query, kept where ``workflow.steps_of`` finds them
    (for what each row lets the actor do, ``actions.staff_actions``)."""
    if not actor.is_superuser and not _staff_pairs(actor):
        raise PermissionDenied()
    today = today or timezone.localdate()
    tabs = _tabs(actor, today)
    base = _filtered(application_selectors.application_queue(actor=actor), filters)
    counts = base.order_by().aggregate(**{name: Count("pk", filter=q) for name, q in tabs.items()})
    counts = {name: int(counts[name] or 0) for name in TABS}
    pages = max(1, -(-counts[filters.tab] // page_size))
    if offset is None:
        page = min(filters.page, pages)
        offset = (page - 1) * page_size
    else:
        page = offset // page_size + 1
    ordering = ("deadline_on", "submitted_at", "id") if filters.tab in ("mine", "warned") else ("submitted_at", "id")
    chosen = base.filter(tabs[filters.tab]).order_by(*ordering)
    if with_steps:
        steps = ProcessStep.objects.select_related("department").order_by("application", "position", "id")
        chosen = chosen.prefetch_related(Prefetch("steps", queryset=steps))
    rows: list[Any] = list(chosen[offset : offset + page_size])
    levels = supervision_selectors.warning_levels(a.pk for a in rows)
    for row in rows:
        row.warning_level = levels.get(row.pk, "")
    return QueuePage(filters=filters, counts=counts, rows=rows, page=page, pages=pages)
