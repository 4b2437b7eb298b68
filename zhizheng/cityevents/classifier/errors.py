"""Errors of the message classifier, in the platform's one error vocabulary."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import DomainError, ServiceUnavailable


class InvalidClassifierInput(DomainError):
    """The texts to classify are not a non-empty list of at most ``MAX_TEXTS`` non-blank strings."""

    code = "cityevents.invalid_input"
    status = 422
    title = _("Invalid input")
    message = _("The texts to classify are invalid.")


class ClassifierUnavailable(ServiceUnavailable):
    """No usable model artefact: missing, unreadable, or made for other labels or library versions."""

    code = "cityevents.classifier_unavailable"
    message = _("The message classifier is not available.")
