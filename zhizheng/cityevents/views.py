"""City-event pages: the citizen's report and tracking pages (portal), the hotline console, the queue and the case
page (workbench). Thin: parse, call a service or selector, render; domain errors are shown beside the fields."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhizheng.cityevents import selectors, services
from zhizheng.cityevents.choices import Action, Source, Status, Urgency
from zhizheng.cityevents.errors import EventInvalid, TrackingTokenNotFound
from zhizheng.cityevents.hotspots import hotspot_list, reply_time_stats
from zhizheng.cityevents.models import Event
from zhizheng.cityevents.operations import operations_overview
from zhizheng.cityevents.permissions import (
    Perm,
    is_dispatcher,
    is_hotline_operator,
    is_leader,
    is_staff_of_loop,
    policy,
)
from zhizheng.cityevents.routing import suggest
from zhizheng.cityevents.workflow import allowed_actions
from zhizheng.core.actor import Actor, actor_of
from zhizheng.core.errors import DomainError, NotFound
from zhizheng.orgs.models import Division
from zhizheng.orgs.selectors import department_list, division_list

MAP_CENTER = (31.80, 117.20)  # lat, lon of 示范市 (registries.spatial.CENTRE)
QUEUE_PAGE = 50


def _staff(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not is_staff_of_loop(actor):
        raise DjangoPermissionDenied(_("City events are handled by civil servants of the loop."))
    return actor


def _form_context() -> dict[str, Any]:
    return {
        "leaves": selectors.category_leaves(),
        "districts": division_list(parent_code="990100"),
        "urgencies": Urgency.choices,
        "map_center": MAP_CENTER,
        "districts_geojson_url": "/api/v1/registries/spatial/units?level=district",
    }


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in exc.field_errors.items()}


def _report_from(request: HttpRequest, *, source: str, is_public: bool) -> services.Report:
    data = request.POST
    return services.Report(
        source=source,
        description=data.get("description", ""),
        category_code=data.get("category_code", "").strip(),
        urgency=data.get("urgency", Urgency.NORMAL) or Urgency.NORMAL,
        longitude=data.get("longitude", "").strip() or None,
        latitude=data.get("latitude", "").strip() or None,
        address=data.get("address", ""),
        district_code=data.get("district_code", "").strip(),
        reporter_name=data.get("reporter_name", ""),
        reporter_phone=data.get("reporter_phone", ""),
        anonymous=data.get("anonymous") == "on",
        is_public=is_public,
        photos=request.FILES.getlist("photos"),
    )


# --- portal ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """随手拍: a citizen reports a problem with a place on the map, photos and a description."""
    context: dict[str, Any] = {**_form_context(), "values": request.POST, "errors": {}}
    if request.method == "POST":
        try:
            _event, token = services.event_report(
                actor=actor_of(request),
                report=_report_from(request, source=Source.PORTAL, is_public=request.POST.get("public") == "on"),
            )
        except DomainError as exc:
            context.update(error=exc.detail, errors=_errors(exc))
            return render(request, "cityevents/report.html", context, status=exc.status)
        return redirect(reverse("cityevents:track", args=[token]) + "?new=1")
    return render(request, "cityevents/report.html", context)


@require_GET
def suggest_category(request: HttpRequest) -> HttpResponse:
    """HTMX: the classifier's suggestion for the description typed so far."""
    text = request.GET.get("description", "").strip()
    suggestion = suggest(text) if len(text) >= 4 else None
    duplicates = selectors.duplicate_candidates(
        text=text, longitude=_float(request.GET.get("longitude")), latitude=_float(request.GET.get("latitude"))
    )
    return render(
        request, "cityevents/partials/report_hints.html", {"suggestion": suggestion, "duplicates": duplicates}
    )


def _float(raw: str | None) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's page: status and public timeline, opened by the tracking token."""
    try:
        event = selectors.event_by_token(token=token)
    except DomainError:
        raise Http404(_("No event has this tracking code.")) from None
    parent = event.parent
    return render(
        request,
        "cityevents/track.html",
        {
            "event": event,
            "token": token,
            "new": request.GET.get("new") == "1",
            "steps": selectors.event_steps(event=event).exclude(action__in=[Action.NOTE, Action.ESCALATE]),
            "parent": parent,
            "parent_steps": selectors.event_steps(event=parent).exclude(action__in=[Action.NOTE, Action.ESCALATE])
            if parent is not None
            else [],
        },
    )


