"""Demo history (issue 4, part 8): about 20,000 applications of the twelve months before the demo city's day, so
that the queue, supervision, the statistics and the cockpit show something true to life.

The shape follows how a city's service halls work: applications on working days (few on rest days, online only),
more on Mondays and in the last working days of a month, a deep dip over the Spring Festival holiday with quieter
weeks around it; the items people use most (the hand-tuned forms) far ahead of the rest; handling times drawn
relative to each item's promised working days (most well inside, a tail past the deadline and a few past the
statutory one); about one in ten asked for supplements (the clock stops meanwhile); rejections and withdrawals;
warnings where the clock crossed 80 %, the promised and the statutory deadline; ratings from about half of the
applicants (worse when late), a rectification for each bad one; visits to the hall by online level (零跑动 for most
fully-online items).

``history_generate`` is pure (same seed, same history); ``history_load`` writes what is not there yet, by receipt
number, with ``bulk_create`` in batches and ONE ledger entry per application (``govservices.application.imported``,
the case's outcome in the payload, no personal data), appended with ``ledger.services.record_many``; every timeline
row, rating, visit and warning of the case points to that entry. The rows keep their historical times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import models, transaction

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.choices import ApplicationAction, RectificationStatus
from zhizheng.govservices.history.generator import (
    CENTRE,
    Applicant,
    Case,
    HistoryResult,
    ItemFacts,
    at_hour,
    history_generate,
)
from zhizheng.govservices.models import (
    Application,
    ApplicationEvent,
    Rating,
    Rectification,
    ServiceItem,
    SupervisionWarning,
    Visit,
)
from zhizheng.ledger import services as ledger
from zhizheng.orgs.models import Membership

__all__ = ["Applicant", "HistoryResult", "history_generate", "history_load", "item_facts"]

A = ApplicationAction
BATCH = 2000


@contextmanager
def _historical_times() -> Iterator[None]:
    """Let ``bulk_create`` write the given ``created_at``/``updated_at`` instead of now (the demo load only)."""
    fields = [Application._meta.get_field(n) for n in ("created_at", "updated_at")]
    fields.append(ApplicationEvent._meta.get_field("created_at"))
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields if isinstance(f, models.DateTimeField)]
    for f, _now, _add in saved:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def _staff() -> tuple[dict[str, int], dict[str, int], int | None]:
    """(caseworker by department code, department head by code, a window officer of the centre)."""
    workers: dict[str, int] = {}
    heads: dict[str, int] = {}
    window = None
    for code, role, user_id in Membership.objects.order_by("user_id").values_list(
        "department__code", "role", "user_id"
    ):
        if role == "caseworker":
            workers.setdefault(code, user_id)
        elif role == "department_head":
            heads.setdefault(code, user_id)
        elif role == "window_officer" and window is None:
            window = user_id
    return workers, heads, window


def item_facts() -> list[ItemFacts]:
    return [
        ItemFacts(
            i.pk,
            i.code,
            i.department_id,
            i.department.code,
            i.promised_days,
            i.statutory_days,
            i.online_level,
            i.for_individuals,
            i.for_legal_persons,
            i.hall_address or CENTRE,
        )
        for i in ServiceItem.objects.filter(published=True).select_related("department").order_by("code")
    ]


def history_load(
    *, actor: Actor, applicants: Sequence[Applicant], today: dt.date, seed: int = 2026, count: int = 20000
) -> HistoryResult:
    """Write the generated history that is not there yet (by receipt number). Idempotent; the system only."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    result = HistoryResult()
    if not applicants:
        return result
    cases = history_generate(seed=seed, items=item_facts(), applicants=applicants, today=today, count=count)
    numbers = [c.receipt_number for c in cases]
    existing: set[str] = set()
    for first in range(0, len(numbers), 5000):
        chunk = numbers[first : first + 5000]
        existing |= set(Application.objects.filter(receipt_number__in=chunk).values_list("receipt_number", flat=True))
    new = [c for c in cases if c.receipt_number not in existing]
    result.existing = len(cases) - len(new)
    staff = _staff()
    for first in range(0, len(new), BATCH):
        with transaction.atomic():
            _write(actor, new[first : first + BATCH], staff, result)
    return result


