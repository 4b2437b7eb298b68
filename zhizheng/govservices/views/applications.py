"""Pages for applying online (在线办理), the applicant's own applications and the staff queue with its case page.
Thin: every change goes through ``services.applications``; reads go through selectors scoped by the actor."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zhizheng.certificates.models import Certificate
from zhizheng.core.actor import Actor, actor_of
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zhizheng.govservices import application_forms
from zhizheng.govservices.application_forms import data_from_post, fields_for
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus, StepStatus, WarningLevel
from zhizheng.govservices.form_schemas import FormDefinition, form_definition
from zhizheng.govservices.models import Application
from zhizheng.govservices.permissions import ApplicationPerm, application_policy
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.selectors import queue as queue_selectors
from zhizheng.govservices.selectors import supervision as supervision_selectors
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications, material_reuse
from zhizheng.govservices.services import messages as message_services
from zhizheng.govservices.services import workflow as workflow_services

QUEUE_PAGE_SIZE = 50
CLOSED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN})


def _held(actor: Actor, definition: FormDefinition) -> dict[str, list[Certificate]]:
    hints = material_reuse.material_hints(definition).values()
    wanted = {str(h.get("certificate_type") or "") for h in hints}
    return material_reuse.held_certificates(actor=actor, type_codes=wanted)


def _consents(post: Any, values: dict[str, Any]) -> tuple[set[str], list[str]]:
    """The materials whose consent box is ticked (``consent`` = ``materials.m3``) and the certificate serials they
    name in the posted form: the applicant agrees per certificate, never wholesale."""
    paths = {p for p in post.getlist("consent") if p.startswith("materials.")}
    chosen = material_reuse.references(values)
    keys = [p.removeprefix("materials.") for p in sorted(paths)]
    return paths, [chosen[key] for key in keys if key in chosen]


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in exc.field_errors.items()}


def _own_open(request: HttpRequest, receipt_number: str) -> Application | None:
    """The applicant's own draft or application sent back for supplements, when the page continues one."""
    if not receipt_number:
        return None
    found = _visible(request, receipt_number)
    if found.applicant_id != actor_of(request).user_id:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The item's form, pre-filled from the account (or from the draft / returned application it continues); on
    POST, saved as a draft or submitted (each problem shown on its field)."""
    actor = actor_of(request)
    try:
        item = selectors.item_for_code(actor=actor, code=code)
    except NotFound:
        raise Http404 from None
    continuing = _own_open(request, request.POST.get("application") or request.GET.get("application", ""))
    if continuing is not None and continuing.item_id != item.pk:
        raise Http404
    definition = form_definition(item)
    values: dict[str, Any] = (
        dict(continuing.form_data) if continuing else selectors.form_prefill(actor=actor, ui=definition.ui)
    )
    errors: dict[str, list[str]] = {}
    consented: set[str] = set()
    message = ""
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    status = 200
    if (
        request.method == "POST"
        and continuing is not None
        and continuing.status not in ("draft", "supplement_requested")
    ):
        # A repeated post (double click, reload) of a form that already went through: show where it stands.
        return redirect("govservices:application", receipt_number=continuing.receipt_number)
    if request.method == "POST":
        try:
            values = data_from_post(definition, request.POST, request.FILES)
            consented, serials = _consents(request.POST, values)
            if "save_draft" in request.POST:
                continuing = applications.application_draft_save(
                    actor=actor,
                    item=item,
                    form_data=values,
                    application=continuing if continuing and continuing.status == "draft" else None,
                )
                return redirect("govservices:application", receipt_number=continuing.receipt_number)
            application = applications.application_submit(
                actor=actor,
                item=item,
                form_data=values,
                idempotency_key="" if continuing else key,
                application=continuing,
                certificate_consents=serials,
            )
            return redirect("govservices:application", receipt_number=application.receipt_number)
        except ValidationFailed as exc:
            errors, message, status = _errors(exc), exc.detail, 422
        except DomainError as exc:
            message, status = exc.detail, exc.status
    context = {
        "item": item,
        "fields": fields_for(definition, values, errors, _held(actor, definition), consented=consented),
        "message": message,
        "idempotency_key": key,
        "online": item.online_level >= 3,
        "continuing": continuing,
    }
    return render(request, "govservices/apply.html", context, status=status)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = list(application_selectors.applications_mine(actor=actor).filter(life_event_case__isnull=True)[:100])
    cases = list(application_selectors.life_event_cases_mine(actor=actor)[:50])
    return render(request, "govservices/my_applications.html", {"applications": rows, "cases": cases})


def _visible(request: HttpRequest, receipt_number: str) -> Application:
    try:
        return application_selectors.application_get(actor=actor_of(request), receipt_number=receipt_number)
    except NotFound:
        raise Http404 from None


@login_required
def application(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The applicant's receipt and timeline (with each act's ledger receipt)."""
    found = _visible(request, receipt_number)
    if found.applicant_id != actor_of(request).user_id:
        raise Http404
    message_services.application_messages_read(actor=actor_of(request), application=found)
    return render(request, "govservices/application.html", _case_context(found, actor=actor_of(request), message=""))