@require_POST
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter confirms and rates the result, or says it is not solved (reopens), from the tracking page."""
    actor = actor_of(request)
    try:
        if request.POST.get("reopen") == "1":
            services.event_reopen_by_reporter(actor=actor, token=token, reason=request.POST.get("reason", ""))
        else:
            raw = request.POST.get("satisfaction", "")
            services.event_feedback(
                actor=actor,
                token=token,
                satisfaction=int(raw) if raw.isdigit() else 0,
                comment=request.POST.get("comment", ""),
            )
    except TrackingTokenNotFound:
        raise Http404(_("No event has this tracking code.")) from None
    except DomainError as exc:
        event = selectors.event_by_token(token=token)
        context = {
            "event": event,
            "token": token,
            "steps": selectors.event_steps(event=event).exclude(action__in=[Action.NOTE, Action.ESCALATE]),
            "error": exc.detail,
            "errors": _errors(exc),
            "values": request.POST,
        }
        return render(request, "cityevents/track.html", context, status=exc.status)
    return redirect("cityevents:track", token=token)


# --- hotline console --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """The 12345 operator's entry form: keyboard first, the caller's history and similar open events beside it."""
    actor = _staff(request)
    if not (is_hotline_operator(actor) or actor.is_superuser):
        raise DjangoPermissionDenied(_("The hotline console is for hotline operators."))
    context: dict[str, Any] = {**_form_context(), "values": request.POST, "errors": {}}
    if request.method == "POST":
        try:
            event, _token = services.event_report(
                actor=actor, report=_report_from(request, source=Source.HOTLINE, is_public=False)
            )
        except DomainError as exc:
            context.update(error=exc.detail, errors=_errors(exc))
            return render(request, "cityevents/console.html", context, status=exc.status)
        return redirect(reverse("cityevents:console") + f"?created={event.pk}")
    created = request.GET.get("created", "")
    if created.isdigit():
        with contextlib.suppress(NotFound):
            context["created"] = selectors.event_get(actor=actor, pk=int(created))
    return render(request, "cityevents/console.html", context)


@login_required
@require_GET
def caller_history(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    try:
        events = selectors.events_for_caller(actor=actor, phone=request.GET.get("reporter_phone", ""))
    except DomainError:
        events = []
    return render(request, "cityevents/partials/caller_history.html", {"events": events})


@login_required
@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    text = request.GET.get("description", "")
    return render(
        request,
        "cityevents/partials/similar.html",
        {
            "similar": selectors.similar_open_events(actor=actor, text=text),
            "suggestion": suggest(text) if len(text.strip()) >= 4 else None,
        },
    )


# --- queue and case page ------------------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Events by status with counts: dispatchers see all, departments see theirs."""
    actor = _staff(request)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    counts = selectors.event_status_counts(actor=actor)
    events = selectors.event_list(actor=actor, status=status)[:QUEUE_PAGE]
    tabs = [(value, label, counts[value]) for value, label in Status.choices]
    return render(
        request,
        "cityevents/queue.html",
        {
            "events": events,
            "tabs": tabs,
            "status": status,
            "total": sum(counts.values()),
            "is_operator": is_hotline_operator(actor) or actor.is_superuser,
        },
    )


