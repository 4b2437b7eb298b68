"""Workbench pages of the registries: registrations for the registrars (HTMX forms) and the access log for auditors.

Thin: forms parse, services decide (and check the roles again), selectors read. Police caseworkers (公安局) register
births, deaths and household moves; civil affairs (民政局) marriages; market regulation (市场监管局) legal persons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor, actor_of
from zhizheng.core.errors import DomainError
from zhizheng.core.masking import mask_address, mask_id_number, mask_name
from zhizheng.registries import forms, registrations, selectors, services
from zhizheng.registries.access import may_read_somehow
from zhizheng.registries.choices import HouseholdRelation, MaritalStatus, ResidentStatus
from zhizheng.registries.export import access_csv_response
from zhizheng.registries.models import Resident
from zhizheng.registries.permissions import Perm, policy

ACCESS_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Registration:
    slug: str
    title: str | Promise
    description: str | Promise
    department: str | Promise
    form_class: type[django_forms.Form]
    permission: Perm
    run: Callable[[Actor, Any], tuple[Model, str]]


def _birth(actor: Actor, form: forms.BirthForm) -> tuple[Model, str]:
    child = registrations.birth_register(actor=actor, **form.cleaned_data)
    return child, gettext("Birth registered. New ID number %(number)s.") % {"number": mask_id_number(child.id_number)}


def _marriage(actor: Actor, form: forms.MarriageForm) -> tuple[Model, str]:
    registrations.marriage_register(actor=actor, **form.cleaned_data)
    first = Resident.objects.get(id_number=form.cleaned_data["first_id_number"].strip().upper())
    return first, gettext("Marriage registered; both people are now recorded as married.")


def _death(actor: Actor, form: forms.DeathForm) -> tuple[Model, str]:
    return registrations.death_register(actor=actor, **form.cleaned_data), gettext("Death registered.")


def _move(actor: Actor, form: forms.MoveForm) -> tuple[Model, str]:
    data = form.cleaned_data
    person = registrations.household_move(
        actor=actor,
        id_number=data["id_number"],
        address=data["address"],
        district_code=data["district_code"],
        household_number=data["household_number"] or None,
        relation_to_head=data["relation_to_head"] or "other",
    )
    number = person.household.number if person.household else ""
    return person, gettext("Household registration moved (household %(number)s).") % {"number": number}


def _establish(actor: Actor, form: forms.EstablishForm) -> tuple[Model, str]:
    data = form.cleaned_data
    company = registrations.legal_person_establish(
        actor=actor,
        name=data["name"],
        type=data["type"],
        representative_id_number=data["representative_id_number"],
        registered_capital_fen=form.registered_capital_fen(),
        business_scope=data["business_scope"],
        address=data["address"],
        district_code=data["district_code"],
    )
    return company, gettext("Legal person established with the code %(uscc)s.") % {"uscc": company.uscc}


def _change(actor: Actor, form: forms.ChangeForm) -> tuple[Model, str]:
    company = registrations.legal_person_change(actor=actor, uscc=form.cleaned_data["uscc"], **form.changes())
    return company, gettext("Change registered for %(name)s.") % {"name": company.name}


def _cancel(actor: Actor, form: forms.CancelForm) -> tuple[Model, str]:
    company = registrations.legal_person_cancel(actor=actor, **form.cleaned_data)
    return company, gettext("%(name)s is deregistered.") % {"name": company.name}


POLICE, CIVIL, MARKET = _("Public Security Bureau"), _("Civil Affairs Bureau"), _("Market Regulation Bureau")
REGISTRATIONS: dict[str, Registration] = {
    r.slug: r
    for r in (
        Registration(
            "birth", _("Birth registration"), _("Register a newborn in a parent's household."), POLICE,
            forms.BirthForm, Perm.REGISTER_CIVIL, _birth,
        ),
        Registration(
            "death", _("Death registration"), _("Record a resident's death; a spouse becomes widowed."), POLICE,
            forms.DeathForm, Perm.REGISTER_CIVIL, _death,
        ),
        Registration(
            "move", _("Household registration move"), _("Move a resident's 户籍 to a new address."), POLICE,
            forms.MoveForm, Perm.REGISTER_CIVIL, _move,
        ),
        Registration(
            "marriage", _("Marriage registration"), _("Register the marriage of a man and a woman."), CIVIL,
            forms.MarriageForm, Perm.REGISTER_MARRIAGE, _marriage,
        ),
        Registration(
            "establish", _("Legal-person establishment"), _("Register a new enterprise or other legal person."),
            MARKET, forms.EstablishForm, Perm.REGISTER_LEGAL_PERSON, _establish,
        ),
        Registration(
            "change", _("Legal-person change"), _("Change a legal person's name, representative, capital ..."),
            MARKET, forms.ChangeForm, Perm.REGISTER_LEGAL_PERSON, _change,
        ),
        Registration(
            "cancel", _("Legal-person deregistration"), _("Deregister a legal person."), MARKET,
            forms.CancelForm, Perm.REGISTER_LEGAL_PERSON, _cancel,
        ),
    )
}  # fmt: skip


def _staff_actor(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not (actor.user_kind == "staff" or actor.is_superuser):
        raise PermissionDenied(gettext("The workbench is for civil servants."))
    return actor


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The registrations and audit pages open to this civil servant."""
    actor = _staff_actor(request)
    available = [r for r in REGISTRATIONS.values() if policy.has(actor, r.permission)]
    return render(
        request,
        "registries/index.html",
        {
            "registrations": available,
            "auditor": policy.has(actor, Perm.AUDIT_ACCESS),
            "reader": may_read_somehow(actor),
        },
    )