def _allowed(actor: Actor, found: Application) -> tuple[list[str], str]:
    """What the page offers this actor (``actions.actions_for``, which the API reports too): the applicant
    their own acts (withdraw, resubmit, pay, while the table allows them); staff exactly the acts the services
    would let them take now (``staff_actions``), and why approval waits when they hold the decision but another
    department's review or the fee is outstanding."""
    if actor.user_id is not None and found.applicant_id == actor.user_id:
        return application_actions.applicant_actions(actor, found), ""
    allowed = application_actions.staff_actions(actor, found)
    waits = ""
    if (
        ApplicationAction.APPROVED in application_actions.allowed_actions(found)
        and ApplicationAction.APPROVED not in allowed
    ):
        refusal = application_actions.decision_refusal(actor, found) if allowed else None
        if refusal is not None and refusal.status == 409:
            waits = str(refusal.detail)
    return allowed, waits


def _conversation(
    actor: Actor, found: Application, *, errors: dict[str, list[str]] | None = None, text: str = "", problem: str = ""
) -> dict[str, Any]:
    """The messages panel: the conversation, whether this actor may write in it, and a refused message's errors."""
    return {
        "conversation": application_selectors.application_messages(application=found),
        "can_message": application_policy.has(actor, ApplicationPerm.MESSAGE, found),
        "message_errors": errors or {},
        "message_text": text,
        "message_problem": problem,
    }


