"""The data hub in the JSON API: the catalogue, sharing requests and their answers, grants, and the data API
(``GET /datahub/data/{resource_code}`` with ``Authorization: Bearer dh_…``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema, UploadedFile

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.core.errors import NotFound, ValidationFailed
from zhizheng.datahub import schemas, selectors, services
from zhizheng.datahub.models import ColumnSpec, Grant, Resource, ShareRequest
from zhizheng.datahub.services import access_log, imports, quality
from zhizheng.datahub.services.sharing import deadline_state, deadline_states

router = Router(tags=["datahub"], auth=API_AUTH)
_no_rules = _("The resource has no quality rules or no data table yet.")


class ItemIO(Schema):
    key: str
    name: str
    data_type: str
    personal: bool = False


class ResourceIn(Schema):
    category: str
    class_code: str
    name: str
    provider_code: str
    summary: str
    format: str
    share_type: str
    open_type: str
    update_cycle: str
    items: list[ItemIO]
    share_conditions: str = ""
    share_method: str = ""
    not_shared_basis: str = ""
    related_codes: list[str] = []
    source: str = ""


class ResourceOut(Schema):
    code: str
    category: str
    class_code: str
    name: str
    provider_code: str
    provider_name: str
    summary: str
    format: str
    share_type: str
    share_conditions: str
    share_method: str
    not_shared_basis: str
    open_type: str
    update_cycle: str
    published_on: dt.date | None
    related_codes: list[str]
    status: str
    version: int
    items: list[ItemIO]


class ResourceListOut(Schema):
    count: int
    items: list[ResourceOut]


class TransitionIn(Schema):
    code: str
    action: str
    reason: str = ""


class RequestIn(Schema):
    resource_code: str
    department_code: str
    purpose: str
    fields: list[str]
    legal_basis: str
    period_days: int


class GrantOut(Schema):
    id: int
    resource_code: str
    department_code: str
    fields: list[str]
    row_filter: dict[str, str]
    rate_limit: int
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


class RequestOut(Schema):
    id: int
    resource_code: str
    department_code: str
    purpose: str
    fields: list[str]
    legal_basis: str
    period_days: int
    status: str
    due_on: dt.date | None
    deadline_state: str
    reason: str
    grant: GrantOut | None = None
    key: str = ""


class RequestListOut(Schema):
    count: int
    items: list[RequestOut]


class ApproveIn(Schema):
    rate_limit: int = 60
    row_filter: dict[str, str] = {}
    reason: str = ""


class ReasonIn(Schema):
    reason: str


class ListQuery(Schema):
    q: str = ""
    category: str = ""
    status: str = ""
    limit: int = 50
    offset: int = 0


class DataQuery(Schema):
    fields: str = ""
    limit: int = 50
    offset: int = 0


class DataOut(Schema):
    count: int
    fields: list[str]
    items: list[dict[str, Any]]


def resource_out(resource: Resource) -> dict[str, Any]:
    return {
        **{
            name: getattr(resource, name)
            for name in (
                "code",
                "category",
                "class_code",
                "name",
                "summary",
                "format",
                "share_type",
                "share_conditions",
                "share_method",
                "not_shared_basis",
                "open_type",
                "update_cycle",
                "published_on",
                "related_codes",
                "status",
                "version",
            )
        },
        "provider_code": resource.provider.code,
        "provider_name": resource.provider.name,
        "items": [
            {"key": i.key, "name": i.name, "data_type": i.data_type, "personal": i.personal}
            for i in resource.items.all()
        ],
    }


def grant_out(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "resource_code": grant.resource.code,
        "department_code": grant.department.code,
        "fields": list(grant.fields),
        "row_filter": dict(grant.row_filter),
        "rate_limit": grant.rate_limit,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
    }


def request_out(
    request: ShareRequest, grant: Grant | None = None, key: str = "", *, deadline: str | None = None
) -> dict[str, Any]:
    """One request as the API answers it; a list passes ``deadline`` from ``deadline_states`` (one count per page)."""
    return {
        "id": request.pk,
        "resource_code": request.resource.code,
        "department_code": request.department.code,
        "purpose": request.purpose,
        "fields": list(request.fields),
        "legal_basis": request.legal_basis,
        "period_days": request.period_days,
        "status": request.status,
        "due_on": request.due_on,
        "deadline_state": deadline_state(request) if deadline is None else deadline,
        "reason": request.reason,
        "grant": grant_out(grant) if grant else None,
        "key": key,
    }


def _spec(payload: ResourceIn) -> services.ResourceSpec:
    data = payload.dict()
    items = tuple(services.ItemSpec(**item) for item in data.pop("items"))
    return services.ResourceSpec(**{**data, "items": items, "related_codes": tuple(data["related_codes"])})


@router.get("/datahub/resources", response=ResourceListOut, operation_id="datahub_resource_list")
def resource_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    """Catalogue entries (GB/T 21063) visible to the caller: staff see published entries, editors their drafts."""
    count, rows = selectors.resource_list(actor=request_actor(request), **query.dict())
    return {"count": count, "items": [resource_out(r) for r in rows]}


@router.post("/datahub/resources", response={201: ResourceOut}, operation_id="datahub_resource_create")
def resource_create(request: HttpRequest, payload: ResourceIn) -> tuple[int, dict[str, Any]]:
    """A draft entry; the code is assigned (class code "/" sequence). Rule violations answer 422 naming the rule."""
    resource = services.resource_create(actor=request_actor(request), spec=_spec(payload))
    return 201, resource_out(resource)


@router.post("/datahub/resources/transition", response=ResourceOut, operation_id="datahub_resource_transition")
def resource_transition(request: HttpRequest, payload: TransitionIn) -> dict[str, Any]:
    """``submit`` (draft → in review), ``publish`` (in review → published, a new version) or ``return``."""
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, code=payload.code)
    if payload.action == "submit":
        resource = services.resource_submit(actor=actor, resource=resource)
    elif payload.action == "publish":
        resource = services.resource_publish(actor=actor, resource=resource)
    elif payload.action == "return":
        resource = services.resource_return(actor=actor, resource=resource, reason=payload.reason)
    else:
        raise ValidationFailed(field_errors={"action": ["submit, publish, return"]})
    return resource_out(selectors.resource_get(actor=actor, code=resource.code))


@router.get("/datahub/resources/{path:code}", response=ResourceOut, operation_id="datahub_resource_get")
def resource_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return resource_out(selectors.resource_get(actor=request_actor(request), code=code))


@router.post("/datahub/requests", response={201: RequestOut}, operation_id="datahub_request_create")
def request_create(request: HttpRequest, payload: RequestIn) -> tuple[int, dict[str, Any]]:
    """Request a resource. Unconditionally shared resources are granted at once: the key is in ``key``, shown
    only in this answer."""
    issued = services.request_create(actor=request_actor(request), spec=services.RequestSpec(**payload.dict()))
    return 201, request_out(issued.request, issued.grant, issued.key)


@router.get("/datahub/requests", response=RequestListOut, operation_id="datahub_request_list")
def request_list(request: HttpRequest, box: str = "mine", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """``box=inbox``: requests to the caller's departments as provider; ``box=mine``: its departments' requests."""
    count, rows = selectors.request_list(actor=request_actor(request), box=box, limit=limit, offset=offset)
    states = deadline_states(rows)
    return {"count": count, "items": [request_out(r, deadline=d) for r, d in zip(rows, states, strict=True)]}


@router.post("/datahub/requests/{int:pk}/approve", response=RequestOut, operation_id="datahub_request_approve")
def request_approve(request: HttpRequest, pk: int, payload: ApproveIn) -> dict[str, Any]:
    actor = request_actor(request)
    found = selectors.request_get(actor=actor, pk=pk)
    issued = services.request_approve(actor=actor, request=found, **payload.dict())
    return request_out(issued.request, issued.grant, issued.key)


@router.post("/datahub/requests/{int:pk}/reject", response=RequestOut, operation_id="datahub_request_reject")
def request_reject(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    actor = request_actor(request)
    found = selectors.request_get(actor=actor, pk=pk)
    return request_out(services.request_reject(actor=actor, request=found, reason=payload.reason))


@router.post("/datahub/grants/{int:pk}/revoke", response=GrantOut, operation_id="datahub_grant_revoke")
def grant_revoke(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    actor = request_actor(request)
    found = selectors.grant_get(actor=actor, pk=pk)
    return grant_out(services.grant_revoke(actor=actor, grant=found, reason=payload.reason))


class AccessOut(Schema):
    at: dt.datetime
    caller: str
    resource_code: str
    fields: list[str]
    rows: int
    purpose: str
    outcome: str


class AccessListOut(Schema):
    count: int
    items: list[AccessOut]


@router.get("/datahub/accesses", response=AccessListOut, operation_id="datahub_access_list")
def access_list(request: HttpRequest, resource_code: str = "", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The data-API log of the resources the caller's departments provide (all of them for the data office):
    caller, resource, fields, rows returned, purpose and outcome of every call, newest first."""
    count, rows = selectors.access_list(
        actor=request_actor(request), resource_code=resource_code, limit=limit, offset=offset
    )
    items = [
        {
            "at": a.at,
            "caller": a.caller,
            "resource_code": a.resource_code,
            "fields": list(a.fields),
            "rows": a.rows,
            "purpose": a.purpose,
            "outcome": a.outcome,
        }
        for a in rows
    ]
    return {"count": count, "items": items}


