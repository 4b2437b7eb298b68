"""Domain errors of city events (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import InvalidTransition as CoreInvalidTransition
from zhizheng.core.errors import NotFound, ValidationFailed


class InvalidTransition(CoreInvalidTransition):
    """The action is not allowed from the event's current status (409); the message names that status."""

    code = "cityevents.invalid_transition"
    message = _("“%(action)s” is not allowed while the event is “%(status)s”.")


class PhotoRejected(ValidationFailed):
    code = "cityevents.photo_rejected"
    message = _("The photo was not accepted.")


class EventInvalid(ValidationFailed):
    code = "cityevents.event_invalid"
    message = _("The report is incomplete or invalid. Correct the fields named below.")


class CategoryNotFound(NotFound):
    code = "cityevents.category_not_found"
    message = _("There is no category with code “%(code)s”.")


class DepartmentNotFound(NotFound):
    code = "cityevents.department_not_found"
    message = _("There is no department with code “%(code)s”.")


class TrackingTokenNotFound(NotFound):
    code = "cityevents.token_not_found"
    message = _("No event has this tracking code. Check the code and try again.")