@login_required
@require_POST
def message_post(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The applicant or the handling department writes a message; HTMX swaps the messages panel (errors inline),
    without HTMX the page reloads."""
    actor = actor_of(request)
    found = _visible(request, receipt_number)
    text = request.POST.get("text", "")
    own = found.applicant_id == actor.user_id
    htmx = bool(request.headers.get("HX-Request"))
    try:
        message_services.application_message_post(actor=actor, application=found, text=text)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        panel = _conversation(actor, found, errors=_errors(exc), text=text, problem=str(exc.detail))
        if htmx:
            return render(request, "govservices/partials/messages.html", {"application": found, **panel})
        page = {**_case_context(found, actor=actor, message=""), **panel}
        template = "govservices/application.html" if own else "govservices/case.html"
        return render(request, template, page, status=exc.status)
    if htmx:
        return render(
            request, "govservices/partials/messages.html", {"application": found, **_conversation(actor, found)}
        )
    return redirect("govservices:application" if own else "govservices:case", receipt_number=receipt_number)


def _with_source(field: Any, held: dict[str, Any]) -> dict[str, Any]:
    """A submitted field with where its value came from: ``account`` when the platform pre-filled it from the
    applicant's account and it was kept, ``changed`` when the account holds another value (shown beside it)."""
    section, _dot, name = field.name.partition(".")
    account = (held.get(section) or {}).get(name) if name else held.get(section)
    source = "" if account in (None, "") else "account" if account == field.value else "changed"
    return {"field": field, "source": source, "account": account}


def _case_context(
    found: Application, *, actor: Actor, message: str, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    allowed, approval_waits = _allowed(actor, found)
    steps = list(application_selectors.application_steps(application=found))
    definition = form_definition(found.item)
    shown = fields_for(definition, found.form_data, {}, {})
    attached = material_reuse.attachments_verified(application=found)
    attached_keys = {f"materials.{a.attachment.material_key}" for a in attached}
    held = selectors.account_values(user=found.applicant, ui=definition.ui)
    given = [f for f in shown if f.value not in ("", None, [], {}) and f.name not in attached_keys]
    return {
        "attached_certificates": attached,
        "application": found,
        "form_fields": given,
        "data_fields": [_with_source(f, held) for f in given if not f.name.startswith("materials.")],
        "materials": [
            {"field": f, "upload": application_forms.upload_stored(f.value) is not None, "key": f.name[10:]}
            for f in given
            if f.name.startswith("materials.")
        ],
        "events": list(application_selectors.application_events(application=found)),
        "steps": steps,
        "active_steps": [s for s in steps if s.status == StepStatus.ACTIVE],
        "payments": list(application_selectors.application_payments(application=found)),
        "allowed": allowed,
        "approval_waits": approval_waits,
        "closed": found.status in CLOSED,
        "departments": application_selectors.departments_for_transfer(),
        "fee_suggestions": workflow_services.fee_suggestions(found.item.fee_standard) if found.item.fee_charged else [],
        "message": message,
        "errors": errors or {},
        **_conversation(actor, found),
        **supervision_selectors.application_extras(application=found),
    }


@login_required
@require_POST
def withdraw(request: HttpRequest, receipt_number: str) -> HttpResponse:
    found = _visible(request, receipt_number)
    try:
        applications.application_withdraw(actor=actor_of(request), application=found)
    except DomainError as exc:
        return render(
            request,
            "govservices/application.html",
            _case_context(found, actor=actor_of(request), message=exc.detail),
            status=exc.status,
        )
    return redirect("govservices:application", receipt_number=receipt_number)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Staff: the workbench queue — tabs by what the applications wait for, each with its count, filters, paging.
    HTMX requests (a filter or a tab changed) get only the list; a full load of the same URL renders the same list,
    so the address is shareable (the page pushes it)."""
    actor = actor_of(request)
    filters = queue_selectors.queue_filters_parse(request.GET)
    try:
        result = queue_selectors.application_workbench(actor=actor, filters=filters)
    except PermissionDenied:
        return render(request, "govservices/queue_denied.html", status=403)
    context = {
        "queue": result,
        "tabs": [(name, label, result.counts[name]) for name, label in queue_selectors.TABS.items()],
        "items": application_selectors.queue_items(actor=actor),
        "statuses": [(value, ApplicationStatus(value).label) for value in selectors.QUEUE_STATUSES],
        "levels": WarningLevel.choices,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "queue-list":
        return render(request, "govservices/partials/queue_list.html", context)
    return render(request, "govservices/queue.html", context)


@login_required
def case(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """Staff: one application with the applicant's data and the actions the state allows."""
    found = _visible(request, receipt_number)
    if found.applicant_id == actor_of(request).user_id:
        return redirect("govservices:application", receipt_number=receipt_number)
    message_services.application_messages_read(actor=actor_of(request), application=found)
    return render(request, "govservices/case.html", _case_context(found, actor=actor_of(request), message=""))


@login_required
def case_material(request: HttpRequest, receipt_number: str, key: str) -> FileResponse:
    """An uploaded material of an application, for those who may see the application (its applicant and the
    staff of the departments it concerns; anyone else: 404, as for the application)."""
    found = _visible(request, receipt_number)
    stored = application_forms.upload_stored((found.form_data.get("materials") or {}).get(key))
    if stored is None:
        raise Http404
    path, content_type = stored
    return FileResponse(default_storage.open(path, "rb"), content_type=content_type, filename=path.rsplit("/", 1)[1])


def _fen(yuan: str) -> int:
    """Yuan as typed on the page (12.5) in whole fen; anything else becomes 0, which the service refuses."""
    try:
        value = Decimal(yuan.strip()) * 100
    except (InvalidOperation, AttributeError):
        return 0
    return int(value) if value == value.to_integral_value() else 0


ACTIONS = {
    "accept": lambda actor, app, post: applications.application_accept(actor=actor, application=app),
    "approve": lambda actor, app, post: applications.application_approve(actor=actor, application=app),
    "reject": lambda actor, app, post: applications.application_reject(
        actor=actor, application=app, reason=post.get("reason", ""), legal_basis=post.get("legal_basis", "")
    ),
    "review": lambda actor, app, post: workflow_services.application_review(
        actor=actor, application=app, opinion=post.get("opinion", "")
    ),
    "transfer": lambda actor, app, post: workflow_services.application_transfer(
        actor=actor, application=app, department=post.get("department", ""), reason=post.get("reason", "")
    ),
    "fee": lambda actor, app, post: workflow_services.application_fee_assess(
        actor=actor, application=app, amount_fen=_fen(post.get("amount_yuan", "")), note=post.get("note", "")
    ),
    "supplement": lambda actor, app, post: applications.application_request_supplement(
        actor=actor, application=app, materials=post.get("materials", "")
    ),
}


@login_required
@require_POST
def case_act(request: HttpRequest, receipt_number: str, action: str) -> HttpResponse:
    """Staff: one act on the case (HTMX swaps the case panel; without HTMX the page reloads)."""
    if action not in ACTIONS:
        raise Http404
    actor = actor_of(request)
    found = _visible(request, receipt_number)
    template = "govservices/partials/case_panel.html" if request.headers.get("HX-Request") else "govservices/case.html"
    try:
        found = ACTIONS[action](actor, found, request.POST)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        context = _case_context(found, actor=actor_of(request), message=exc.detail, errors=_errors(exc))
        return render(request, template, context, status=200 if request.headers.get("HX-Request") else exc.status)
    return render(request, template, _case_context(found, actor=actor_of(request), message=""))


def reuse_statistics(request: HttpRequest) -> HttpResponse:
    """免提交 in figures (public): materials nobody had to submit, in total and for the items where it counts most."""
    count, figures = material_reuse.reuse_statistics(limit=QUEUE_PAGE_SIZE)
    return render(request, "govservices/reuse_statistics.html", {"count": count, "figures": figures})
