"""``/api/3/action/<name>`` and ``/api/action/<name>``: CKAN's Action API, GET with query parameters or POST with a
JSON body, CSRF-exempt (no cookies are used: an app presents its key in ``Authorization`` or ``X-CKAN-API-Key``).

Every answer is CKAN's envelope ``{"help", "success", "result"}``; errors are ``{"success": false, "error":
{"__type", "message"}}`` with 404 (Not Found Error), 409 (Validation Error), 403 (Authorization Error: an unknown
or revoked key) or 429 (Authorization Error: over the rate limit); an unknown action is a 400 Not Found Error,
as in CKAN. A call with a valid key counts in the app's statistics."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhizheng.accounts.middleware import client_ip
from zhizheng.datahub import services
from zhizheng.datahub.errors import AppKeyInvalid, AppRateLimited
from zhizheng.datahub.models import OpenApp
from zhizheng.datahub.opendata.ckan import CkanError, Site
from zhizheng.datahub.opendata.ckan_actions import run


def _params(request: HttpRequest) -> dict[str, Any]:
    """The action's parameters: a JSON body (as ckanapi sends), else query and form parameters."""
    form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.method == "POST" and request.body and not form:
        try:
            body = json.loads(request.body)
        except ValueError:
            raise CkanError("Validation Error", "Request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise CkanError("Validation Error", "Request body must be a JSON object")
        return body
    params: dict[str, Any] = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    if request.method == "POST":
        params.update({key: request.POST.get(key) for key in request.POST})
    return params


def _key(request: HttpRequest) -> str:
    value = request.headers.get("X-CKAN-API-Key") or request.headers.get("Authorization") or ""
    return value.removeprefix("Bearer ").strip()


def _app(request: HttpRequest) -> OpenApp | None:
    key = _key(request)
    if not key:
        return None
    try:
        return services.app_authenticate(key=key)
    except AppKeyInvalid as error:
        raise CkanError("Authorization Error", str(error.detail_en)) from None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, name: str) -> HttpResponse:
    help_url = request.build_absolute_uri(reverse("datahub:api_docs")) + f"#{name}"
    try:
        app = _app(request)
        try:
            services.call_admit(app=app, client=client_ip(request) or "unknown")
        except AppRateLimited as error:
            raise CkanError("Authorization Error", str(error.detail_en), status=429) from None
        call = run(name, _params(request), Site(base=request.build_absolute_uri("/").rstrip("/")))
    except CkanError as error:
        body = {"help": help_url, "success": False, "error": error.body()}
        return JsonResponse(body, status=error.status, json_dumps_params={"ensure_ascii": False})
    if app is not None:
        services.usage_record(app=app, resource_code=call.resource_code)
    body = {"help": help_url, "success": True, "result": call.result}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
