"""Applying online and handling applications: one service function per state change.

Every move between states is checked against ``TRANSITIONS`` (one table, one function), runs in one transaction,
adds a timeline row and records the act in the ledger (the form's personal data only as hashes in the public
leaf). Each application moves through its process (``workflow``): only the department and roles of the current
step may act on it. Approving an item whose result is a certificate issues it (as the system, which the
certificates policy allows for approved applications) and links it to the application. Review, transfer and fees
are in ``services.workflow``, payments in ``services.payments``, life events in ``services.life_events``."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import User
from zhizheng.certificates import services as certificates
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from zhizheng.core.workdays import CalendarWarning, add_working_days, count_working_days
from zhizheng.govservices import workflow
from zhizheng.govservices.choices import ApplicationStatus, OnlineLevel
from zhizheng.govservices.form_schemas import FormInvalid, form_definition, form_validate
from zhizheng.govservices.models import Application, ApplicationEvent, ServiceItem
from zhizheng.govservices.permissions import ApplicationPerm, application_policy
from zhizheng.govservices.selectors.catalogue import ITEM_GUIDE_TEXT
from zhizheng.govservices.services import material_reuse, notifications
from zhizheng.govservices.services.actions import (
    A,
    ApplicationInvalidTransition,
    K,
    S,
    decision_refusal,
    step_allows,
    transition_check,
)
from zhizheng.ledger import services as ledger

MAX_FORM_BYTES = 64 * 1024
MAX_REASON_LENGTH = 2000
MIN_REASON_LENGTH = 4
AUTHORITY_FIELDS = (
    "issuing_authority",
    "registration_authority",
    "approving_authority",
    "record_authority",
    "tax_authority",
    "issuing_agency",
)


class ItemNotOnline(Conflict):
    code = "govservices.item_not_online"
    message = _("%(item)s cannot be applied for online: see the guide for where to apply.")


class IdempotencyKeyReused(Conflict):
    code = "govservices.application.idempotency_key_reused"
    message = _("This idempotency key was already used for another application.")


class FormDataInvalid(ValidationFailed):
    code = "govservices.application.form_data_invalid"
    message = _("The form data must be a JSON object of at most 64 KiB.")


class ReasonRequired(ValidationFailed):
    code = "govservices.application.reason_required"
    message = _("State the reason (at least %(min)d and at most %(max)d characters).")


def _receipt_number(now: dt.datetime) -> str:
    return f"ZW{timezone.localdate(now):%Y%m%d}{secrets.token_hex(4).upper()}"


def _check_form_data(form_data: object) -> dict[str, Any]:
    if not isinstance(form_data, dict) or len(repr(form_data).encode("utf-8")) > MAX_FORM_BYTES:
        raise FormDataInvalid()
    return form_data


def _check_reason(reason: str, field: str) -> str:
    text = (reason or "").strip()
    if not MIN_REASON_LENGTH <= len(text) <= MAX_REASON_LENGTH:
        raise ReasonRequired(
            params={"min": MIN_REASON_LENGTH, "max": MAX_REASON_LENGTH},
            field_errors={field: [_("State the reason.")]},
        )
    return text


def _check_online(item: ServiceItem) -> None:
    if not item.published or item.online_level < OnlineLevel.APPLY:
        raise ItemNotOnline(params={"item": item.name})


def _lock(application: Application) -> Application:
    """The application re-read under a row lock (the caller's copy may be stale).

    Only the application's row is locked (``of=("self",)``): locking the joined item row too made every
    submission for that item wait at its commit (PostgreSQL checks the deferred foreign key with ``FOR KEY SHARE``
    on the item) while the approval waited for the ledger head the submission held — a deadlock under load.
    The applicant comes along: most acts tell them (``services.notifications``), which otherwise read their row
    again."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("item__department", "department", "applicant")
        .defer(*ITEM_GUIDE_TEXT)
        .get(pk=application.pk)
    )


def _record(
    actor: Actor,
    application: Application,
    action: str,
    *,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
    personal: tuple[str, ...] = (),
) -> ApplicationEvent:
    payload: dict[str, Any] = {
        "receipt_number": application.receipt_number,
        "item": application.item.code,
        "department": application.handling_department.code,
        "status": application.status,
        **(extra or {}),
    }
    entry = ledger.record(
        actor=actor,
        act=f"govservices.application.{action}",
        subject=application,
        payload=payload,
        personal=personal,
    )
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        status_after=application.status,
        actor_ref=actor.ref,
        note=note,
        ledger_index=entry.index,
    )


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:  # the APPLY rule already requires a person; this keeps the types honest
        raise NotAuthenticated()
    return actor.user_id


