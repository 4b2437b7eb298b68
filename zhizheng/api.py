"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's Router and renders errors as problem+json."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zhizheng import __version__
from zhizheng.core import errors
from zhizheng.core.problems import problem_response

api = NinjaAPI(
    title="Zhizheng API",
    version="1",
    description="智政 smart-government platform API. Errors are application/problem+json.",
    urls_namespace="api-v1",
)


@api.exception_handler(errors.DomainError)
def _domain_error(request: HttpRequest, exc: errors.DomainError) -> HttpResponse:
    return problem_response(request, exc)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    field_errors: dict[str, list[Any]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")]
        field_errors.setdefault(".".join(loc) or "__all__", []).append(item.get("msg", "invalid"))
    return problem_response(request, errors.ValidationFailed(field_errors=field_errors))


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(request, errors.NotAuthenticated())


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, errors.NotFound())


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    mapping: dict[int, type[errors.DomainError]] = {
        401: errors.NotAuthenticated,
        403: errors.PermissionDenied,
        404: errors.NotFound,
        409: errors.Conflict,
        503: errors.ServiceUnavailable,
    }
    cls = mapping.get(exc.status_code, errors.BadRequest)
    return problem_response(request, cls())


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("zhizheng.api").exception("Unhandled API error", exc_info=exc)
    return problem_response(request, _InternalError())


class _InternalError(errors.DomainError):
    code = "core.internal_error"
    status = 500


def _mount_routers() -> None:
    from zhizheng.web.api import router as web_router

    api.add_router("/", web_router)


_mount_routers()
__all__ = ["__version__", "api"]
