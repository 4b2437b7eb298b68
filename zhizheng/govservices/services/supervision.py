"""Clocks and supervision (电子监察): where each open application's clock stands, and the periodic job that raises
yellow, red and statutory warnings once per application and level.

The clock runs in working days (``core.workdays``: Chinese holidays and 调休) from the submission date and stands
still while the applicant is asked for supplements: ``Application.deadline_on`` is the promised deadline already
moved by past pauses, so the working days left before it are ``promised - used`` whatever the pauses were. The
statutory deadline is counted the same way from the item's ``statutory_days``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import User
from zhizheng.accounts.services import NotificationDraft, notification_send_many
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.workdays import add_working_days, count_working_days
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus, WarningLevel
from zhizheng.govservices.models import Application, ApplicationEvent, ServiceItem, SupervisionWarning
from zhizheng.govservices.permissions import DEPARTMENT_HEAD_ROLE, SupervisionPerm, supervision_policy
from zhizheng.ledger import services as ledger
from zhizheng.orgs.selectors import staff_user_ids

CLOCK_STOPPED = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUPPLEMENT_REQUESTED,
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    }
)
"""Statuses whose clock does not run: not submitted, waiting for the applicant, or finished. Every other status
(including any a multi-step workflow adds) is being handled and its clock runs."""

YELLOW_NUMERATOR, YELLOW_DENOMINATOR = 4, 5
"""Yellow at 80 % of the promised working days used (exact integer arithmetic: used * 5 >= promised * 4)."""

CASEWORKER_ROLE = "caseworker"
INSERT_BATCH = 1000
NOTIFICATION_KIND = "govservices.supervision_warning"
LEVEL_CHANNELS = {
    WarningLevel.YELLOW: ("inbox", "email"),
    WarningLevel.RED: ("inbox", "email", "sms"),
    WarningLevel.STATUTORY: ("inbox", "email", "sms"),
}
"""Yellow goes to the inbox and by e-mail; red and statutory also by SMS."""
LEVEL_ORDER = (WarningLevel.YELLOW, WarningLevel.RED, WarningLevel.STATUTORY)
HANDLER_ACTIONS = frozenset(
    {ApplicationAction.ACCEPTED, ApplicationAction.SUPPLEMENT_REQUESTED, ApplicationAction.APPROVED}
)
"""Timeline actions by which a staff member took the case on; the latest one's actor is the handler."""


@dataclass(frozen=True, slots=True)
class Clock:
    """An application's clock on ``today``: working days promised and used, both deadlines, and the warning levels
    whose thresholds it has crossed (none while it stands still)."""

    promised_days: int
    statutory_days: int
    used: int
    remaining: int
    deadline_on: dt.date
    statutory_deadline_on: dt.date
    running: bool
    levels_due: tuple[WarningLevel, ...]

    @property
    def level(self) -> WarningLevel | None:
        """The highest level crossed, if any."""
        return self.levels_due[-1] if self.levels_due else None


def application_clock(application: Application, *, today: dt.date | None = None) -> Clock | None:
    """The clock of a submitted application that is not finished (None for drafts and decided ones)."""
    if application.submitted_at is None or application.deadline_on is None:
        return None
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
        return None
    today = today or timezone.localdate()
    item = application.item
    promised = item.promised_days
    start = timezone.localdate(application.submitted_at)
    deadline = application.deadline_on
    statutory_deadline, _warnings = add_working_days(start, item.statutory_days + application.paused_working_days)
    running = application.status not in CLOCK_STOPPED
    if not running and application.clock_paused_on is not None:
        # Waiting for the applicant: the days since the pause do not count, so both deadlines move with today.
        stopped, _w = count_working_days(application.clock_paused_on, today)
        deadline, _w = add_working_days(deadline, stopped)
        statutory_deadline, _w = add_working_days(statutory_deadline, stopped)
    remaining, _w = count_working_days(today, deadline)
    used = promised - remaining
    levels: list[WarningLevel] = []
    if running:
        if promised > 0 and used * YELLOW_DENOMINATOR >= promised * YELLOW_NUMERATOR:
            levels.append(WarningLevel.YELLOW)
        if today > deadline:
            levels.append(WarningLevel.RED)
        if today > statutory_deadline:
            levels.append(WarningLevel.STATUTORY)
    return Clock(
        promised_days=promised,
        statutory_days=item.statutory_days,
        used=used,
        remaining=remaining,
        deadline_on=deadline,
        statutory_deadline_on=statutory_deadline,
        running=running,
        levels_due=tuple(levels),
    )


