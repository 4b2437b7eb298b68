"""Ratings (好差评), rectifications (整改), visits (最多跑一次), supervision (电子监察) and the public figures under
/api/v1/services/. Thin: every change goes through ``services.ratings``; reads through ``selectors.supervision``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.core.errors import NotFound
from zhizheng.govservices.api import MAX_PAGE_SIZE, InvalidListParameter, _page
from zhizheng.govservices.choices import RatingReason, RatingScore, RectificationStatus, VisitPurpose
from zhizheng.govservices.models import Rating, Rectification, Visit
from zhizheng.govservices.schemas import (
    AnswerIn,
    PublicFiguresOut,
    PublicRowOut,
    RatingIn,
    RatingOut,
    ReasonListOut,
    ReasonOut,
    RectificationListOut,
    RectificationOut,
    SupervisionOut,
    SupervisionRowOut,
    VisitIn,
    VisitListOut,
    VisitOut,
    WarnedApplicationOut,
)
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import supervision as figures
from zhizheng.govservices.services import ratings

router = Router(tags=["services"])


def _period(date_from: str, date_to: str, problems: dict[str, list[str | Promise]]) -> figures.Period:
    start = end = None
    for name, raw in (("date_from", date_from), ("date_to", date_to)):
        if not raw:
            continue
        try:
            value = parse_date(raw)
        except ValueError:
            value = None
        if value is None:
            problems[name] = [_("Give a date as YYYY-MM-DD.")]
        elif name == "date_from":
            start = value
        else:
            end = value
    if start and end and end < start:
        problems["date_to"] = [_("The end of the period is before its start.")]
    return figures.Period(start, end)


def rectification_out(rectification: Rectification, today: dt.date | None = None) -> RectificationOut:
    today = today or timezone.localdate()
    answered_on = timezone.localdate(rectification.answered_at) if rectification.answered_at else None
    rating = rectification.rating
    return RectificationOut(
        id=rectification.pk,
        receipt_number=rating.application.receipt_number,
        item=rating.application.item.code,
        department=rectification.department.code,
        status=rectification.status,
        status_label=str(RectificationStatus(rectification.status).label),
        opened_at=rectification.opened_at.isoformat(),
        due_on=rectification.due_on.isoformat(),
        overdue=(answered_on or today) > rectification.due_on,
        answer=rectification.answer,
        answered_at=rectification.answered_at.isoformat() if rectification.answered_at else None,
        score=rating.score,
        reasons=list(rating.reasons),
    )


def _rating_out(rating: Rating) -> RatingOut:
    rectification = getattr(rating, "rectification", None) if rating.score <= ratings.BAD_SCORE else None
    return RatingOut(
        receipt_number=rating.application.receipt_number,
        score=rating.score,
        score_label=str(RatingScore(rating.score).label),
        reasons=list(rating.reasons),
        comment=rating.comment,
        rated_at=rating.created_at.isoformat(),
        ledger_index=rating.ledger_index,
        rectification=rectification_out(rectification) if rectification is not None else None,
    )


def _visit_out(visit: Visit) -> VisitOut:
    return VisitOut(
        id=visit.pk,
        visited_at=timezone.localtime(visit.visited_at).isoformat(),
        place=visit.place,
        purpose=visit.purpose,
        purpose_label=str(VisitPurpose(visit.purpose).label),
        note=visit.note,
        ledger_index=visit.ledger_index,
    )


@router.get(
    "/services/rating-reasons", response=ReasonListOut, auth=None, operation_id="govservices_rating_reason_list"
)
def rating_reason_list(request: HttpRequest) -> ReasonListOut:
    """The fixed reason codes of 好差评: ``P…`` praise (scores 3-5), ``N…`` complaints (scores 1-3)."""
    items = [
        ReasonOut(code=code, label=str(label), kind="praise" if code.startswith("P") else "complaint")
        for code, label in RatingReason.choices
    ]
    return ReasonListOut(count=len(items), items=items)


@router.post(
    "/services/applications/{receipt_number}/rating",
    response={201: RatingOut},
    auth=API_AUTH,
    operation_id="govservices_rating_submit",
)
def rating_submit(request: HttpRequest, receipt_number: str, payload: RatingIn) -> Status:
    """The applicant rates their approved or rejected application once (409 ``govservices.rating.not_completed``
    naming the status otherwise, 409 ``govservices.rating.already_rated`` the second time). A score of 1 or 2 needs a
    complaint reason and opens a rectification for the department."""
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, receipt_number=receipt_number)
    rating = ratings.rating_submit(
        actor=actor, application=application, score=payload.score, reasons=payload.reasons, comment=payload.comment
    )
    return Status(201, _rating_out(rating))


@router.get(
    "/services/applications/{receipt_number}/rating",
    response=RatingOut,
    auth=API_AUTH,
    operation_id="govservices_rating_get",
)
def rating_get(request: HttpRequest, receipt_number: str) -> RatingOut:
    """An application's rating with its rectification and the department's answer (404 when not rated)."""
    application = application_selectors.application_get(actor=request_actor(request), receipt_number=receipt_number)
    rating = figures.application_rating(application=application)
    if rating is None:
        raise NotFound()
    return _rating_out(rating)


@router.post(
    "/services/applications/{receipt_number}/visits",
    response={201: VisitOut},
    auth=API_AUTH,
    operation_id="govservices_visit_record",
)
def visit_record(request: HttpRequest, receipt_number: str, payload: VisitIn) -> Status:
    """Staff (window officers, the item's handlers): record that the applicant came in person."""
    actor = request_actor(request)
    application = figures.application_for_visit(actor=actor, receipt_number=receipt_number)
    try:
        moment = parse_datetime(payload.visited_at)
    except ValueError:
        moment = None
    visit = ratings.visit_record(
        actor=actor,
        application=application,
        visited_at=moment,
        place=payload.place,
        purpose=payload.purpose,
        note=payload.note,
    )
    return Status(201, _visit_out(visit))


@router.get(
    "/services/applications/{receipt_number}/visits",
    response=VisitListOut,
    auth=API_AUTH,
    operation_id="govservices_visit_list",
)
def visit_list(request: HttpRequest, receipt_number: str) -> VisitListOut:
    """The in-person visits of an application (its applicant and the item's department)."""
    application = application_selectors.application_get(actor=request_actor(request), receipt_number=receipt_number)
    visits = figures.application_visits(application=application)
    return VisitListOut(count=len(visits), items=[_visit_out(v) for v in visits])


@router.get(
    "/services/rectifications",
    response=RectificationListOut,
    auth=API_AUTH,
    operation_id="govservices_rectification_list",
)
def rectification_list(
    request: HttpRequest, status: str = "", limit: int = 20, offset: int = 0
) -> RectificationListOut:
    """Rectifications the caller sees (their departments', those they supervise, their own ratings'), open first."""
    problems: dict[str, list[str | Promise]] = {}
    if status and status not in RectificationStatus.values:
        problems["status"] = [_("Use open or answered.")]
    _page(limit, offset, problems)
    queryset = figures.rectifications_visible(actor=request_actor(request), status=status)
    today = timezone.localdate()
    rows = [rectification_out(r, today) for r in queryset[offset : offset + limit]]
    return RectificationListOut(count=queryset.count(), items=rows)


@router.post(
    "/services/rectifications/{rectification_id}/answer",
    response=RectificationOut,
    auth=API_AUTH,
    operation_id="govservices_rectification_answer",
)
def rectification_answer(request: HttpRequest, rectification_id: int, payload: AnswerIn) -> RectificationOut:
    """The department (section chiefs, head) answers a rectification once with what it did."""
    actor = request_actor(request)
    rectification = figures.rectification_get(actor=actor, pk=rectification_id)
    return rectification_out(
        ratings.rectification_answer(actor=actor, rectification=rectification, answer=payload.answer)
    )


def _row(row: figures.Figures) -> SupervisionRowOut:
    return SupervisionRowOut(
        key=row.key,
        name=row.name,
        submitted=row.submitted,
        open=row.open,
        completed=row.completed,
        on_time=row.on_time,
        on_time_rate=row.on_time_rate,
        overdue_open=row.overdue_open,
        overdue_completed=row.overdue_completed,
        average_days=row.average_days,
        warnings=dict(row.warnings),
        rectifications_overdue=row.rectifications_overdue,
    )


@router.get("/services/supervision", response=SupervisionOut, auth=API_AUTH, operation_id="govservices_supervision_get")
def supervision_get(
    request: HttpRequest, department: str = "", item: str = "", date_from: str = "", date_to: str = ""
) -> SupervisionOut:
    """电子监察 for auditors (every department) and department heads (their own): applications submitted in the
    period by department, item and month — open, completed, on time, overdue, average handling days, warnings per
    level, overdue rectifications — and the open applications carrying a warning."""
    problems: dict[str, list[str | Promise]] = {}
    period = _period(date_from, date_to, problems)
    if problems:
        raise InvalidListParameter(field_errors=problems)
    overview = figures.supervision_overview(
        actor=request_actor(request), department=department, item=item, period=period
    )
    return SupervisionOut(
        today=overview.today.isoformat(),
        date_from=period.start.isoformat() if period.start else None,
        date_to=period.end.isoformat() if period.end else None,
        total=_row(overview.total),
        departments=[_row(r) for r in overview.departments],
        items=[_row(r) for r in overview.items],
        months=[_row(r) for r in overview.months],
        warned_open=[
            WarnedApplicationOut(
                receipt_number=a.receipt_number,
                item=a.item.code,
                department=a.item.department.code,
                status=a.status,
                deadline_on=a.deadline_on.isoformat() if a.deadline_on else None,
                warning_level=getattr(a, "warning_level", ""),
            )
            for a in overview.warned_open
        ],
    )


def public_row(row: figures.PublicFigures) -> PublicRowOut:
    return PublicRowOut(
        key=row.key,
        name=row.name,
        completed=row.completed,
        zero_visit=row.zero_visit,
        zero_visit_rate=row.zero_visit_rate,
        at_most_one_visit=row.at_most_one_visit,
        at_most_one_visit_rate=row.at_most_one_visit_rate,
        ratings=row.ratings,
        average=row.average,
        distribution={str(k): v for k, v in row.distribution.items()},
        bad=row.bad,
        bad_rate=row.bad_rate,
        rectifications=row.rectifications,
        rectified=row.rectified,
        rectified_rate=row.rectified_rate,
    )


@router.get("/services/statistics", response=PublicFiguresOut, auth=None, operation_id="govservices_statistics_get")
def statistics_get(
    request: HttpRequest,
    group: str = "department",
    date_from: str = "",
    date_to: str = "",
    limit: int = MAX_PAGE_SIZE,
    offset: int = 0,
) -> PublicFiguresOut:
    """Public figures of the applications completed in the period, per ``department`` or per ``item``: 零跑动 and
    最多跑一次 rates, ratings (count, average, distribution 1-5, 差评 rate) and the rectified rate; ``total`` over
    every row. Counts only, no personal data."""
    problems: dict[str, list[str | Promise]] = {}
    if group not in figures.GROUPS:
        problems["group"] = [_("Use department or item.")]
    period = _period(date_from, date_to, problems)
    _page(limit, offset, problems)
    rows = figures.public_figures(group=group, period=period)
    return PublicFiguresOut(
        group=group,
        date_from=period.start.isoformat() if period.start else None,
        date_to=period.end.isoformat() if period.end else None,
        total=public_row(figures.public_total(rows)),
        count=len(rows),
        items=[public_row(r) for r in rows[offset : offset + limit]],
    )
