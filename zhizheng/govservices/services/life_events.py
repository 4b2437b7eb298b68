"""Life events (一件事一次办): one combined form, one submission and one receipt number for all the items.

Submitting creates the case and one application per item, linked to the case with its stage. The first stage's
items are submitted at once, each in its own department (all together when the stage is parallel, one after
another when it is not); later stages wait as drafts, which no department sees. When every item of a stage is
approved, the next stage starts (the system submits its items on the applicant's behalf, recorded as such).

Failure (documented rule): when an item is rejected or withdrawn, the case stops — later stages depend on the
earlier ones and never start; the other items of the same stage go on in their departments, and their results
stand. The case page shows which item failed and why; the applicant can apply for the rest item by item."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import ValidationFailed
from zhizheng.govservices.choices import ApplicationStatus, LifeEventCaseStatus
from zhizheng.govservices.life_event_forms import combined_form, combined_validate, project
from zhizheng.govservices.models import Application, LifeEvent, LifeEventCase
from zhizheng.govservices.permissions import ApplicationPerm, application_policy
from zhizheng.govservices.services import material_reuse
from zhizheng.govservices.services.applications import (
    ItemNotOnline,
    _acting_for,
    _check_form_data,
    _check_online,
    _user_id,
    application_submit,
)
from zhizheng.ledger import services as ledger
from zhizheng.orgs.selectors import actor_for_user

S = ApplicationStatus
C = LifeEventCaseStatus
FAILED = (S.REJECTED, S.WITHDRAWN)


def _receipt_number() -> str:
    return f"YS{timezone.localdate():%Y%m%d}{secrets.token_hex(4).upper()}"


def _existing(actor: Actor, key: str) -> LifeEventCase | None:
    return LifeEventCase.objects.filter(applicant_id=actor.user_id, idempotency_key=key).first()


@transaction.atomic
def life_event_case_submit(
    *,
    actor: Actor,
    event: LifeEvent,
    form_data: object,
    idempotency_key: str = "",
    certificate_consents: Collection[str] = (),
) -> LifeEventCase:
    """Submit the combined form: every problem at once (422), else one case with one receipt number, its first
    stage started in the items' departments. Materials given as the applicant's certificates (免提交) need their
    serials in ``certificate_consents``, checked here once for all items; each item attaches its own when it starts."""
    application_policy.require(actor, ApplicationPerm.APPLY, None)
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise ValidationFailed(field_errors={"idempotency_key": [_("Use at most 64 characters.")]})
    if key:
        found = _existing(actor, key)
        if found is not None:
            return found
    form = combined_form(event)
    for item in form.items:
        _check_online(item)
    data = _check_form_data(form_data)
    combined_validate(form, data)
    consents = sorted({str(serial).strip() for serial in certificate_consents})
    material_reuse.reuse_check(actor=actor, definition=form.definition, data=data, consents=consents)
    now = timezone.now()
    try:
        with transaction.atomic():
            case = LifeEventCase.objects.create(
                receipt_number=_receipt_number(),
                event=event,
                applicant_id=_user_id(actor),
                form_data=data,
                certificate_consents=consents,
                idempotency_key=key,
                submitted_at=now,
            )
    except IntegrityError:
        found = _existing(actor, key) if key else None
        if found is None:
            raise
        return found
    acting_for = _acting_for(actor)
    for stage in sorted(event.stages.all(), key=lambda s: s.order):
        for item in sorted(stage.items.all(), key=lambda i: i.code):
            Application.objects.create(
                receipt_number=f"ZW{timezone.localdate(now):%Y%m%d}{secrets.token_hex(4).upper()}",
                item=item,
                applicant_id=case.applicant_id,
                acting_for_uscc=acting_for,
                form_data=project(form, item, data),
                form_version="",
                department=item.department,
                life_event_case=case,
                stage=stage.order,
            )
    ledger.record(
        actor=actor,
        act="govservices.life_event_case.submitted",
        subject=case,
        payload={"receipt_number": case.receipt_number, "event": event.code, "form": data},
        personal=("form",),
    )
    _stage_start(case, actor=actor)
    return case


def _stage_start(case: LifeEventCase, *, actor: Actor) -> None:
    """Submit the drafts of the current stage that may start now (all of a parallel stage; the next one in turn
    of a sequential stage when none of it is open). Later stages start when a department decides an earlier item:
    they are submitted as the applicant (from the combined form they signed and the consents they gave), which is
    what ``actor`` is then, so the applicant's own certificates are checked as theirs."""
    stage = case.event.stages.get(order=case.current_stage)
    drafts = list(case.applications.filter(stage=case.current_stage, status=S.DRAFT).select_related("item"))
    drafts.sort(key=lambda a: a.item.code)
    started = case.applications.filter(stage=case.current_stage).exclude(status=S.DRAFT)
    if not stage.parallel:
        if started.exclude(status=S.APPROVED).exists():
            return
        drafts = drafts[:1]
    for draft in drafts:
        serials = set(material_reuse.references(draft.form_data).values())
        application_submit(
            actor=actor,
            item=draft.item,
            form_data=draft.form_data,
            application=draft,
            certificate_consents=[s for s in case.certificate_consents if s in serials],
        )


@transaction.atomic
def case_progress(*, case_id: int) -> LifeEventCase:
    """After an item of the case was decided or withdrawn: stop the case on a failure, start what may start next,
    or complete the case. Called by the application services, never by a signal."""
    case = LifeEventCase.objects.select_for_update().select_related("event", "applicant").get(pk=case_id)
    if case.status != C.IN_PROGRESS:
        return case
    rows = list(case.applications.values_list("stage", "status"))
    if any(status in FAILED for _stage, status in rows):
        case.status = C.STOPPED
        case.save(update_fields=["status", "updated_at"])
        _record(case, "stopped")
        return case
    current = [status for stage, status in rows if stage == case.current_stage]
    if all(status == S.APPROVED for status in current):
        later = sorted({stage for stage, _status in rows if stage is not None and stage > case.current_stage})
        if not later:
            case.status = C.COMPLETED
            case.completed_at = timezone.now()
            case.save(update_fields=["status", "completed_at", "updated_at"])
            _record(case, "completed")
            return case
        case.current_stage = later[0]
        case.save(update_fields=["current_stage", "updated_at"])
        _record(case, "advanced")
    _stage_start(case, actor=actor_for_user(case.applicant))
    return case


def _record(case: LifeEventCase, verb: str) -> None:
    ledger.record(
        actor=SYSTEM,
        act=f"govservices.life_event_case.{verb}",
        subject=case,
        payload={"receipt_number": case.receipt_number, "event": case.event.code, "stage": case.current_stage},
    )


def case_items(case: LifeEventCase) -> list[dict[str, Any]]:
    """The case's items with where each stands (for pages and the API)."""
    return [
        {
            "stage": a.stage or 0,
            "receipt_number": a.receipt_number,
            "item": a.item.code,
            "item_name": a.item.name,
            "department": a.handling_department.name,
            "status": a.status,
            "status_label": str(a.get_status_display()),
            "decision_reason": a.decision_reason,
        }
        for a in sorted(case.applications.all(), key=lambda a: (a.stage or 0, a.item.code))
    ]


__all__ = ["ItemNotOnline", "case_items", "case_progress", "life_event_case_submit"]
