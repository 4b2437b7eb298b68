"""Django's error handlers (``handler400`` … ``handler500`` in ``zhizheng.urls``).

Under the API prefix they answer problem+json straight away, without rendering an HTML page first; elsewhere they
are Django's own views, which render the friendly bilingual templates (400.html, 403.html, 404.html, 500.html).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from zhizheng.core import errors
from zhizheng.core.problems import problem_response
from zhizheng.web import errors as web_errors
from zhizheng.web.middleware import PROBLEM_PATH_PREFIXES


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(PROBLEM_PATH_PREFIXES)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, errors.BadRequest())
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, errors.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, web_errors.RouteNotFound())
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, web_errors.InternalError())
    return defaults.server_error(request)
