"""A URLconf for tests: the real site plus a small API under /api/v1/probe/ built with the real problem handlers.

The platform's own endpoints take little input yet; this probe has a JSON body with constraints, session auth
and CSRF, so every error path of ``install_problem_handlers`` and ``ApiProblemMiddleware`` is exercised for real.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI, Schema
from ninja.security import django_auth
from pydantic import Field

from zhizheng.api import install_problem_handlers
from zhizheng.core import errors
from zhizheng.urls import urlpatterns as site_patterns

probe = install_problem_handlers(NinjaAPI(title="probe", urls_namespace="problem-probe", docs_url=None))


class ItemIn(Schema):
    name: str = Field(min_length=1, max_length=10)
    quantity: int = Field(ge=1)


class ItemOut(Schema):
    name: str
    quantity: int


@probe.post("/items", response=ItemOut, auth=django_auth)
def item_create(request: HttpRequest, payload: ItemIn) -> ItemOut:
    return ItemOut(name=payload.name, quantity=payload.quantity)


@probe.post("/open-items", response=ItemOut, auth=None)
def open_item_create(request: HttpRequest, payload: ItemIn) -> ItemOut:
    if payload.name == "taken":
        raise errors.Conflict()
    return ItemOut(name=payload.name, quantity=payload.quantity)


@probe.get("/boom", auth=None)
def boom(request: HttpRequest) -> None:
    raise RuntimeError("a bug with a secret inside: s3cr3t")


def plain_view_that_fails(request: HttpRequest) -> None:
    """A Django view (not ninja) with a bug: the page answer is the friendly 500 page, the API answer a problem."""
    raise RuntimeError("a bug with a secret inside: s3cr3t")


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/probe/", probe.urls),
    path("api/v1/plain-boom/", plain_view_that_fails),
    path("plain-boom/", plain_view_that_fails),
    *site_patterns,
]
