"""Messages between the applicant and the handling department under /api/v1/services/applications/{receipt}/
messages. Thin: writing goes through ``services.messages``; reading through the selectors."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.govservices.api import _page, router
from zhizheng.govservices.choices import MessageSide
from zhizheng.govservices.models import ApplicationMessage
from zhizheng.govservices.schemas import MessageIn, MessageListOut, MessageOut
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.services import messages as message_services


def _message_out(message: ApplicationMessage) -> MessageOut:
    staff = message.side == MessageSide.STAFF
    name = message.author.real_name or message.author.username
    return MessageOut(
        id=message.pk,
        side=message.side,
        author=f"{message.application.handling_department.name} {name}" if staff else str(MessageSide.APPLICANT.label),
        text=message.text,
        created_at=message.created_at.isoformat(),
        read_at=message.read_at.isoformat() if message.read_at else None,
        ledger_index=message.ledger_index,
    )


@router.get(
    "/services/applications/{receipt_number}/messages",
    response=MessageListOut,
    auth=API_AUTH,
    operation_id="govservices_message_list",
)
def message_list(request: HttpRequest, receipt_number: str, limit: int = 50, offset: int = 0) -> MessageListOut:
    """The conversation on an application, oldest first (its applicant and the departments that see it; anyone
    else 404). Reading it as the applicant or the handling department marks the other side's messages read."""
    _page(limit, offset)
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, receipt_number=receipt_number)
    message_services.application_messages_read(actor=actor, application=application)
    messages = application_selectors.application_messages(application=application)
    for message in messages:
        message.application = application
    return MessageListOut(count=len(messages), items=[_message_out(m) for m in messages[offset : offset + limit]])


@router.post(
    "/services/applications/{receipt_number}/messages",
    response={201: MessageOut},
    auth=API_AUTH,
    operation_id="govservices_message_post",
)
def message_post(request: HttpRequest, receipt_number: str, payload: MessageIn) -> Status:
    """Write a message: the applicant, or staff of the handling department (403 for a department that only
    reviews a step; 422 for an empty or over-long text; 409 on a draft)."""
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, receipt_number=receipt_number)
    message = message_services.application_message_post(actor=actor, application=application, text=payload.text)
    message.application = application
    return Status(201, _message_out(message))