def _acting_for(actor: Actor) -> str:
    """The enterprise an agent acts for; a citizen acts for no one (the actor knows its kind: no query)."""
    if actor.user_kind != User.Kind.AGENT:
        return ""
    user = User.objects.filter(pk=_user_id(actor)).only("kind", "uscc").first()
    if user is not None and user.kind == User.Kind.AGENT:
        return user.uscc
    return ""


@transaction.atomic
def application_draft_save(
    *, actor: Actor, item: ServiceItem, form_data: object, application: Application | None = None
) -> Application:
    """Keep a draft on the server (not validated yet): a new one, or ``application`` when it is still a draft."""
    application_policy.require(actor, ApplicationPerm.APPLY, application)
    _check_online(item)
    data = _check_form_data(form_data)
    version = form_definition(item).version
    if application is None:
        application = Application.objects.create(
            receipt_number=_receipt_number(timezone.now()),
            item=item,
            applicant_id=_user_id(actor),
            acting_for_uscc=_acting_for(actor),
            form_data=data,
            form_version=version,
        )
    else:
        application = _lock(application)
        if application.item_id != item.pk:
            raise NotFound()
        if application.status != S.DRAFT:
            raise ApplicationInvalidTransition(
                params={"status": ApplicationStatus(application.status).label, "action": A.SAVED.label}
            )
        application.form_data = data
        application.form_version = version
        application.save(update_fields=["form_data", "form_version", "updated_at"])
    ApplicationEvent.objects.create(
        application=application, action=A.SAVED, status_after=application.status, actor_ref=actor.ref
    )
    return application


def _existing_for_key(actor: Actor, key: str, item: ServiceItem) -> Application | None:
    found = Application.objects.select_related("item").filter(applicant_id=actor.user_id, idempotency_key=key).first()
    if found is not None and found.item_id != item.pk:
        raise IdempotencyKeyReused()
    return found


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    item: ServiceItem,
    form_data: object,
    idempotency_key: str = "",
    application: Application | None = None,
    certificate_consents: Collection[str] = (),
) -> Application:
    """Submit an application (a new one, the applicant's draft, or one sent back for supplements).

    The form is validated against the item's generated schema, every problem at once (422, nothing stored). With
    an ``idempotency_key`` a repeated submission returns the application the first one created. Materials given as
    ``certificate:<serial>`` must be the applicant's own valid certificates, each with its serial in
    ``certificate_consents`` (免提交, see ``services.material_reuse``); they are attached with the time of consent."""
    application_policy.require(actor, ApplicationPerm.APPLY, application)
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise ValidationFailed(field_errors={"idempotency_key": [_("Use at most 64 characters.")]})
    if key and application is None:
        existing = _existing_for_key(actor, key, item)
        if existing is not None:
            return existing
    _check_online(item)
    data = _check_form_data(form_data)
    definition = form_definition(item)
    try:
        form_validate(definition, data)
    except FormInvalid as exc:  # every problem at once: the attached certificates' join the form's
        try:
            material_reuse.reuse_check(actor=actor, definition=definition, data=data, consents=certificate_consents)
        except material_reuse.CertificateReuseRefused as refused:
            for name, problems in refused.field_errors.items():
                exc.field_errors.setdefault(name, []).extend(problems)
            exc.params["count"] = sum(len(m) for m in exc.field_errors.values())
        raise
    reused = material_reuse.reuse_check(actor=actor, definition=definition, data=data, consents=certificate_consents)
    now = timezone.now()
    new = application is None
    if application is None:
        # Built in memory and written once, complete (one INSERT, no UPDATE after it).
        application = Application(
            receipt_number=_receipt_number(now),
            item=item,
            applicant_id=_user_id(actor),
            acting_for_uscc=_acting_for(actor),
            idempotency_key=key,
        )
    else:
        application = _lock(application)
        if application.item_id != item.pk:
            raise NotFound()
    target = transition_check(application, A.SUBMITTED)
    first_submission = application.submitted_at is None
    application.status = target
    application.form_data = data
    application.form_version = definition.version
    if first_submission:
        application.submitted_at = now
        deadline, warnings = add_working_days(timezone.localdate(now), item.promised_days)
        application.deadline_on = deadline
        _keep_warnings(application, warnings)
    elif application.clock_paused_on is not None and application.deadline_on is not None:
        _clock_resume(
            application,
            paused_on=application.clock_paused_on,
            deadline=application.deadline_on,
            today=timezone.localdate(now),
        )
    if application.department_id is None:
        application.department = item.department
    if not new:
        application.save()
    elif not key:
        application.save(force_insert=True)
    else:
        try:
            with transaction.atomic():  # a savepoint only where a unique key can collide
                application.save(force_insert=True)
        except IntegrityError:
            # A concurrent request with the same key won the race: answer with its application.
            existing = _existing_for_key(actor, key, item)
            if existing is None:
                raise
            return existing
    material_reuse.attachments_store(application=application, reused=reused, at=now, first=new)
    if first_submission:
        workflow.process_start(application, actor=actor)
    _record(
        actor,
        application,
        A.SUBMITTED,
        extra={
            "form_version": definition.version,
            "form": data,
            "resubmission": not first_submission,
            "certificates_attached": [r.certificate.serial for r in reused],
        },
        personal=("form",),
    )
    return application