@router.get("/datahub/data/{path:code}", response=DataOut, auth=None, operation_id="datahub_data_read")
def data_read(request: HttpRequest, code: str, query: Query[DataQuery]) -> dict[str, Any]:
    """Rows of a resource for the holder of a grant (``Authorization: Bearer dh_…``): granted fields only,
    personal ones masked; expired, revoked or over-rate grants and fields outside the grant answer 403/429."""
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else ""
    fields = [f for f in query.fields.split(",") if f.strip()]
    page = services.data_read(key=key, resource_code=code, fields=fields, limit=query.limit, offset=query.offset)
    return {"count": page.count, "fields": page.fields, "items": page.items}


# --- Uploads, quality and the sealed access log (schemas in schemas.py) ------------------------------------------


def _resource(request: HttpRequest, code: str) -> Resource:
    return selectors.resource_get(actor=request_actor(request), code=code)


@router.post("/datahub/imports", response={201: schemas.ImportJobOut}, operation_id="datahub_import_create")
def import_create(
    request: HttpRequest, file: File[UploadedFile], resource_code: Form[str], encoding: Form[str] = ""
) -> tuple[int, dict[str, Any]]:
    """Upload a CSV or XLSX file (multipart) into a resource's table. The answer carries the detected encoding and
    the inferred schema to review; nothing is imported before ``confirm``."""
    actor = request_actor(request)
    resource = _resource(request, resource_code)
    job = imports.import_upload(
        actor=actor, resource=resource, upload=file, name=file.name or "upload", encoding=encoding
    )
    return 201, schemas.job_out(job)


