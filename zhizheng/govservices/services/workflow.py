"""Staff acts on an application's process besides accepting and deciding: a department's review at its step
(joint review included), transfer to another department, and assessing the fee. Each checks the one transition
table (``actions.TRANSITIONS``), the step the actor stands at, runs atomically and is recorded in the
ledger and on the timeline."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import Conflict, ValidationFailed
from zhizheng.govservices import workflow
from zhizheng.govservices.models import Application
from zhizheng.govservices.services import notifications
from zhizheng.govservices.services.applications import (
    A,
    K,
    _check_reason,
    _record,
    _staff_act,
)
from zhizheng.orgs.models import Department

MAX_FEE_FEN = 10_000_000  # 100,000 yuan: far above any fee in the catalogue; a typo guard, not a policy
YUAN = re.compile(r"(\d+(?:\.\d{1,2})?)\s*元")


class TransferTargetInvalid(ValidationFailed):
    code = "govservices.application.transfer_target_invalid"
    message = _("Choose another existing department to transfer the application to.")


class FeeNotCharged(Conflict):
    code = "govservices.application.fee_not_charged"
    message = _("%(item)s charges no fee.")


class FeeAmountInvalid(ValidationFailed):
    code = "govservices.application.fee_amount_invalid"
    message = _("The fee is a whole number of fen between 1 and %(max)d.")


def fee_suggestions(standard: str) -> list[int]:
    """The amounts (in fen) a fee standard names, e.g. "换领20元/证；补领40元/证" → [2000, 4000], for the staff page
    to offer; standards without amounts ("按核定标准收取") offer none and the officer enters the amount."""
    amounts: list[int] = []
    for match in YUAN.finditer(standard or ""):
        fen = round(float(match.group(1)) * 100)
        if fen > 0 and fen not in amounts:
            amounts.append(fen)
    return amounts


@transaction.atomic
def application_review(*, actor: Actor, application: Application, opinion: str) -> Application:
    """A department concludes its review step (审查意见): its step is done and, when every step at that position
    is done (joint review), the process moves on. The opinion is kept on the timeline and in the ledger."""
    text = _check_reason(opinion, "opinion")
    application, target = _staff_act(actor, application, A.REVIEWED)
    codes = sorted(
        {
            s.department.code
            for s in workflow.active_steps(application)
            if s.kind == K.REVIEW and (actor.is_superuser or any(actor.has_role(r, s.department.code) for r in s.roles))
        }
    )
    done = []
    for code in codes:
        done += workflow.steps_complete(application, kinds=(K.REVIEW,), actor=actor, department=code, note=text)
    application.status = target
    application.save(update_fields=["status", "updated_at"])
    _record(
        actor,
        application,
        A.REVIEWED,
        note=text,
        extra={"opinion": text, "steps": [f"{s.department.code}:{s.name}" for s in done]},
    )
    return application


@transaction.atomic
def application_transfer(
    *, actor: Actor, application: Application, department: Department | str, reason: str
) -> Application:
    """转办: the handling department hands the application to the competent one, with a reason. The receiving
    department's queue gets it and accepts it anew; the clock keeps running (the promised deadline stays: time
    lost to a wrong routing is the administration's, not the applicant's)."""
    text = _check_reason(reason, "reason")
    target_department = (
        department
        if isinstance(department, Department)
        else Department.objects.filter(code=str(department or "")).first()
    )
    if target_department is None:
        raise TransferTargetInvalid(field_errors={"department": [_("No such department.")]})
    application, target = _staff_act(actor, application, A.TRANSFERRED)
    source = application.handling_department
    if target_department.pk == source.pk:
        raise TransferTargetInvalid(field_errors={"department": [_("The application is already there.")]})
    workflow.steps_transfer(application, source=source, target=target_department)
    application.department = target_department
    application.status = target
    application.save(update_fields=["department", "status", "updated_at"])
    _record(
        actor,
        application,
        A.TRANSFERRED,
        note=text,
        extra={"from": source.code, "to": target_department.code, "reason": text},
    )
    notifications.application_changed(application, A.TRANSFERRED)
    return application


@transaction.atomic
def application_fee_assess(*, actor: Actor, application: Application, amount_fen: int, note: str = "") -> Application:
    """核定收费: the handling department sets the fee (integer fen) by the item's fee standard; the application
    waits for payment and cannot be decided until it is paid."""
    if not application.item.fee_charged:
        raise FeeNotCharged(params={"item": application.item.name})
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_FEE_FEN:
        raise FeeAmountInvalid(
            params={"max": MAX_FEE_FEN}, field_errors={"amount_fen": [_("Enter a whole number of fen.")]}
        )
    application, target = _staff_act(actor, application, A.FEE_ASSESSED)
    application.status = target
    application.fee_fen = amount_fen
    application.fee_note = (note or "").strip()[:200] or application.item.fee_standard[:200]
    application.save(update_fields=["status", "fee_fen", "fee_note", "updated_at"])
    _record(
        actor,
        application,
        A.FEE_ASSESSED,
        note=application.fee_note,
        extra={"amount_fen": amount_fen, "standard": application.item.fee_standard},
    )
    notifications.application_changed(application, A.FEE_ASSESSED)
    return application
