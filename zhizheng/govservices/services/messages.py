"""Messages between an applicant and the department handling the application (留言沟通): write one, mark the other
side's as read. The other side is told through ``accounts`` notifications (inbox now, e-mail and SMS after
commit). A staff message is an official communication of the department: it is recorded in the ledger as
``govservices.message.sent`` with the text only as a salted hash in the public leaf (the text itself
stays in the private payload and here). The applicant's messages are a citizen's correspondence, not an official
act, and are not put in the ledger."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import User
from zhizheng.accounts.services import NotificationDraft, notification_send_many
from zhizheng.core.actor import Actor
from zhizheng.core.errors import Conflict, NotAuthenticated, ValidationFailed
from zhizheng.govservices.choices import ApplicationStatus, MessageSide
from zhizheng.govservices.models import Application, ApplicationEvent, ApplicationMessage
from zhizheng.govservices.permissions import ApplicationPerm, application_policy
from zhizheng.ledger import services as ledger
from zhizheng.orgs.selectors import staff_user_ids

MAX_MESSAGE_LENGTH = 2000
KIND = "govservices.application.message"


class MessageInvalid(ValidationFailed):
    code = "govservices.message.invalid"
    message = _("Write a message of 1 to %(max)d characters.")


class MessageOnDraft(Conflict):
    code = "govservices.message.draft"
    message = _("The application has not been submitted: no department handles it yet.")


def _side(actor: Actor, application: Application) -> str:
    return MessageSide.APPLICANT if actor.user_id == application.applicant_id else MessageSide.STAFF


def _staff_recipients(application: Application, author_id: int) -> list[int]:
    """Who on the department's side hears of an applicant's message: the staff who wrote in this conversation or
    acted on the application (from its timeline) and still hold a role in the handling department; when nobody
    did yet, the department's caseworkers."""
    code = application.handling_department.code
    in_department = set(staff_user_ids(department_code=code, role="caseworker"))
    for role in ("section_chief", "department_head", "window_officer"):
        in_department.update(staff_user_ids(department_code=code, role=role))
    involved = set(
        ApplicationMessage.objects.filter(application=application, side=MessageSide.STAFF).values_list(
            "author_id", flat=True
        )
    )
    for actor_ref in ApplicationEvent.objects.filter(application=application).values_list("actor_ref", flat=True):
        kind, _sep, number = actor_ref.partition(":")
        if kind == "user" and number.isdigit():
            involved.add(int(number))
    chosen = (involved & in_department) - {author_id, application.applicant_id}
    if not chosen:
        chosen = set(staff_user_ids(department_code=code, role="caseworker")) - {author_id}
    return sorted(chosen)


def _notify(application: Application, message: ApplicationMessage) -> None:
    with translation.override("zh-hans"):
        title = gettext("New message on application %(number)s") % {"number": application.receipt_number}
        body = gettext("%(item)s: %(text)s") % {"item": application.item.name, "text": message.text[:200]}
    if message.side == MessageSide.STAFF:
        recipients = [application.applicant]
        link = reverse("govservices:application", args=[application.receipt_number])
    else:
        recipients = list(User.objects.filter(pk__in=_staff_recipients(application, message.author_id)))
        link = reverse("govservices:case", args=[application.receipt_number])
    notification_send_many(
        [NotificationDraft(recipient=user, kind=KIND, title=title, body=body, link=link) for user in recipients]
    )


@transaction.atomic
def application_message_post(*, actor: Actor, application: Application, text: str) -> ApplicationMessage:
    """The applicant, or staff of the handling department, writes a message (1-2000 characters) on a submitted
    application; the other side is notified. Others who may see the application (a department reviewing one
    step) get 403, anyone else 404; nothing is written when refused."""
    if actor.user_id is None:
        raise NotAuthenticated()
    application_policy.require(actor, ApplicationPerm.VIEW, application)
    if application.status == ApplicationStatus.DRAFT:
        raise MessageOnDraft()
    application_policy.require(actor, ApplicationPerm.MESSAGE, application)
    cleaned = (text or "").strip() if isinstance(text, str) else ""
    if not 1 <= len(cleaned) <= MAX_MESSAGE_LENGTH:
        raise MessageInvalid(
            params={"max": MAX_MESSAGE_LENGTH},
            field_errors={"text": [_("Between 1 and 2000 characters.")]},
        )
    message = ApplicationMessage(
        application=application, author_id=actor.user_id, side=_side(actor, application), text=cleaned
    )
    if message.side == MessageSide.STAFF:
        entry = ledger.record(
            actor=actor,
            act="govservices.message.sent",
            subject=application,
            payload={
                "receipt_number": application.receipt_number,
                "department": application.handling_department.code,
                "text": cleaned,
            },
            personal=("text",),
        )
        message.ledger_index = entry.index
    message.save()
    _notify(application, message)
    return message


@transaction.atomic
def application_messages_read(*, actor: Actor, application: Application) -> int:
    """Mark the other side's unread messages read when the applicant or the handling department opens the
    conversation (a receipt state, not an act: not in the ledger). Returns how many were marked."""
    if not application_policy.has(actor, ApplicationPerm.MESSAGE, application):
        return 0
    other = MessageSide.STAFF if _side(actor, application) == MessageSide.APPLICANT else MessageSide.APPLICANT
    return ApplicationMessage.objects.filter(application=application, side=other, read_at__isnull=True).update(
        read_at=timezone.now()
    )
