"""Middleware of the shell: ``request.actor`` for every request, and problem+json for every API error."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from zhizheng.core import errors
from zhizheng.core.actor import ANONYMOUS, Actor
from zhizheng.core.problems import problem_response
from zhizheng.web import errors as web_errors


def _actor_for(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    from zhizheng.orgs.selectors import actor_for_user

    return actor_for_user(user)


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: _actor_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)


PROBLEM_PATH_PREFIXES = ("/api/v1/",)
"""Paths whose errors are always ``application/problem+json`` (standard-compatible APIs keep their own format)."""


def _is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


def problem_for_status(request: HttpRequest, response: HttpResponse) -> errors.DomainError:
    """The problem that stands for an error ``response`` which Django or ninja produced without one."""
    status = response.status_code
    if status == 405:
        allowed = response.get("Allow", "")
        return web_errors.MethodNotAllowed(params={"method": request.method or "", "allowed": allowed})
    return web_errors.problem_for_status_code(status, not_found=web_errors.RouteNotFound)


class ApiProblemMiddleware:
    """Turn every non-JSON error response under the API prefix into ``application/problem+json``.

    Ninja renders the errors it raises through the handlers in ``zhizheng.api``; this catches what happens
    around it: unknown paths (404 from the URL resolver), wrong methods (405), oversized bodies, bad hosts and
    uncaught exceptions (500), so that an API client never receives an HTML page or a stack trace.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(PROBLEM_PATH_PREFIXES) or _is_json(response):
            return response
        problem = problem_response(request, problem_for_status(request, response))
        if response.status_code == 405 and response.has_header("Allow"):
            problem["Allow"] = response["Allow"]
        return problem