def _candidates(today: dt.date) -> list[Application]:
    """Running applications that may have crossed a threshold: a yellow needs at most a fifth of the promised days
    left, so nothing whose deadline lies beyond ``today`` plus a fifth of the longest promise can be due. Those
    already warned at the statutory level (the last) are skipped."""
    longest = ServiceItem.objects.aggregate(longest=Max("promised_days"))["longest"] or 0
    horizon, _warnings = add_working_days(today, longest * (YELLOW_DENOMINATOR - YELLOW_NUMERATOR) // 5)
    fully_warned = SupervisionWarning.objects.filter(application=OuterRef("pk"), level=WarningLevel.STATUTORY)
    return list(
        Application.objects.exclude(status__in=CLOCK_STOPPED)
        .filter(submitted_at__isnull=False, deadline_on__isnull=False, deadline_on__lte=horizon)
        .exclude(Exists(fully_warned))
        .select_related("item__department", "department")
        .order_by("pk")
    )


def _handlers(application_ids: Iterable[int]) -> dict[int, int]:
    """Application id -> user id of the staff member who last took it on (accepted it, asked for supplements)."""
    found: dict[int, int] = {}
    rows = (
        ApplicationEvent.objects.filter(application_id__in=list(application_ids), action__in=HANDLER_ACTIONS)
        .order_by("application_id", "created_at", "id")
        .values_list("application_id", "actor_ref")
    )
    for application_id, actor_ref in rows:
        kind, _sep, number = actor_ref.partition(":")
        if kind == "user" and number.isdigit():
            found[application_id] = int(number)
    return found


def _recipients(
    application: Application, handlers: dict[int, int], staff: dict[tuple[str, str], list[int]]
) -> list[int]:
    """The handler (or, before anyone took the case on, the department's caseworkers) and the department heads."""
    code = application.handling_department.code  # after a transfer, the department that holds it now

    def holders(role: str) -> list[int]:
        if (code, role) not in staff:
            staff[code, role] = staff_user_ids(department_code=code, role=role)
        return staff[code, role]

    handler = handlers.get(application.pk)
    people = [handler] if handler is not None else holders(CASEWORKER_ROLE)
    return sorted({*people, *holders(DEPARTMENT_HEAD_ROLE)})


@transaction.atomic
def supervision_warnings_raise(*, actor: Actor = SYSTEM, today: dt.date | None = None) -> list[SupervisionWarning]:
    """Raise every warning due on ``today`` that was not raised before (once per application and level), record
    each in the ledger, and return the new ones. Idempotent: a second run the same day raises nothing. A level
    crossed between two runs is raised with the lower ones it implies (a first run that finds a case overdue
    records yellow and red), so the history says which thresholds were crossed. Run by Celery beat
    (``govservices.supervision_warnings``) and by ``manage.py supervision_warnings``."""
    supervision_policy.require(actor, SupervisionPerm.RAISE_WARNINGS)
    today = today or timezone.localdate()
    candidates = _candidates(today)
    if not candidates:
        return []
    existing: dict[int, set[str]] = {}
    for application_id, level in SupervisionWarning.objects.filter(
        application_id__in=[a.pk for a in candidates]
    ).values_list("application_id", "level"):
        existing.setdefault(application_id, set()).add(level)
    handlers = _handlers(a.pk for a in candidates)
    staff: dict[tuple[str, str], list[int]] = {}
    raised: list[SupervisionWarning] = []
    now = timezone.now()
    for application in candidates:
        clock = application_clock(application, today=today)
        if clock is None:
            continue
        new_levels = [level for level in clock.levels_due if level not in existing.get(application.pk, set())]
        if not new_levels:
            continue
        recipients = _recipients(application, handlers, staff)
        for level in new_levels:
            statutory = level == WarningLevel.STATUTORY
            raised.append(
                SupervisionWarning(
                    application=application,
                    level=level,
                    department=application.handling_department,
                    raised_on=today,
                    raised_at=now,
                    deadline_on=clock.statutory_deadline_on if statutory else clock.deadline_on,
                    working_days_used=max(clock.used, 0),
                    working_days_allowed=clock.statutory_days if statutory else clock.promised_days,
                    recipients=recipients,
                )
            )
    if raised:
        # The acts name the application warned (the warning rows do not exist yet), so each row is inserted once,
        # already carrying its ledger index: no update of thousands of rows afterwards.
        entries = ledger.record_many(
            actor=actor,
            acts=[
                ledger.Act(
                    act="govservices.warning.raised",
                    subject=warning.application,
                    payload={
                        "receipt_number": warning.application.receipt_number,
                        "item": warning.application.item.code,
                        "department": warning.department.code,
                        "level": warning.level,
                        "deadline_on": warning.deadline_on.isoformat(),
                        "working_days_used": warning.working_days_used,
                        "working_days_allowed": warning.working_days_allowed,
                    },
                )
                for warning in raised
            ],
        )
        for warning, entry in zip(raised, entries, strict=True):
            warning.ledger_index = entry.index
            warning.notified_at = now
        # A concurrent run that raised the same warning first makes this insert fail on the unique constraint: the
        # whole run (ledger entries included) rolls back and the task retries, then finds the warnings raised.
        SupervisionWarning.objects.bulk_create(raised, batch_size=INSERT_BATCH)
        _notify(raised)
    return raised


def _notify(raised: list[SupervisionWarning]) -> None:
    """Tell each recipient once per application, of the highest level just raised: into the inbox within this
    transaction, by e-mail (and SMS for red and statutory) after commit."""
    highest: dict[int, SupervisionWarning] = {}
    for warning in raised:
        kept = highest.get(warning.application_id)
        if kept is None or LEVEL_ORDER.index(WarningLevel(warning.level)) > LEVEL_ORDER.index(WarningLevel(kept.level)):
            highest[warning.application_id] = warning
    people = User.objects.in_bulk({user_id for w in highest.values() for user_id in w.recipients})
    drafts: list[NotificationDraft] = []
    with translation.override(settings.LANGUAGE_CODE):
        for warning in highest.values():
            if not any(user_id in people for user_id in warning.recipients):
                continue
            application = warning.application
            title = str(
                _("%(level)s: %(item)s, application %(receipt)s")
                % {
                    "level": WarningLevel(warning.level).label,
                    "item": application.item.name,
                    "receipt": application.receipt_number,
                }
            )
            body = str(
                _("Deadline %(deadline)s; %(used)d of %(allowed)d working days used. Department: %(department)s.")
                % {
                    "deadline": warning.deadline_on.isoformat(),
                    "used": warning.working_days_used,
                    "allowed": warning.working_days_allowed,
                    "department": warning.department.name,
                }
            )
            link = reverse("govservices:case", kwargs={"receipt_number": application.receipt_number})
            channels = LEVEL_CHANNELS[WarningLevel(warning.level)]
            drafts.extend(
                NotificationDraft(
                    recipient=people[user_id],
                    kind=NOTIFICATION_KIND,
                    title=title,
                    body=body,
                    link=link,
                    channels=channels,
                )
                for user_id in warning.recipients
                if user_id in people
            )
    notification_send_many(drafts)
