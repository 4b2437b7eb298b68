"""好差评, 整改 and 最多跑一次: the applicant's rating of a completed application, the rectification a bad rating
opens and the department's answer, and the visits staff record at the hall. One service function per act, each
atomic and recorded in the ledger (free text only as a hash in the public leaf)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import Conflict, NotFound, ValidationFailed
from zhizheng.core.workdays import add_working_days
from zhizheng.govservices.choices import (
    ApplicationStatus,
    RatingReason,
    RatingScore,
    RectificationStatus,
    VisitPurpose,
)
from zhizheng.govservices.models import Application, Rating, Rectification, Visit
from zhizheng.govservices.permissions import (
    ApplicationPerm,
    RatingPerm,
    RectificationPerm,
    application_policy,
    rating_policy,
    rectification_policy,
)
from zhizheng.ledger import services as ledger

COMPLETED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED})
MAX_COMMENT_LENGTH = 500
MIN_ANSWER_LENGTH = 10
MAX_ANSWER_LENGTH = 2000
MAX_PLACE_LENGTH = 128
DEFAULT_RECTIFICATION_WORKING_DAYS = 15
"""国办发〔2019〕51号: a 差评 is rectified and answered within 15 working days (``GOVSERVICES_RECTIFICATION_DAYS``)."""
BAD_SCORE = RatingScore.DISSATISFIED
"""Scores up to this one are 差评 and open a rectification."""


class RatingNotAllowed(Conflict):
    code = "govservices.rating.not_completed"
    message = _("The application is %(status)s: only an approved or rejected application can be rated.")


class AlreadyRated(Conflict):
    code = "govservices.rating.already_rated"
    message = _("This application has already been rated; a rating cannot be changed.")


class RatingInvalid(ValidationFailed):
    code = "govservices.rating.invalid"
    message = _("The rating is incomplete or invalid: correct the fields named.")


class RectificationAlreadyAnswered(Conflict):
    code = "govservices.rectification.already_answered"
    message = _("This rectification was already answered on %(date)s.")


class AnswerInvalid(ValidationFailed):
    code = "govservices.rectification.answer_invalid"
    message = _("Describe what the department did (at least %(min)d and at most %(max)d characters).")


class VisitInvalid(ValidationFailed):
    code = "govservices.visit.invalid"
    message = _("The visit is incomplete or invalid: correct the fields named.")


def rectification_working_days() -> int:
    return int(getattr(settings, "GOVSERVICES_RECTIFICATION_DAYS", DEFAULT_RECTIFICATION_WORKING_DAYS))


def _check_rating(score: object, reasons: object, comment: object) -> tuple[int, list[str], str]:
    problems: dict[str, list[Any]] = {}
    value = score if isinstance(score, int) and not isinstance(score, bool) else None
    if value is None or value not in RatingScore.values:
        problems["score"] = [_("Choose a score from 1 (very dissatisfied) to 5 (very satisfied).")]
    codes: list[str] = []
    if not isinstance(reasons, list | tuple) or not all(isinstance(code, str) for code in reasons):
        problems["reasons"] = [_("Reasons are a list of reason codes.")]
    else:
        codes = list(dict.fromkeys(reasons))
        unknown = [code for code in codes if code not in RatingReason.values]
        if unknown:
            problems["reasons"] = [_("Use only the reason codes of the list.")]
        elif value is not None and value in RatingScore.values:
            praise = [code for code in codes if code.startswith("P")]
            complaints = [code for code in codes if code.startswith("N")]
            if value <= BAD_SCORE and not complaints:
                problems["reasons"] = [_("A rating of 1 or 2 needs at least one reason for the dissatisfaction.")]
            elif value <= BAD_SCORE and praise:
                problems["reasons"] = [_("A rating of 1 or 2 cannot give reasons of praise.")]
            elif value >= RatingScore.SATISFIED and complaints:
                problems["reasons"] = [_("A rating of 4 or 5 cannot give reasons of complaint.")]
    text = comment.strip() if isinstance(comment, str) else None
    if text is None or len(text) > MAX_COMMENT_LENGTH:
        problems["comment"] = [_("Write at most 500 characters.")]
    if problems:
        raise RatingInvalid(field_errors=problems)
    assert value is not None
    assert text is not None
    return value, codes, text


def _payload(application: Application, **extra: Any) -> dict[str, Any]:
    return {
        "receipt_number": application.receipt_number,
        "item": application.item.code,
        "department": application.item.department.code,
        **extra,
    }


@transaction.atomic
def rating_submit(
    *, actor: Actor, application: Application, score: object, reasons: object = (), comment: object = ""
) -> Rating:
    """好差评: the applicant rates their completed application once. A 差评 (1 or 2) opens a rectification for the
    item's department, due in ``GOVSERVICES_RECTIFICATION_DAYS`` working days (15 by default)."""
    application_policy.require(actor, ApplicationPerm.VIEW, application)
    rating_policy.require(actor, RatingPerm.RATE, application)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item__department", "department")
        .get(pk=application.pk)
    )
    if locked.status not in COMPLETED:
        raise RatingNotAllowed(params={"status": ApplicationStatus(locked.status).label})
    if Rating.objects.filter(application=locked).exists():
        raise AlreadyRated()
    value, codes, text = _check_rating(score, reasons, comment)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                application=locked, score=value, reasons=codes, comment=text, rated_by_id=locked.applicant_id
            )
    except IntegrityError:
        raise AlreadyRated() from None
    entry = ledger.record(
        actor=actor,
        act="govservices.rating.submitted",
        subject=rating,
        payload=_payload(locked, score=value, reasons=codes, comment=text),
        personal=("comment",),
    )
    rating.ledger_index = entry.index
    rating.save(update_fields=["ledger_index"])
    if value <= BAD_SCORE:
        _rectification_open(actor, rating, locked)
    return rating