def _apply_error(form: django_forms.Form, error: DomainError) -> None:
    placed = False
    for field, messages in error.field_errors.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, str(message))
            placed = True
    if not placed or error.status != 422:
        form.add_error(None, error.detail)


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """One registration form. A POST runs the service; HTMX swaps in the form card with the result or errors."""
    actor = _staff_actor(request)
    spec = REGISTRATIONS.get(slug)
    if spec is None:
        raise Http404()
    if not policy.has(actor, spec.permission):
        raise PermissionDenied(gettext("Your roles do not allow this registration."))
    status, done, subject = 200, "", None
    if request.method == "POST":
        form = spec.form_class(request.POST)
        if form.is_valid():
            try:
                subject, done = spec.run(actor, form)
                form = spec.form_class()
            except DomainError as error:
                _apply_error(form, error)
                status = error.status
        else:
            status = 422
    else:
        form = spec.form_class()
    context = {"spec": spec, "form": form, "done": done, "subject": subject}
    template = "registries/partials/registration_card.html" if request.htmx else "registries/register.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Look a resident up for a stated purpose, masked (button ``mode=masked``) or in full (``mode=full``, which
    needs a purpose that justifies it). POST only, so ID numbers stay out of URLs, history and server logs. Both
    reads, and refusals, go to the access log."""
    actor = _staff_actor(request)
    form = forms.LookupForm(request.POST or None)
    view, error, status = None, "", 200
    if form.is_bound:
        if form.is_valid():
            purpose = form.cleaned_data["purpose"] or None
            number = form.cleaned_data["id_number"]
            try:
                if request.POST.get("mode") == "full":
                    view = services.resident_disclose(actor=actor, purpose=purpose, id_number=number)
                else:
                    view = selectors.resident_get(actor=actor, purpose=purpose, id_number=number)
            except DomainError as caught:
                error, status = caught.detail, caught.status
        else:
            status = 422
    labels = {}
    if view is not None:
        labels = {
            "status": ResidentStatus(view.status).label,
            "marital_status": MaritalStatus(view.marital_status).label if view.marital_status else "",
            "relation": HouseholdRelation(view.relation_to_head).label if view.relation_to_head else "",
        }
    context = {"form": form, "view": view, "error": error, "labels": labels}
    return render(request, "registries/lookup.html", context, status=status)


def _auditor(request: HttpRequest) -> tuple[Actor, forms.AccessFilterForm]:
    actor = _staff_actor(request)
    if not policy.has(actor, Perm.AUDIT_ACCESS):
        raise PermissionDenied(gettext("The access log is for auditors."))
    return actor, forms.AccessFilterForm(request.GET or None)


def _filters(form: forms.AccessFilterForm) -> selectors.AccessFilter:
    data = form.cleaned_data
    return selectors.AccessFilter(
        actor_ref=data.get("actor") or "",
        record=data.get("record") or "",
        purpose=data.get("purpose") or "",
        outcome=data.get("outcome") or "",
        since=data.get("since"),
        until=data.get("until"),
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log with filters (actor, record, purpose, outcome, date range), 50 rows a page."""
    actor, form = _auditor(request)
    if request.GET and not form.is_valid():
        return render(request, "registries/access_log.html", {"form": form, "rows": [], "count": 0}, status=400)
    filters = _filters(form) if form.is_bound else selectors.AccessFilter()
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    count, rows = selectors.access_log_list(
        actor=actor, filters=filters, limit=ACCESS_PAGE_SIZE, offset=(page - 1) * ACCESS_PAGE_SIZE
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    pages = max(1, -(-count // ACCESS_PAGE_SIZE))
    context = {
        "form": form,
        "rows": rows,
        "count": count,
        "page": page,
        "pages": pages,
        "previous_query": urlencode({**query, "page": page - 1}) if page > 1 else "",
        "next_query": urlencode({**query, "page": page + 1}) if page < pages else "",
        "export_query": urlencode(query),
    }
    return render(request, "registries/access_log.html", context)


@login_required
def access_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered access log as CSV."""
    actor, form = _auditor(request)
    if request.GET and not form.is_valid():
        return HttpResponse(gettext("The filters are invalid."), status=400, content_type="text/plain; charset=utf-8")
    filters = _filters(form) if form.is_bound else selectors.AccessFilter()
    return access_csv_response(selectors.access_log_export(actor=actor, filters=filters))


PERSONAL_VALUES = frozenset({"id_number", "name", "household_address", "address"})
MASKS: dict[str, Callable[[str | None], str]] = {
    "id_number": mask_id_number,
    "name": mask_name,
    "household_address": mask_address,
    "address": mask_address,
}


def _shown(field: str, value: Any) -> str:
    if value is None:
        return "—"
    mask = MASKS.get(field)
    return mask(str(value)) if mask else str(value)


@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The change history of one record for auditors: who changed which field, through which service, when, with
    the ledger entry; personal values masked. Reading a resident's history is logged."""
    actor = _staff_actor(request)
    if kind not in ("resident", "legal_person", "household"):
        raise Http404()
    if not policy.has(actor, Perm.AUDIT_ACCESS):
        raise PermissionDenied(gettext("The access log is for auditors."))
    count, rows = selectors.record_changes(actor=actor, subject_kind=kind, subject_id=pk, limit=100)
    changes = [
        (row, [(field, _shown(field, old), _shown(field, new)) for field, (old, new) in sorted(row.changes.items())])
        for row in rows
    ]
    return render(request, "registries/history.html", {"kind": kind, "pk": pk, "count": count, "changes": changes})