def _detail_context(actor: Actor, event: Event) -> dict[str, Any]:
    permission_of = {
        Action.CLASSIFY: Perm.CLASSIFY,
        Action.REGISTER: Perm.REGISTER,
        Action.REJECT: Perm.REGISTER,
        Action.DISPATCH: Perm.DISPATCH,
        Action.TRANSFER: Perm.TRANSFER,
        Action.HANDLE: Perm.HANDLE,
        Action.VERIFY: Perm.VERIFY,
        Action.REWORK: Perm.VERIFY,
        Action.CLOSE: Perm.CLOSE,
        Action.REOPEN: Perm.REGISTER,
        Action.NOTE: Perm.NOTE,
        Action.EVALUATE: Perm.EVALUATE,
        Action.MERGE: Perm.REGISTER,
    }
    actions = [
        action
        for action in allowed_actions(event.status)
        if action in permission_of and policy.has(actor, permission_of[action], event)
    ]
    return {
        "event": event,
        "actions": [a.value for a in actions],
        "steps": selectors.event_steps(event=event),
        "photos": list(event.photos.all()),
        "assisting": list(event.assisting_departments.all()),
        "leaves": selectors.category_leaves() if Action.CLASSIFY in actions else [],
        "departments": department_list() if {Action.DISPATCH, Action.TRANSFER} & set(actions) else [],
        "urgencies": Urgency.choices,
        "duplicates": selectors.duplicate_candidates(
            actor=actor,
            text=event.description,
            longitude=float(event.longitude) if event.longitude is not None else None,
            latitude=float(event.latitude) if event.latitude is not None else None,
            exclude_pk=event.pk,
        )
        if Action.MERGE in actions
        else [],
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    try:
        event = selectors.event_get(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None
    return render(request, "cityevents/detail.html", _detail_context(actor, event))


def _run(action: str, event: Event, actor: Actor, request: HttpRequest) -> Event:
    data = request.POST
    note = data.get("note", "")
    if action == Action.CLASSIFY:
        return services.event_classify(
            event=event, actor=actor, category_code=data.get("category_code", ""), urgency=data.get("urgency", "")
        )
    if action == Action.REGISTER:
        return services.event_register(event=event, actor=actor, note=note)
    if action == Action.REJECT:
        return services.event_reject(event=event, actor=actor, reason=note)
    if action == Action.DISPATCH:
        return services.event_dispatch(
            event=event,
            actor=actor,
            department_code=data.get("department_code", ""),
            assisting_codes=data.getlist("assisting_codes"),
            note=note,
        )
    if action == Action.TRANSFER:
        return services.event_transfer(
            event=event, actor=actor, department_code=data.get("department_code", ""), reason=note
        )
    if action == Action.HANDLE:
        return services.event_handle(event=event, actor=actor, result=note, photos=request.FILES.getlist("photos"))
    if action in (Action.VERIFY, Action.REWORK):
        return services.event_verify(event=event, actor=actor, passed=action == Action.VERIFY, note=note)
    if action == Action.CLOSE:
        return services.event_close(event=event, actor=actor, note=note)
    if action == Action.REOPEN:
        return services.event_reopen(event=event, actor=actor, reason=note)
    if action == Action.MERGE:
        into = data.get("into", "")
        if not into.isdigit():
            raise EventInvalid(field_errors={"into": [_("Choose the case to merge into.")]})
        return services.event_merge(
            event=event, actor=actor, into=selectors.event_get(actor=actor, pk=int(into)), note=note
        )
    if action == Action.NOTE:
        services.event_note_add(event=event, actor=actor, note=note)
        return event
    raise Http404


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """HTMX: perform one action and answer the refreshed case panel (or the panel with the error)."""
    actor = _staff(request)
    if action not in Action.values:
        raise Http404
    try:
        event = selectors.event_get(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None
    error = ""
    errors: dict[str, list[str]] = {}
    try:
        event = _run(action, event, actor, request)
        status = 200
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        error, errors, status = exc.detail, _errors(exc), exc.status
    event = selectors.event_get(actor=actor, pk=pk)
    context = {**_detail_context(actor, event), "error": error, "errors": errors, "done": "" if error else action}
    if request.headers.get("HX-Request"):
        # htmx does not swap error answers: the panel with its error comes back as 200, the real status in a header.
        response = render(request, "cityevents/partials/case_panel.html", context)
        response["X-Zhizheng-Status"] = str(status)
        return response
    return render(request, "cityevents/detail.html", context, status=status)


@login_required
@require_GET
def operations(request: HttpRequest) -> HttpResponse:
    """城市运行: counts, on-time rate, map of open events, trends and hotspots; the figures refresh by themselves."""
    actor = actor_of(request)
    if not (is_leader(actor) or is_dispatcher(actor) or actor.is_superuser):
        raise DjangoPermissionDenied(_("The city operations view is for leaders and the command centre."))
    overview = operations_overview(actor=actor)
    spots = hotspot_list(actor=actor, limit=10)
    districts = dict(Division.objects.filter(code__in={spot.district for spot in spots}).values_list("code", "name"))
    hot = [(spot, districts.get(spot.district, spot.district)) for spot in spots]
    reply_stats = reply_time_stats(actor=actor)
    charts = {
        "status": [[label, n] for _value, label, n in overview.by_status],
        "category": [[name, n] for name, n in overview.by_category[:12]],
        "district": [[name, n] for name, n in overview.by_district],
        "trend": overview.trend,
        "clusters": overview.clusters,
        "centre": MAP_CENTER,
        "labels": {"reported": _("Reported"), "closed": _("Closed")},
    }
    template = (
        "cityevents/partials/operations_figures.html"
        if request.headers.get("HX-Request")
        else ("cityevents/operations.html")
    )
    return render(
        request,
        template,
        {"overview": overview, "charts": charts, "hotspots": hot, "reply_stats": reply_stats},
    )
