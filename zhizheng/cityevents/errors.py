"""Domain errors of city events (stable codes, translated messages)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import InvalidTransition as CoreInvalidTransition
from zhizheng.core.errors import NotFound, ValidationFailed


def lazy_message(template: str | Promise, **params: Any) -> Promise:
    """A message with parameters that is translated when shown (page or problem+json, Chinese or English)."""
    return lazy(lambda: str(template) % params, str)()  # type: ignore[return-value]


class InvalidTransition(CoreInvalidTransition):
    """The action is not allowed from the event's current status (409); the message names that status.

    Its parameters are translated labels, so they are rendered in the message's language (``core.errors._render``
    applies the parameters after leaving the language override)."""

    code = "cityevents.invalid_transition"
    message = _("“%(action)s” is not allowed while the event is “%(status)s”.")

    def _in(self, language: str | None) -> str:
        if language is None:
            return str(self.message_template) % {k: str(v) for k, v in self.params.items()}
        with translation.override(language):
            return str(self.message_template) % {k: str(v) for k, v in self.params.items()}

    @property
    def detail(self) -> str:
        return self._in(None)

    @property
    def detail_en(self) -> str:
        return self._in("en")


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
