"""Data-hub pages of the workbench: the catalogue and a resource, the request form, the provider's inbox and the
department's grants (a new key is shown once). Thin: parse, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhizheng.core.actor import Actor
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied
from zhizheng.datahub import selectors, services
from zhizheng.datahub.choices import Category
from zhizheng.datahub.permissions import DATA_OFFICER, REQUESTER_ROLES, Perm, policy
from zhizheng.orgs.models import Department

PAGE = 50


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if not policy.has(actor, Perm.VIEW):
        raise DjangoPermissionDenied(_("The resource catalogue is for civil servants."))
    return actor


def _read(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except NotFound:
        raise Http404(_("No such resource or request.")) from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.detail) from None


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in exc.field_errors.items()}


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse the catalogue: search by name or code prefix, filter by category."""
    actor = _actor(request)
    q = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    count, resources = selectors.resource_list(actor=actor, q=q, category=category, limit=PAGE)
    return render(
        request,
        "datahub/catalogue.html",
        {"resources": resources, "count": count, "q": q, "category": category, "categories": Category.choices},
    )


def _requester_departments(actor: Actor) -> list[Department]:
    codes = sorted({d for d, r in actor.roles if r in REQUESTER_ROLES})
    return list(Department.objects.filter(code__in=codes).order_by("code"))


def _detail(request: HttpRequest, actor: Actor, code: str, **extra: Any) -> HttpResponse:
    resource = _read(lambda: selectors.resource_get(actor=actor, code=code))
    context = {
        "resource": resource,
        "items": list(resource.items.all()),
        "versions": list(resource.versions.all()[:10]),
        "departments": _requester_departments(actor),
        "can_request": resource.status == "published" and resource.share_type != "not_shared",
        "form": {},
        "errors": {},
        **extra,
    }
    return render(request, "datahub/resource.html", context, status=extra.get("status", 200))


@login_required
@require_GET
def resource(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _actor(request), code)


@login_required
@require_POST
def request_create(request: HttpRequest, code: str) -> HttpResponse:
    """The request form on a resource page. Granted at once → the key page; otherwise → my requests."""
    actor = _actor(request)
    data = request.POST
    try:
        period = int(data.get("period_days", "0") or 0)
    except ValueError:
        period = 0
    spec = services.RequestSpec(
        resource_code=code,
        department_code=data.get("department_code", ""),
        purpose=data.get("purpose", ""),
        fields=data.getlist("fields"),
        legal_basis=data.get("legal_basis", ""),
        period_days=period,
    )
    try:
        issued = services.request_create(actor=actor, spec=spec)
    except NotFound:
        raise Http404(_("No such resource or request.")) from None
    except DomainError as exc:
        return _detail(request, actor, code, error=exc.detail, errors=_errors(exc), form=data, status=exc.status)
    if issued.grant is not None:
        return render(request, "datahub/key.html", {"grant": issued.grant, "key": issued.key})
    return redirect(reverse("datahub:requests") + "?new=1")


@login_required
@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    """The provider's inbox (data officers) and the department's own requests and grants."""
    actor = _actor(request)
    _count, inbox = selectors.request_list(actor=actor, box="inbox", limit=PAGE)
    _count, mine = selectors.request_list(actor=actor, box="mine", limit=PAGE)
    for row in (*inbox, *mine):
        row.deadline = services.deadline_state(row)  # type: ignore[attr-defined]
    return render(
        request,
        "datahub/requests.html",
        {
            "inbox": inbox,
            "mine": mine,
            "grants": selectors.grant_list(actor=actor),
            "is_provider": bool(actor.departments(DATA_OFFICER)),
            "new": request.GET.get("new") == "1",
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (with a rate limit) or reject (with a reason) a pending request."""
    actor = _actor(request)
    found = _read(lambda: selectors.request_get(actor=actor, pk=pk))
    try:
        if request.POST.get("decision") == "approve":
            try:
                rate = int(request.POST.get("rate_limit", "60") or 60)
            except ValueError:
                rate = 0
            district = request.POST.get("district_code", "").strip()
            services.request_approve(
                actor=actor,
                request=found,
                rate_limit=rate,
                row_filter={"district_code": district} if district else {},
                reason=request.POST.get("reason", ""),
            )
        else:
            services.request_reject(actor=actor, request=found, reason=request.POST.get("reason", ""))
    except (NotFound, PermissionDenied):
        raise DjangoPermissionDenied(_("Only the provider's data officer answers a request.")) from None
    except DomainError as exc:
        return render(request, "datahub/error.html", {"error": exc.detail, "errors": _errors(exc)}, status=exc.status)
    return redirect("datahub:requests")
