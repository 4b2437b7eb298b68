"""Errors of the HTTP shell that are not a domain's: broken requests and refused cross-site posts."""

from __future__ import annotations

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