def _keep_warnings(application: Application, warnings: list[CalendarWarning]) -> None:
    kept = list(application.calendar_warnings)
    for warning in warnings:
        row = {"code": warning.code, "year": warning.year}
        if row not in kept:
            kept.append(row)
    application.calendar_warnings = kept


def _clock_resume(application: Application, *, paused_on: dt.date, deadline: dt.date, today: dt.date) -> None:
    """Move the deadline by the working days the clock stood still while waiting for the applicant."""
    paused, warnings = count_working_days(paused_on, today)
    if paused > 0:
        application.deadline_on, more = add_working_days(deadline, paused)
        application.paused_working_days += paused
        warnings = [*warnings, *more]
    _keep_warnings(application, warnings)
    application.clock_paused_on = None


def _staff_act(actor: Actor, application: Application, action: str) -> tuple[Application, str]:
    """Lock the application, check the table, then that the actor acts at a current step of the process.

    The order matters: a hidden application is 404, an impossible move 409 (whoever asks), an act by someone who
    sees the application but is not at the current step 403. The policy is checked on the locked row and its
    steps, read once here and kept for the rest of the act (``workflow.steps_of``); the caller's copy only
    names the application."""
    locked = _lock(application)
    application_policy.require(actor, ApplicationPerm.HANDLE, locked)
    target = transition_check(locked, action)
    if locked.department_id is None:  # submitted before transfers existed
        locked.department = locked.item.department
        locked.save(update_fields=["department", "updated_at"])
    workflow.process_ensure(locked, actor=actor)
    if action != A.APPROVED and not step_allows(actor, locked, action):
        raise PermissionDenied()
    return locked, target


@transaction.atomic
def application_accept(*, actor: Actor, application: Application) -> Application:
    """受理: the item's department takes the application on."""
    application, target = _staff_act(actor, application, A.ACCEPTED)
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    workflow.steps_complete(
        application, kinds=(K.ACCEPT,), actor=actor, department=application.handling_department.code
    )
    _record(actor, application, A.ACCEPTED)
    notifications.application_changed(application, A.ACCEPTED)
    return application


@transaction.atomic
def application_request_supplement(*, actor: Actor, application: Application, materials: str) -> Application:
    """一次性告知: ask once, in one message, for everything that is missing, and stop the clock until the applicant
    resubmits."""
    text = _check_reason(materials, "materials")
    application, target = _staff_act(actor, application, A.SUPPLEMENT_REQUESTED)
    application.status = target
    application.supplement_request = text
    application.clock_paused_on = timezone.localdate()
    application.save(update_fields=["status", "supplement_request", "clock_paused_on", "updated_at"])
    _record(actor, application, A.SUPPLEMENT_REQUESTED, note=text, extra={"materials": text})
    notifications.application_changed(application, A.SUPPLEMENT_REQUESTED)
    return application


def _certificate_subject(application: Application, field_keys: list[str]) -> dict[str, Any]:
    data = application.form_data
    organisation = data.get("applicant_kind") == "legal_person" or "person" not in data
    party = data.get("organisation" if organisation else "person") or {}
    candidates: dict[str, Any] = {
        "name": party.get("name"),
        "id_number": party.get("id_number"),
        "uscc": party.get("uscc"),
        "certificate_number": application.receipt_number,
        "issue_date": timezone.localdate().isoformat(),
        **dict.fromkeys(AUTHORITY_FIELDS, application.item.department.name),
    }
    details = data.get("details") or {}
    candidates.update({k: v for k, v in details.items() if isinstance(v, str | int) and not isinstance(v, bool)})
    return {k: v for k, v in candidates.items() if k in field_keys and v not in (None, "")}


