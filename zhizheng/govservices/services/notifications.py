"""Telling the applicant that their application moved (accepted, supplements requested, decided, transferred,
fee due), through the accounts app's notification service: the inbox copy is written in the act's transaction (so
it exists exactly when the act does); e-mail and SMS leave after commit (the accounts service schedules them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zhizheng.accounts.services import notification_send
from zhizheng.govservices.models import Application

KINDS = {
    "accepted": "govservices.application.accepted",
    "supplement_requested": "govservices.application.supplement_requested",
    "approved": "govservices.application.decided",
    "rejected": "govservices.application.decided",
    "transferred": "govservices.application.transferred",
    "fee_assessed": "govservices.application.fee_due",
}


def _texts(application: Application, action: str) -> tuple[str, str]:
    item = application.item.name
    number = application.receipt_number
    if action == "accepted":
        return _("Application accepted"), _("%(item)s (%(number)s) was accepted.") % {"item": item, "number": number}
    if action == "supplement_requested":
        return _("Supplementary materials needed"), _(
            "%(item)s (%(number)s): please provide, all at once: %(materials)s"
        ) % {"item": item, "number": number, "materials": application.supplement_request}
    if action == "approved":
        return _("Application approved"), _("%(item)s (%(number)s) was approved.") % {"item": item, "number": number}
    if action == "rejected":
        return _("Application rejected"), _("%(item)s (%(number)s) was rejected: %(reason)s") % {
            "item": item,
            "number": number,
            "reason": application.decision_reason,
        }
    if action == "transferred":
        return _("Application transferred"), _(
            "%(item)s (%(number)s) was transferred to %(department)s, which handles it from now on."
        ) % {"item": item, "number": number, "department": application.handling_department.name}
    return _("Fee due"), _(
        "%(item)s (%(number)s): a fee of %(amount)s yuan is due; pay it on the application page."
    ) % {
        "item": item,
        "number": number,
        "amount": f"{(application.fee_fen or 0) / 100:.2f}",
    }


def application_changed(application: Application, action: str) -> None:
    """Tell the applicant about ``action`` (in Chinese, the platform's language), inside the caller's transaction."""
    kind = KINDS.get(action)
    if kind is None:
        return
    with translation.override("zh-hans"):
        title, body = _texts(application, action)
    notification_send(
        recipient=application.applicant,
        kind=kind,
        title=title,
        body=body,
        link=reverse("govservices:application", args=[application.receipt_number]),
    )
