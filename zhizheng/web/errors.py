"""Errors of the HTTP shell that are not a domain's: broken requests and refused cross-site posts."""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core import errors


class MalformedBody(errors.BadRequest):
    code = "web.malformed_body"
    message = _("The request body is not valid JSON.")


class CsrfFailed(errors.PermissionDenied):
    code = "web.csrf_failed"
    message = _(
        "The request was refused because its CSRF token is missing or wrong. Reload the page, or use an API token."
    )


class RouteNotFound(errors.NotFound):
    code = "web.route_not_found"
    message = _("There is no API endpoint at this address.")


class MethodNotAllowed(errors.DomainError):
    code = "web.method_not_allowed"
    status = 405
    title = _("Method not allowed")
    message = _("This endpoint does not accept the %(method)s method. Allowed: %(allowed)s.")


class PayloadTooLarge(errors.DomainError):
    code = "web.payload_too_large"
    status = 413
    title = _("Payload too large")
    message = _("The request body is too large.")


class InternalError(errors.DomainError):
    code = "core.internal_error"
    status = 500
    title = _("Internal error")
    message = _("Something went wrong on our side. The error was logged; try again later.")


class UnexpectedHttpError(errors.DomainError):
    """Any other HTTP error status that reaches the API without a domain error behind it."""

    code = "web.http_error"
    title = _("Request failed")
    message = _("The request failed (HTTP %(status)s).")

    def __init__(self, *, status: int) -> None:
        self.status = status  # type: ignore[misc]
        super().__init__(params={"status": status})


_PROBLEM_BY_STATUS: dict[int, type[errors.DomainError]] = {
    400: errors.BadRequest,
    401: errors.NotAuthenticated,
    403: errors.PermissionDenied,
    404: errors.NotFound,
    409: errors.Conflict,
    413: PayloadTooLarge,
    500: InternalError,
    503: errors.ServiceUnavailable,
}


def problem_for_status_code(
    status: int, *, not_found: type[errors.DomainError] = errors.NotFound
) -> errors.DomainError:
    """The problem that stands for a bare HTTP error ``status`` (from ninja's ``HttpError`` or a Django response).

    The one table of the shell; ``not_found`` lets the middleware say "no such route" where the API handler says
    "no such object".
    """
    if status == 404:
        return not_found()
    cls = _PROBLEM_BY_STATUS.get(status)
    return cls() if cls is not None else UnexpectedHttpError(status=status)


# Pydantic's validation messages are English only; the common ones are restated here so that a field error reads
# in the request's language. Unknown kinds keep pydantic's own (English) message.
_FIELD_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "string_too_short": _("Use at least {min_length} characters."),
    "string_too_long": _("Use at most {max_length} characters."),
    "too_short": _("Give at least {min_length} items."),
    "too_long": _("Give at most {max_length} items."),
    "greater_than": _("Must be greater than {gt}."),
    "greater_than_equal": _("Must be at least {ge}."),
    "less_than": _("Must be less than {lt}."),
    "less_than_equal": _("Must be at most {le}."),
    "int_parsing": _("Must be a whole number."),
    "int_type": _("Must be a whole number."),
    "int_from_float": _("Must be a whole number."),
    "float_parsing": _("Must be a number."),
    "float_type": _("Must be a number."),
    "decimal_parsing": _("Must be a number."),
    "bool_parsing": _("Must be true or false."),
    "bool_type": _("Must be true or false."),
    "string_type": _("Must be text."),
    "date_parsing": _("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Must be a date (YYYY-MM-DD)."),
    "date_type": _("Must be a date (YYYY-MM-DD)."),
    "datetime_parsing": _("Must be a date and time (ISO 8601)."),
    "datetime_from_date_parsing": _("Must be a date and time (ISO 8601)."),
    "datetime_type": _("Must be a date and time (ISO 8601)."),
    "enum": _("Must be one of: {expected}."),
    "literal_error": _("Must be one of: {expected}."),
    "string_pattern_mismatch": _("Has the wrong format."),
    "uuid_parsing": _("Must be a UUID."),
    "list_type": _("Must be a list."),
    "dict_type": _("Must be an object."),
    "model_type": _("Must be an object."),
    "model_attributes_type": _("Must be an object."),
    "extra_forbidden": _("This field is not accepted."),
}


def field_message(item: Mapping[str, Any]) -> str | Promise:
    """The message for one pydantic error ``item``, translated lazily when its kind is known."""
    template = _FIELD_MESSAGES.get(str(item.get("type", "")))
    if template is None:
        return str(item.get("msg", "invalid"))
    context = {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    with translation.override("en"):
        needed = {name for _text, name, _spec, _conv in Formatter().parse(str(template)) if name}
    if not needed:
        return template
    if not needed <= context.keys():
        return str(item.get("msg", "invalid"))
    lazy_template: Any = template  # a lazy translation; format_lazy formats it in the language active at render
    return format_lazy(lazy_template, **{name: context[name] for name in needed})