def _rectification_open(actor: Actor, rating: Rating, application: Application) -> Rectification:
    due_on, _warnings = add_working_days(timezone.localdate(rating.created_at), rectification_working_days())
    rectification = Rectification.objects.create(
        rating=rating, department=application.handling_department, opened_at=rating.created_at, due_on=due_on
    )
    entry = ledger.record(
        actor=actor,
        act="govservices.rectification.opened",
        subject=rectification,
        payload=_payload(application, score=rating.score, reasons=rating.reasons, due_on=due_on.isoformat()),
    )
    rectification.opened_ledger_index = entry.index
    rectification.save(update_fields=["opened_ledger_index"])
    return rectification


@transaction.atomic
def rectification_answer(*, actor: Actor, rectification: Rectification, answer: object) -> Rectification:
    """整改反馈: the department records, once, what it did about a 差评; the applicant sees the answer."""
    rectification_policy.require(actor, RectificationPerm.ANSWER, rectification)
    text = answer.strip() if isinstance(answer, str) else ""
    if not MIN_ANSWER_LENGTH <= len(text) <= MAX_ANSWER_LENGTH:
        raise AnswerInvalid(
            params={"min": MIN_ANSWER_LENGTH, "max": MAX_ANSWER_LENGTH},
            field_errors={"answer": [_("Describe what the department did.")]},
        )
    locked = (
        Rectification.objects.select_for_update()
        .select_related("rating__application__item__department", "department")
        .get(pk=rectification.pk)
    )
    if locked.status == RectificationStatus.ANSWERED:
        assert locked.answered_at is not None
        raise RectificationAlreadyAnswered(params={"date": timezone.localdate(locked.answered_at).isoformat()})
    locked.status = RectificationStatus.ANSWERED
    locked.answer = text
    locked.answered_at = timezone.now()
    locked.answered_by_id = actor.user_id
    application = locked.rating.application
    late = timezone.localdate(locked.answered_at) > locked.due_on
    entry = ledger.record(
        actor=actor,
        act="govservices.rectification.answered",
        subject=locked,
        payload=_payload(application, answer=text, due_on=locked.due_on.isoformat(), late=late),
    )
    locked.answered_ledger_index = entry.index
    locked.save(update_fields=["status", "answer", "answered_at", "answered_by", "answered_ledger_index"])
    return locked


def _check_visit(visited_at: object, place: object, purpose: object, note: object) -> tuple[dt.datetime, str, str, str]:
    problems: dict[str, list[Any]] = {}
    moment = visited_at if isinstance(visited_at, dt.datetime) else None
    if moment is None or timezone.is_naive(moment):
        problems["visited_at"] = [_("Give the date and time of the visit.")]
    elif moment > timezone.now() + dt.timedelta(minutes=5):
        problems["visited_at"] = [_("A visit cannot be in the future.")]
    where = place.strip() if isinstance(place, str) else ""
    if not 2 <= len(where) <= MAX_PLACE_LENGTH:
        problems["place"] = [_("Name the hall or window (2 to 128 characters).")]
    if purpose not in VisitPurpose.values:
        problems["purpose"] = [_("Choose the purpose of the visit.")]
    text = note.strip() if isinstance(note, str) else None
    if text is None or len(text) > MAX_COMMENT_LENGTH:
        problems["note"] = [_("Write at most 500 characters.")]
    if problems:
        raise VisitInvalid(field_errors=problems)
    assert moment is not None
    assert text is not None
    return moment, where, str(purpose), text


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    application: Application,
    visited_at: object,
    place: object,
    purpose: object,
    note: object = "",
) -> Visit:
    """Record that the applicant came to a hall in person for this application (最多跑一次 counts these)."""
    if not rating_policy.has(actor, RatingPerm.RECORD_VISIT, application):
        if application_policy.can_see(actor, application):
            rating_policy.require(actor, RatingPerm.RECORD_VISIT, application)
        raise NotFound()
    moment, where, why, text = _check_visit(visited_at, place, purpose, note)
    visit = Visit.objects.create(
        application=application, visited_at=moment, place=where, purpose=why, note=text, recorded_by_id=actor.user_id
    )
    count = Visit.objects.filter(application=application).count()
    entry = ledger.record(
        actor=actor,
        act="govservices.visit.recorded",
        subject=visit,
        payload=_payload(application, visited_at=moment.isoformat(), place=where, purpose=why, note=text, visits=count),
        personal=("note",),
    )
    visit.ledger_index = entry.index
    visit.save(update_fields=["ledger_index"])
    return visit
