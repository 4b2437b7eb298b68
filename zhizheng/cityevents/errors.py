"""Domain errors of city events (stable codes, translated messages)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import InvalidTransition as CoreInvalidTransition
from zhizheng.core.errors import NotFound, ValidationFailed


def lazy_message(template: str | Promise, **params: Any) -> Promise:
    """A message with parameters that is translated when shown (page or problem+json, Chinese or English)."""
    return lazy(lambda: str(template) % params, str)()  # type: ignore[return-value]


class InvalidTransition(CoreInvalidTransition):
    """The action is not allowed from the event's current status (409); the message names that status (its
    parameters are translated labels, rendered by ``core.errors`` in the language of the message)."""

    code = "cityevents.invalid_transition"
    message = _("“%(action)s” is not allowed while the event is “%(status)s”.")


class PhotoRejected(ValidationFailed):
    code = "cityevents.photo_rejected"
    message = _("The photo was not accepted.")


class EventInvalid(ValidationFailed):
    code = "cityevents.event_invalid"
    message = _("The report is incomplete or invalid. Correct the fields named below.")


class InvalidListParameter(ValidationFailed):
    """A list's ``limit``, ``offset`` or filter is out of range (422 naming every bad field), as in govservices:
    a silently clamped page would let a client believe it had read everything."""

    code = "cityevents.invalid_list_parameter"
    message = _("A list parameter is invalid: correct the fields named.")


def check_page(
    *, limit: int, offset: int, maximum: int, problems: dict[str, list[str | Promise]] | None = None
) -> None:
    """Raise ``InvalidListParameter`` naming every bad list parameter: ``limit``/``offset`` and any ``problems``
    the caller already found."""
    problems = dict(problems or {})
    if not 1 <= limit <= maximum:
        problems["limit"] = [lazy_message(_("Ask for between 1 and %(max)d items."), max=maximum)]
    if offset < 0:
        problems["offset"] = [_("The offset cannot be negative.")]
    if problems:
        raise InvalidListParameter(field_errors=problems)


class CategoryNotFound(NotFound):
    code = "cityevents.category_not_found"
    message = _("There is no category with code “%(code)s”.")


class DepartmentNotFound(NotFound):
    code = "cityevents.department_not_found"
    message = _("There is no department with code “%(code)s”.")


class TrackingTokenNotFound(NotFound):
    code = "cityevents.token_not_found"
    message = _("No event has this tracking code. Check the code and try again.")