def _write(
    actor: Actor, cases: list[Case], staff: tuple[dict[str, int], dict[str, int], int | None], result: HistoryResult
) -> None:
    workers, heads, window = staff
    with _historical_times():
        applications = Application.objects.bulk_create(
            [
                Application(
                    receipt_number=c.receipt_number,
                    item_id=c.item.pk,
                    applicant_id=c.applicant.user_id,
                    acting_for_uscc=c.applicant.uscc if "organisation" in c.form_data else "",
                    form_data=c.form_data,
                    status=c.status,
                    submitted_at=c.submitted_at,
                    decided_at=c.decided_at,
                    deadline_on=c.deadline_on,
                    clock_paused_on=c.clock_paused_on,
                    paused_working_days=c.paused_working_days,
                    supplement_request=c.supplement_request,
                    decision_reason=c.decision_reason,
                    created_at=c.submitted_at,
                    updated_at=c.last_at,
                )
                for c in cases
            ]
        )
        entries = ledger.record_many(
            actor=actor,
            acts=[
                ledger.Act(
                    act="govservices.application.imported",
                    subject=a,
                    payload={
                        "receipt_number": c.receipt_number,
                        "item": c.item.code,
                        "department": c.item.department_code,
                        "status": c.status,
                        "submitted_at": c.submitted_at.isoformat(),
                        "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                        "deadline_on": c.deadline_on.isoformat(),
                        "steps": [e[0] for e in c.events],
                        "rating": c.rating[0] if c.rating else None,
                        "visits": len(c.visits),
                        "warnings": [w[0] for w in c.warnings],
                    },
                )
                for a, c in zip(applications, cases, strict=True)
            ],
        )
        events: list[ApplicationEvent] = []
        visits: list[Visit] = []
        warnings: list[SupervisionWarning] = []
        ratings: list[tuple[Rating, Case]] = []
        for application, case, entry in zip(applications, cases, entries, strict=True):
            worker = workers.get(case.item.department_code)
            for action, status, at, note in case.events:
                by_applicant = action in (A.SUBMITTED, A.WITHDRAWN)
                ref = f"user:{case.applicant.user_id}" if by_applicant or worker is None else f"user:{worker}"
                events.append(
                    ApplicationEvent(
                        application=application,
                        action=action,
                        status_after=status,
                        actor_ref=ref,
                        note=note,
                        ledger_index=entry.index,
                        created_at=at,
                    )
                )
            for at, purpose in case.visits:
                visits.append(
                    Visit(
                        application=application,
                        visited_at=at,
                        place=case.item.hall_address[:128],
                        purpose=purpose,
                        recorded_by_id=window,
                        created_at=at,
                        ledger_index=entry.index,
                    )
                )
            for level, raised_on, deadline_on, used, allowed in case.warnings:
                raised_at = at_hour(raised_on, 6)
                warnings.append(
                    SupervisionWarning(
                        application=application,
                        level=level,
                        department_id=case.item.department_id,
                        raised_on=raised_on,
                        raised_at=raised_at,
                        deadline_on=deadline_on,
                        working_days_used=used,
                        working_days_allowed=allowed,
                        recipients=[x for x in (worker, heads.get(case.item.department_code)) if x],
                        notified_at=raised_at,
                        ledger_index=entry.index,
                    )
                )
            if case.rating is not None:
                score, reasons, comment, at = case.rating
                ratings.append(
                    (
                        Rating(
                            application=application,
                            score=score,
                            reasons=reasons,
                            comment=comment,
                            rated_by_id=case.applicant.user_id,
                            created_at=at,
                            ledger_index=entry.index,
                        ),
                        case,
                    )
                )
        ApplicationEvent.objects.bulk_create(events, batch_size=BATCH)
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    SupervisionWarning.objects.bulk_create(warnings, batch_size=BATCH)
    saved = Rating.objects.bulk_create([r for r, _c in ratings], batch_size=BATCH)
    rectifications: list[Rectification] = []
    for rating, (_unsaved, case) in zip(saved, ratings, strict=True):
        if case.rectification is None:
            continue
        due_on, answered_at, answer = case.rectification
        rectifications.append(
            Rectification(
                rating=rating,
                department_id=case.item.department_id,
                opened_at=rating.created_at,
                due_on=due_on,
                status=RectificationStatus.ANSWERED if answered_at else RectificationStatus.OPEN,
                answer=answer if answered_at else "",
                answered_at=answered_at,
                answered_by_id=heads.get(case.item.department_code) if answered_at else None,
                opened_ledger_index=rating.ledger_index,
                answered_ledger_index=rating.ledger_index if answered_at else None,
            )
        )
    Rectification.objects.bulk_create(rectifications, batch_size=BATCH)
    result.created += len(applications)
    result.events += len(events)
    result.visits += len(visits)
    result.warnings += len(warnings)
    result.ratings += len(saved)
    result.rectifications += len(rectifications)
