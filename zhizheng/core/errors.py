"""One error vocabulary for the whole platform.

A ``DomainError`` carries a stable machine code (``<app>.<reason>``), an HTTP status and a translatable message.
Services raise them; the API renders them as RFC 9457 ``application/problem+json`` with ``code``, ``detail`` in the
request's language (Chinese by default) and ``detail_en``; pages show ``detail``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _format(message: str | Promise, params: Mapping[str, Any]) -> str:
    # Lazy parameters (translated labels, reasons) render in the same language as the message around them.
    text = str(message)
    if not params:
        return text
    return text % {key: str(value) if isinstance(value, Promise) else value for key, value in params.items()}


def _render(message: str | Promise, params: Mapping[str, Any], language: str | None) -> str:
    if language is None:
        return _format(message, params)
    with translation.override(language):
        return _format(message, params)


def _render_field_errors(field_errors: Mapping[str, list[str | Promise]], language: str | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, messages in field_errors.items():
        out[field] = [_render(m, {}, language) for m in messages]
    return out


class DomainError(Exception):
    """Base of every error a service raises on purpose. Subclasses set ``code``, ``status`` and ``message``."""

    code: ClassVar[str] = "core.error"
    status: ClassVar[int] = 400
    title: ClassVar[str | Promise] = _("Request cannot be processed")
    message: ClassVar[str | Promise] = _("The request cannot be processed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        field_errors: Mapping[str, list[str | Promise]] | None = None,
    ) -> None:
        self.message_template: str | Promise = message if message is not None else type(self).message
        self.instance_code = code or type(self).code
        self.params: dict[str, Any] = dict(params or {})
        self.field_errors: dict[str, list[str | Promise]] = {k: list(v) for k, v in (field_errors or {}).items()}
        super().__init__(self.detail_en)

    @property
    def detail(self) -> str:
        """The message in the active language."""
        return _render(self.message_template, self.params, None)

    @property
    def detail_en(self) -> str:
        return _render(self.message_template, self.params, "en")

    def as_problem(self, *, instance: str | None = None) -> dict[str, Any]:
        """The RFC 9457 problem document (plus Zhizheng's ``code`` and ``detail_en``)."""
        body: dict[str, Any] = {
            "type": f"https://zhizheng.gov.example/problems/{self.instance_code}",
            "title": _render(type(self).title, {}, None),
            "status": self.status,
            "code": self.instance_code,
            "detail": self.detail,
            "detail_en": self.detail_en,
        }
        if instance:
            body["instance"] = instance
        if self.field_errors:
            body["errors"] = _render_field_errors(self.field_errors, None)
            body["errors_en"] = _render_field_errors(self.field_errors, "en")
        return body


class ValidationFailed(DomainError):
    code = "core.validation_failed"
    status = 422
    title = _("Invalid input")
    message = _("Some fields are invalid. Correct them and try again.")


class BadRequest(DomainError):
    code = "core.bad_request"
    status = 400
    title = _("Bad request")
    message = _("The request is malformed.")


class NotAuthenticated(DomainError):
    code = "core.not_authenticated"
    status = 401
    title = _("Not signed in")
    message = _("Sign in or present a valid API token.")


class PermissionDenied(DomainError):
    code = "core.permission_denied"
    status = 403
    title = _("Not allowed")
    message = _("You are not allowed to do this.")


class NotFound(DomainError):
    code = "core.not_found"
    status = 404
    title = _("Not found")
    message = _("The requested object does not exist.")


class Conflict(DomainError):
    code = "core.conflict"
    status = 409
    title = _("Conflict")
    message = _("The request conflicts with the current state.")


class InvalidTransition(Conflict):
    code = "core.invalid_transition"
    message = _("This action is not allowed in the current state.")


class ServiceUnavailable(DomainError):
    code = "core.service_unavailable"
    status = 503
    title = _("Service unavailable")
    message = _("The service is temporarily unavailable.")


PROBLEM_CONTENT_TYPE = "application/problem+json"