@router.get("/datahub/imports", response=schemas.ImportJobListOut, operation_id="datahub_import_list")
def import_list(request: HttpRequest, resource_code: str, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    actor = request_actor(request)
    count, rows = selectors.import_list(
        actor=actor, resource=_resource(request, resource_code), limit=limit, offset=offset
    )
    return {"count": count, "items": [schemas.job_out(j) for j in rows]}


@router.get("/datahub/imports/{int:pk}", response=schemas.ImportJobOut, operation_id="datahub_import_get")
def import_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    """An upload and its progress (``rows_read`` of ``rows_estimated``; ``progress`` in percent)."""
    return schemas.job_out(selectors.import_get(actor=request_actor(request), pk=pk))


@router.post("/datahub/imports/{int:pk}/confirm", response=schemas.ImportJobOut, operation_id="datahub_import_confirm")
def import_confirm(request: HttpRequest, pk: int, payload: schemas.ConfirmIn) -> dict[str, Any]:
    """Accept the reviewed schema (one column per header, in file order) and start the import in the background."""
    actor = request_actor(request)
    job = selectors.import_get(actor=actor, pk=pk)
    columns = [ColumnSpec(**c.dict()) for c in payload.columns]
    imports.import_confirm(actor=actor, job=job, columns=columns, encoding=payload.encoding)
    return schemas.job_out(selectors.import_get(actor=actor, pk=pk))


@router.post("/datahub/imports/{int:pk}/accept", response=schemas.ImportJobOut, operation_id="datahub_import_accept")
def import_accept(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Import the rows that passed and leave out those with problems."""
    actor = request_actor(request)
    return schemas.job_out(imports.import_accept(actor=actor, job=selectors.import_get(actor=actor, pk=pk)))


@router.post("/datahub/imports/{int:pk}/discard", response=schemas.ImportJobOut, operation_id="datahub_import_discard")
def import_discard(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = request_actor(request)
    return schemas.job_out(imports.import_discard(actor=actor, job=selectors.import_get(actor=actor, pk=pk)))


@router.get(
    "/datahub/imports/{int:pk}/problems", response=schemas.ProblemListOut, operation_id="datahub_import_problem_list"
)
def import_problem_list(request: HttpRequest, pk: int, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Every problem of the file with its line and column, in Chinese (``message``) and English (``message_en``)."""
    job = selectors.import_get(actor=request_actor(request), pk=pk)
    count, rows = selectors.import_problems(job=job, limit=limit, offset=offset)
    return {"count": count, "items": [schemas.problem_out(p) for p in rows]}


@router.get("/datahub/quality/rules", response=schemas.RulesOut, operation_id="datahub_quality_rules_get")
def quality_rules_get(request: HttpRequest, resource_code: str) -> dict[str, Any]:
    actor = request_actor(request)
    resource = _resource(request, resource_code)
    return {"resource_code": resource.code, "rules": selectors.quality_rules(actor=actor, resource=resource)}


@router.put("/datahub/quality/rules", response=schemas.RulesOut, operation_id="datahub_quality_rules_set")
def quality_rules_set(request: HttpRequest, payload: schemas.RulesIn) -> dict[str, Any]:
    """Replace a resource's rules. Unknown keys or kinds, unknown columns and bad patterns answer 422."""
    actor = request_actor(request)
    resource = _resource(request, payload.resource_code)
    ruleset = quality.quality_rules_set(actor=actor, resource=resource, rules=payload.rules)
    return {"resource_code": resource.code, "rules": ruleset.rules}


@router.post("/datahub/quality/runs", response={201: schemas.QualityRunOut}, operation_id="datahub_quality_run_create")
def quality_run_create(request: HttpRequest, payload: schemas.ResourceRef) -> tuple[int, dict[str, Any]]:
    """Run the rules now (the provider's data officer)."""
    actor = request_actor(request)
    run = quality.quality_run(actor=actor, resource=_resource(request, payload.resource_code))
    if run is None:
        raise NotFound(_no_rules)
    return 201, schemas.run_out(run)


@router.get("/datahub/quality/runs/latest", response=schemas.QualityRunOut, operation_id="datahub_quality_run_get")
def quality_run_latest(request: HttpRequest, resource_code: str) -> dict[str, Any]:
    actor = request_actor(request)
    run = selectors.quality_latest(actor=actor, resource=_resource(request, resource_code))
    if run is None:
        raise NotFound(_no_rules)
    return schemas.run_out(run)


@router.get("/datahub/quality/failures", response=schemas.FailuresOut, operation_id="datahub_quality_failure_list")
def quality_failure_list(
    request: HttpRequest, resource_code: str, rule: int, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """The rows breaking rule ``rule`` (its index) now, paged; personal columns are left out."""
    actor = request_actor(request)
    resource = _resource(request, resource_code)
    count, columns, rows = selectors.quality_failures(
        actor=actor, resource=resource, rule_index=rule, limit=limit, offset=offset
    )
    return {"count": count, "columns": columns, "items": rows}


@router.get(
    "/datahub/quality/departments", response=schemas.DepartmentScoreListOut, operation_id="datahub_quality_score_list"
)
def quality_score_list(request: HttpRequest) -> dict[str, Any]:
    """Each provider's mean quality score over its resources' latest runs."""
    rows = selectors.quality_department_scores(actor=request_actor(request))
    return {"count": len(rows), "items": [dataclasses.asdict(r) for r in rows]}


@router.get("/datahub/access-seals", response=schemas.SealListOut, operation_id="datahub_access_seal_list")
def access_seal_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The days of the data-API log sealed in the ledger (Merkle root, entries, ledger entry), newest first."""
    count, rows = selectors.access_seal_list(actor=request_actor(request), limit=limit, offset=offset)
    return {"count": count, "items": [schemas.seal_out(s) for s in rows]}


@router.get(
    "/datahub/access-seals/{day}/verify", response=schemas.VerificationOut, operation_id="datahub_access_seal_verify"
)
def access_seal_verify(request: HttpRequest, day: dt.date) -> dict[str, Any]:
    """Recompute a day's root and compare it with the ledger; ``first_difference`` names the first entry that was
    changed, inserted or removed."""
    selectors.access_seal_list(actor=request_actor(request), limit=0)
    return dataclasses.asdict(access_log.access_log_verify(day=day))
