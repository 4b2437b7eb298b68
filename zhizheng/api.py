"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's Router and renders errors as problem+json."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zhizheng import __version__
from zhizheng.core import errors
from zhizheng.core.problems import problem_response
from zhizheng.web import errors as web_errors
from zhizheng.web.docs import VendoredSwagger

logger = logging.getLogger("zhizheng.api")

_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    """``("body", "payload", "items", 0, "name")`` becomes ``items.0.name``: the field as the client sent it."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        # A JSON body is one parameter of the operation; its name is ours, not the client's.
        if source in {"body", "form"} and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    field_errors: dict[str, list[Any]] = {}
    for item in exc.errors:
        field_errors.setdefault(_field_name(item.get("loc", ())), []).append(web_errors.field_message(item))
    return problem_response(request, errors.ValidationFailed(field_errors=field_errors))


def _domain_error(request: HttpRequest, exc: errors.DomainError) -> HttpResponse:
    return problem_response(request, exc)


def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(request, errors.NotAuthenticated())


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, errors.NotFound())


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises bare HttpErrors for a few conditions; give those their own stable codes.
    message = str(exc.message) if hasattr(exc, "message") else str(exc)
    if exc.status_code == 403 and message.startswith("CSRF"):
        return problem_response(request, web_errors.CsrfFailed())
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return problem_response(request, web_errors.MalformedBody())
    mapping: dict[int, type[errors.DomainError]] = {
        400: errors.BadRequest,
        401: errors.NotAuthenticated,
        403: errors.PermissionDenied,
        404: errors.NotFound,
        409: errors.Conflict,
        503: errors.ServiceUnavailable,
    }
    cls = mapping.get(exc.status_code)
    if cls is None:
        return problem_response(request, web_errors.UnexpectedHttpError(status=exc.status_code))
    return problem_response(request, cls())


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error", exc_info=exc)
    return problem_response(request, web_errors.InternalError())


def install_problem_handlers(target: NinjaAPI) -> NinjaAPI:
    """Make ``target`` answer every error as ``application/problem+json``."""
    handlers: tuple[tuple[type[Exception], Any], ...] = (
        (errors.DomainError, _domain_error),
        (NinjaValidationError, _validation_error),
        (AuthenticationError, _auth_error),
        (Http404, _not_found),
        (HttpError, _http_error),
        (Exception, _unexpected),
    )
    for exception_class, handler in handlers:
        target.add_exception_handler(exception_class, handler)
    return target


api = install_problem_handlers(
    NinjaAPI(
        title="Zhizheng API",
        version="1",
        description="智政 smart-government platform API. Errors are application/problem+json (RFC 9457).",
        urls_namespace="api-v1",
        docs=VendoredSwagger(),
    )
)


def _mount_routers() -> None:
    from zhizheng.accounts.api import router as accounts_router
    from zhizheng.certificates.api import router as certificates_router
    from zhizheng.cityevents.api import router as cityevents_router
    from zhizheng.datahub.api import router as datahub_router
    from zhizheng.govservices.api import router as govservices_router
    from zhizheng.govservices.api_supervision import router as govservices_supervision_router
    from zhizheng.registries.api import router as registries_router
    from zhizheng.web.api import router as web_router

    api.add_router("/", web_router)
    api.add_router("/", accounts_router)
    api.add_router("/", certificates_router)
    api.add_router("/", cityevents_router)
    api.add_router("/", datahub_router)
    api.add_router("/", govservices_router)
    api.add_router("/", govservices_supervision_router)
    api.add_router("/", registries_router)


_mount_routers()
__all__ = ["__version__", "api"]