def _holder(application: Application) -> str:
    data = application.form_data
    if data.get("applicant_kind") == "legal_person" or "person" not in data:
        return str((data.get("organisation") or {}).get("uscc", ""))
    return str((data.get("person") or {}).get("id_number", ""))


@transaction.atomic
def application_approve(*, actor: Actor, application: Application) -> Application:
    """Approve (准予); when the item's result is a certificate, issue it to the applicant and link it. The two
    acts (certificate issued, application approved) are appended to the ledger together."""
    application, target = _staff_act(actor, application, A.APPROVED)
    _decision_reached(actor, application)
    application.status = target
    application.decided_at = timezone.now()
    code = application.item.result_certificate_type
    with ledger.batch():
        if code:
            certificate_type = certificates.certificate_type_get(code)
            application.certificate = certificates.certificate_issue(
                actor=SYSTEM,
                certificate_type=certificate_type,
                holder=_holder(application),
                subject=_certificate_subject(application, list(certificate_type.field_keys)),
            )
        application.save(update_fields=["status", "decided_at", "certificate", "updated_at"])
        serial = application.certificate.serial if application.certificate else None
        workflow.steps_run_through(application, kinds=(K.DECIDE, K.ISSUE, K.DELIVER), actor=actor)
        _record(actor, application, A.APPROVED, extra={"certificate": serial})
    notifications.application_changed(application, A.APPROVED)
    _life_event_progress(application)
    return application


def _decision_reached(actor: Actor, application: Application) -> None:
    """Before approving: ``decision_refusal`` says whether the actor may (403 / 409); if so, the deciding
    department's own open reviews are concluded by the decision."""
    refusal = decision_refusal(actor, application)
    if refusal is not None:
        raise refusal
    if actor.is_superuser or workflow.may_act(actor, application, (K.REVIEW,), own_department=True):
        code = application.handling_department.code
        workflow.steps_complete(application, kinds=(K.REVIEW,), actor=actor, department=code)


class LegalBasisRequired(ValidationFailed):
    code = "govservices.application.legal_basis_required"
    message = _("Choose the legal basis of the rejection from the item's legal basis.")


@transaction.atomic
def application_reject(*, actor: Actor, application: Application, reason: str, legal_basis: str) -> Application:
    """Reject (不予受理 or 不予许可) with the legal reason, which the applicant sees: ``legal_basis`` is one of the
    item's legal bases, ``reason`` says how it applies to this application."""
    text = _check_reason(reason, "reason")
    basis = (legal_basis or "").strip()
    if basis not in application.item.legal_basis:
        raise LegalBasisRequired(field_errors={"legal_basis": [_("Choose one of the item's legal bases.")]})
    application, target = _staff_act(actor, application, A.REJECTED)
    application.status = target
    application.decided_at = timezone.now()
    application.decision_reason = f"{basis}：{text}"
    application.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])
    workflow.steps_cancel_open(application)
    _record(
        actor, application, A.REJECTED, note=application.decision_reason, extra={"reason": text, "legal_basis": basis}
    )
    notifications.application_changed(application, A.REJECTED)
    _life_event_progress(application)
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application: Application) -> Application:
    """The applicant withdraws an application that is not decided yet."""
    application_policy.require(actor, ApplicationPerm.VIEW, application)
    if not (actor.user_id is not None and application.applicant_id == actor.user_id):
        raise NotFound()
    application = _lock(application)
    application.status = transition_check(application, A.WITHDRAWN)
    application.save(update_fields=["status", "updated_at"])
    workflow.steps_cancel_open(application)
    _record(actor, application, A.WITHDRAWN)
    _life_event_progress(application)
    return application


def _life_event_progress(application: Application) -> None:
    """A decided or withdrawn item of a life event may complete its stage (starting the next) or stop the case.
    The life-event module builds on this one, so it is imported here rather than at the top."""
    if application.life_event_case_id is None:
        return
    from zhizheng.govservices.services import life_events as life_event_services

    life_event_services.case_progress(case_id=application.life_event_case_id)
