"""Data-hub pages of the workbench: the catalogue and a resource, the request form, the provider's inbox and the
department's grants (a new key is shown once). Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhizheng.core.actor import Actor, actor_of
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied
from zhizheng.datahub import selectors, services
from zhizheng.datahub.choices import Category, DataType, ImportStatus, Mask
from zhizheng.datahub.errors import DatastoreNotAvailable
from zhizheng.datahub.models import UPLOADABLE_TYPES, ColumnSpec
from zhizheng.datahub.permissions import DATA_OFFICER, REQUESTER_ROLES, Perm, policy
from zhizheng.datahub.services import access_log as access_log_service
from zhizheng.datahub.services import imports as imports_service
from zhizheng.datahub.services import quality as quality_service
from zhizheng.datahub.services import tabular
from zhizheng.orgs.models import Department

PAGE = 50


def _staff_actor(request: HttpRequest) -> Actor:
    actor = actor_of(request)
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
    actor = _staff_actor(request)
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
    return _detail(request, _staff_actor(request), code)


@login_required
@require_POST
def request_create(request: HttpRequest, code: str) -> HttpResponse:
    """The request form on a resource page. Granted at once → the key page; otherwise → my requests."""
    actor = _staff_actor(request)
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
    actor = _staff_actor(request)
    _count, inbox = selectors.request_list(actor=actor, box="inbox", limit=PAGE)
    _count, mine = selectors.request_list(actor=actor, box="mine", limit=PAGE)
    rows = (*inbox, *mine)
    for row, state in zip(rows, services.deadline_states(rows), strict=True):
        row.deadline = state  # type: ignore[attr-defined]
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
    actor = _staff_actor(request)
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


# --- Data of a resource: uploads, imports, preview, quality; the sealed access log --------------------------------

TYPE_CHOICES = [(t, f"{t} · {label}") for t, label in DataType.choices if t in UPLOADABLE_TYPES]


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_GET
def table(request: HttpRequest, code: str) -> HttpResponse:
    """A resource's data: the table with filters, search, sorting and paging (``datastore_query``), its uploads
    and the upload form (editors)."""
    actor = _staff_actor(request)
    resource = _read(lambda: selectors.resource_get(actor=actor, code=code))
    page = _page_number(request)
    context: dict[str, Any] = {
        "resource": resource,
        "can_edit": policy.has(actor, Perm.EDIT, resource),
        "jobs": selectors.import_list(actor=actor, resource=resource, limit=10)[1],
        "encodings": tabular.ENCODINGS,
        "page": page,
    }
    try:
        fields = selectors.datastore_fields(resource=resource)
    except DatastoreNotAvailable:
        return render(request, "datahub/table.html", context | {"fields": None})
    filters = {f.id: request.GET[f.id] for f in fields if request.GET.get(f.id, "").strip()}
    q = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "")
    try:
        result = selectors.datastore_query(
            resource=resource, filters=filters, q=q or None, sort=sort or None, limit=PAGE, offset=(page - 1) * PAGE
        )
        error = ""
    except DomainError as exc:
        result, error = None, exc.detail
    inputs = [(f, filters.get(f.id, "")) for f in fields if f.id != "_id"]
    context |= {"fields": fields, "filter_inputs": inputs, "q": q, "sort": sort, "result": result, "error": error}
    if result is not None:
        context |= {"has_next": (result.total or 0) > page * PAGE, "query": request.GET.copy()}
    return render(request, "datahub/table.html", context, status=422 if error else 200)


@login_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    """Receive a file; on success the officer reviews the inferred schema on the job's page."""
    actor = _staff_actor(request)
    resource = _read(lambda: selectors.resource_get(actor=actor, code=code))
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("datahub:table", code=code)
    try:
        job = imports_service.import_upload(
            actor=actor,
            resource=resource,
            upload=file,
            name=file.name or "upload",
            encoding=request.POST.get("encoding", ""),
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.detail) from None
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("datahub:table", code=code)
    return redirect("datahub:import_job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> tuple[Actor, Any]:
    actor = _staff_actor(request)
    return actor, _read(lambda: selectors.import_get(actor=actor, pk=pk))


def _job_context(request: HttpRequest, job: Any) -> dict[str, Any]:
    page = _page_number(request)
    count, problems = selectors.import_problems(job=job, limit=PAGE, offset=(page - 1) * PAGE)
    for problem in problems:
        problem.text = imports_service.problem_text(problem)  # type: ignore[attr-defined]
    return {
        "job": job,
        "columns": [{"header": h, **c} for h, c in zip(job.headers, job.columns, strict=False)],
        "problems": problems,
        "problem_count": count,
        "page": page,
        "has_next": count > page * PAGE,
        "types": TYPE_CHOICES,
        "masks": Mask.choices,
        "encodings": tabular.ENCODINGS,
        "active": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    }


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One upload: the schema to review, then the progress bar (HTMX polling), then the problem report."""
    job = _job(request, pk)[1]
    template = "datahub/partials/import_progress.html" if request.headers.get("HX-Request") else "datahub/import.html"
    return render(request, template, _job_context(request, job))


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor, job = _job(request, pk)
    data = request.POST
    columns = [
        ColumnSpec(
            name=data.get(f"name-{i}", "").strip(),
            label=data.get(f"label-{i}", "").strip(),
            data_type=data.get(f"type-{i}", ""),
            nullable=data.get(f"nullable-{i}") == "on",
            indexed=data.get(f"indexed-{i}") == "on",
            mask=data.get(f"mask-{i}", ""),
        )
        for i in range(len(job.headers))
    ]
    try:
        imports_service.import_confirm(actor=actor, job=job, columns=columns, encoding=data.get("encoding", ""))
    except DomainError as exc:
        context = _job_context(request, job) | {"error": exc.detail, "errors": _errors(exc)}
        context["columns"] = [{"header": h, **c.as_dict()} for h, c in zip(job.headers, columns, strict=False)]
        return render(request, "datahub/import.html", context, status=exc.status)
    return redirect("datahub:import_job", pk=pk)


@login_required
@require_POST
def import_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the rows that passed, or discard the upload."""
    actor, job = _job(request, pk)
    try:
        if request.POST.get("decision") == "accept":
            imports_service.import_accept(actor=actor, job=job)
        else:
            imports_service.import_discard(actor=actor, job=job)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("datahub:import_job", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def quality(request: HttpRequest, code: str) -> HttpResponse:
    """A resource's quality rules (JSON, editable by its data officers), the latest run and its failing rows."""
    actor = _staff_actor(request)
    resource = _read(lambda: selectors.resource_get(actor=actor, code=code))
    context: dict[str, Any] = {"resource": resource, "can_edit": policy.has(actor, Perm.EDIT, resource)}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "run":
                quality_service.quality_run(actor=actor, resource=resource)
            else:
                document = json.loads(request.POST.get("rules", "") or "[]")
                quality_service.quality_rules_set(actor=actor, resource=resource, rules=document)
            return redirect("datahub:quality", code=code)
        except json.JSONDecodeError as exc:
            context |= {"error": _("The rules are not valid JSON: %(error)s") % {"error": exc.msg}}
            context["rules_text"] = request.POST.get("rules", "")
            status = 422
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.detail) from None
        except DomainError as exc:
            context |= {"error": exc.detail, "errors": _errors(exc), "rules_text": request.POST.get("rules", "")}
            status = exc.status
    rules = selectors.quality_rules(actor=actor, resource=resource)
    context.setdefault("rules_text", json.dumps(rules, ensure_ascii=False, indent=2))
    run = selectors.quality_latest(actor=actor, resource=resource)
    context |= {"run": run, "rules": rules}
    rule = request.GET.get("rule", "")
    if run is not None and rule.isdigit():
        page = _page_number(request)
        try:
            count, columns, rows = selectors.quality_failures(
                actor=actor, resource=resource, rule_index=int(rule), limit=PAGE, offset=(page - 1) * PAGE
            )
        except (NotFound, DatastoreNotAvailable):
            raise Http404(_("No such rule.")) from None
        context |= {
            "rule": int(rule),
            "failing": {"count": count, "columns": columns, "rows": [[r[c] for c in columns] for r in rows]},
            "page": page,
            "has_next": count > page * PAGE,
        }
    return render(request, "datahub/quality.html", context, status=status)


@login_required
@require_GET
def quality_departments(request: HttpRequest) -> HttpResponse:
    actor = _staff_actor(request)
    return render(
        request, "datahub/quality_departments.html", {"scores": selectors.quality_department_scores(actor=actor)}
    )


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Days of the data-API log sealed in the ledger; ``?verify=YYYY-MM-DD`` checks one against its root."""
    actor = _staff_actor(request)
    _count, seals = selectors.access_seal_list(actor=actor, limit=60)
    verification = None
    day = request.GET.get("verify", "")
    if day:
        try:
            verification = access_log_service.access_log_verify(day=dt.date.fromisoformat(day))
        except ValueError:
            raise Http404(_("No such day.")) from None
    return render(request, "datahub/access_log.html", {"seals": seals, "verification": verification})
