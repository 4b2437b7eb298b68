"""What may happen to an application, and who may do it: the transition table (one table, one function), which
current steps let which staff act, and the acts a page or the API offers an actor (exactly those the services in
``services.applications`` and ``services.workflow`` accept)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import Conflict, InvalidTransition, PermissionDenied
from zhizheng.govservices import workflow
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus, StepKind, StepStatus
from zhizheng.govservices.models import Application
from zhizheng.govservices.permissions import ApplicationPerm, application_policy

S = ApplicationStatus
A = ApplicationAction
K = StepKind

TRANSITIONS: Mapping[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMITTED): S.SUBMITTED,
    (S.SUPPLEMENT_REQUESTED, A.SUBMITTED): S.SUBMITTED,
    (S.SUBMITTED, A.ACCEPTED): S.ACCEPTED,
    (S.SUBMITTED, A.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (S.ACCEPTED, A.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (S.ACCEPTED, A.REVIEWED): S.ACCEPTED,
    (S.AWAITING_PAYMENT, A.REVIEWED): S.AWAITING_PAYMENT,
    (S.SUBMITTED, A.TRANSFERRED): S.SUBMITTED,
    (S.ACCEPTED, A.TRANSFERRED): S.SUBMITTED,
    (S.ACCEPTED, A.FEE_ASSESSED): S.AWAITING_PAYMENT,
    (S.AWAITING_PAYMENT, A.PAID): S.ACCEPTED,
    (S.ACCEPTED, A.APPROVED): S.APPROVED,
    (S.SUBMITTED, A.REJECTED): S.REJECTED,
    (S.ACCEPTED, A.REJECTED): S.REJECTED,
    (S.AWAITING_PAYMENT, A.REJECTED): S.REJECTED,
    (S.SUBMITTED, A.WITHDRAWN): S.WITHDRAWN,
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAWN): S.WITHDRAWN,
    (S.ACCEPTED, A.WITHDRAWN): S.WITHDRAWN,
    (S.AWAITING_PAYMENT, A.WITHDRAWN): S.WITHDRAWN,
    (S.REJECTED, A.REFUNDED): S.REJECTED,
    (S.WITHDRAWN, A.REFUNDED): S.WITHDRAWN,
}
"""(current status, action) -> next status. Anything not listed is refused with ``ApplicationInvalidTransition``.
A transfer sends the application back to ``submitted``: the receiving department accepts it anew. Paying returns it
to ``accepted`` with its payment step done, so it can be decided. A refund leaves a closed application closed."""

ACTION_KINDS: Mapping[str, tuple[str, ...]] = {
    A.ACCEPTED: (K.ACCEPT,),
    A.SUPPLEMENT_REQUESTED: (K.ACCEPT, K.REVIEW),
    A.REVIEWED: (K.REVIEW,),
    A.TRANSFERRED: (K.ACCEPT, K.REVIEW),
    A.FEE_ASSESSED: (K.REVIEW, K.PAYMENT, K.DECIDE),
    A.REJECTED: (K.ACCEPT, K.REVIEW, K.PAYMENT, K.DECIDE),
}
"""Which current steps let their department's roles take a staff action (approval is checked on its own: it
completes the deciding department's reviews first; a refund, after the process ended, is for the handling
department's handlers). Only the handling department may reject, transfer or charge; any department at an
active step may review or ask for supplements at its step."""
OWN_DEPARTMENT_ACTIONS = frozenset({A.REJECTED, A.TRANSFERRED, A.FEE_ASSESSED, A.ACCEPTED})


class ApplicationInvalidTransition(InvalidTransition):
    code = "govservices.application.invalid_transition"
    message = _("The application is %(status)s: it cannot be %(action)s now.")


class ReviewPending(Conflict):
    code = "govservices.application.review_pending"
    message = _("Another department has not finished its review yet: %(departments)s.")


class PaymentRequired(Conflict):
    code = "govservices.application.payment_required"
    message = _("The fee has not been paid yet: the application can be decided once it is paid.")


def transition_check(application: Application, action: str) -> str:
    """The status ``action`` leads to from the application's current one, or ``ApplicationInvalidTransition``
    (409) naming the current status."""
    target = TRANSITIONS.get((application.status, action))
    if target is None:
        raise ApplicationInvalidTransition(
            params={"status": ApplicationStatus(application.status).label, "action": ApplicationAction(action).label}
        )
    return target


def allowed_actions(application: Application) -> list[str]:
    """The actions the table allows from the application's current status, whoever asks (see ``staff_actions``
    for what one member of staff may do)."""
    return [action for (status, action) in TRANSITIONS if status == application.status]


STAFF_ACTIONS = (A.ACCEPTED, A.SUPPLEMENT_REQUESTED, A.REVIEWED, A.FEE_ASSESSED, A.TRANSFERRED, A.REJECTED, A.APPROVED)
"""The staff acts a case page offers (payment, withdrawal and resubmission are the applicant's; refunds follow
their payment)."""


def step_allows(actor: Actor, application: Application, action: str) -> bool:
    """True when the process's current step lets ``actor`` take ``action`` (``ACTION_KINDS``; approval: a holder of
    the decision step's roles). Reads the steps kept on ``application`` (``workflow.steps_of``). The services
    refuse with 403 exactly when this is False, and the case page offers only what it allows."""
    if actor.is_superuser:
        return True
    if action == A.APPROVED:
        return workflow.may_act(actor, application, (K.DECIDE,), waiting_too=True)
    kinds = ACTION_KINDS.get(action)
    return kinds is None or workflow.may_act(actor, application, kinds, own_department=action in OWN_DEPARTMENT_ACTIONS)


def decision_refusal(actor: Actor, application: Application) -> PermissionDenied | Conflict | None:
    """Why ``actor`` cannot approve now, or None: not a holder of the decision step's roles (403); another
    department's review still open once the deciding department's own open reviews are concluded by the decision
    (409 ``ReviewPending``); an unpaid fee (409 ``PaymentRequired``). Pure: it reads the steps loaded on
    ``application`` and foresees what ``_decision_reached`` does, which raises what this returns."""
    if not step_allows(actor, application, A.APPROVED):
        return PermissionDenied()
    code = application.handling_department.code
    concludes_own = actor.is_superuser or workflow.may_act(actor, application, (K.REVIEW,), own_department=True)
    steps = [s for s in workflow.steps_of(application) if s.status in (StepStatus.ACTIVE, StepStatus.WAITING)]
    active = [
        s
        for s in steps
        if s.status == StepStatus.ACTIVE and not (concludes_own and s.kind == K.REVIEW and s.department.code == code)
    ]
    if not active:  # the process moves on to its next position, as ``workflow.steps_advance`` does
        waiting = [s for s in steps if s.status == StepStatus.WAITING]
        active = [s for s in waiting if s.position == waiting[0].position] if waiting else []
    pending = sorted({s.department.name for s in active if s.kind == K.REVIEW})
    if pending:
        return ReviewPending(params={"departments": "、".join(pending)})
    if any(s.kind == K.PAYMENT for s in active):
        return PaymentRequired()
    return None


def staff_actions(actor: Actor, application: Application) -> list[str]:
    """The staff acts ``actor`` may take on ``application`` now, by the same checks the services make: the
    transition table, the policy, the current step's department and roles, and for approval ``decision_refusal``.
    For the case page, which offers exactly these. Reads the application's steps once (none are written)."""
    possible = [a for a in allowed_actions(application) if a in STAFF_ACTIONS]
    if not possible or not application_policy.has(actor, ApplicationPerm.HANDLE, application):
        return []
    return [
        action
        for action in possible
        if step_allows(actor, application, action)
        and (action != A.APPROVED or decision_refusal(actor, application) is None)
        and (action != A.FEE_ASSESSED or application.item.fee_charged)
    ]


APPLICANT_ACTIONS = (A.SUBMITTED, A.PAID, A.WITHDRAWN)
"""The applicant's acts: resubmitting after a request for supplements (or submitting a draft), paying the assessed
fee, withdrawing."""


def applicant_actions(actor: Actor, application: Application) -> list[str]:
    """The applicant's acts on their own application now (none for anyone else): what the table allows of
    ``APPLICANT_ACTIONS``, paying only when a fee is assessed (as ``payments.payment_create`` requires). Reads
    nothing from the database."""
    if actor.user_id is None or application.applicant_id != actor.user_id:
        return []
    return [
        action
        for action in allowed_actions(application)
        if action in APPLICANT_ACTIONS and (action != A.PAID or application.fee_fen)
    ]


def actions_for(actor: Actor, application: Application) -> list[str]:
    """What ``actor`` may do to ``application`` now: its applicant their own acts (``applicant_actions``), staff
    exactly ``staff_actions``. The case pages and the API report this."""
    if actor.user_id is not None and application.applicant_id == actor.user_id:
        return applicant_actions(actor, application)
    return staff_actions(actor, application)
