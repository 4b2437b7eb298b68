"""Pages of supervision (电子监察), ratings (好差评), rectifications (整改), visits and the public figures.
Thin: changes go through ``services.ratings``; reads through ``selectors.supervision``, scoped by the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError, NotFound, PermissionDenied
from zhizheng.govservices.choices import RatingScore, RectificationStatus, VisitPurpose
from zhizheng.govservices.models import Application
from zhizheng.govservices.permissions import RectificationPerm, rectification_policy, supervision_departments
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import supervision as figures
from zhizheng.govservices.services import ratings
from zhizheng.govservices.views.applications import _case_context as case_context
from zhizheng.orgs.selectors import department_list

TOP_ITEMS = 20
RECTIFICATION_PAGE_SIZE = 50


def _errors(exc: DomainError) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in exc.field_errors.items()}


def _date(raw: str) -> dt.date | None:
    try:
        return parse_date(raw) if raw else None
    except ValueError:
        return None


def _percent(rate: float | None) -> float:
    return round(rate * 100, 1) if rate is not None else 0.0


def _percent_or_none(rate: float | None) -> float | None:
    """A rate in per cent, or None (a gap in the line) for a month without completed applications."""
    return _percent(rate) if rate is not None else None


def _chart(
    key: str,
    title: str | Promise,
    unit: str | Promise,
    categories: list[str],
    series: list[tuple[str | Promise, list[Any]]],
    kind: str = "bar",
) -> dict[str, Any]:
    """A chart in the shape the cockpit's script (``web/cockpit.js``) draws, with the rows of its table."""
    return {
        "key": key,
        "data_id": f"{key}-data",
        "title": title,
        "category_label": _("Department") if key == "supervision-departments" else _("Month"),
        "series_names": [str(name) for name, _values in series],
        "rows": [(c, [values[i] for _name, values in series]) for i, c in enumerate(categories)],
        "has_data": bool(categories) and any(v is not None for _name, values in series for v in values),
        "json": {
            "categories": categories,
            "unit": str(unit),
            "type": kind,
            "series": [{"name": str(name), "values": values} for name, values in series],
        },
    }


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """电子监察: overdue and warned applications by department, item and month, for auditors and department heads."""
    actor = actor_of(request)
    department = request.GET.get("department", "").strip()
    item = request.GET.get("item", "").strip()
    raw_from, raw_to = request.GET.get("date_from", ""), request.GET.get("date_to", "")
    period = figures.Period(_date(raw_from), _date(raw_to))
    problems = [
        field
        for field, raw, value in (("date_from", raw_from, period.start), ("date_to", raw_to, period.end))
        if raw and value is None
    ]
    try:
        overview = figures.supervision_overview(actor=actor, department=department, item=item, period=period)
    except PermissionDenied:
        return render(request, "govservices/supervision_denied.html", status=403)
    except NotFound:
        raise Http404 from None
    allowed = supervision_departments(actor)
    choices = [(d.code, d.name) for d in department_list() if allowed is None or d.code in allowed]
    names = [row.name for row in overview.departments]
    charts = [
        _chart(
            "supervision-departments",
            _("Warnings and overdue applications by department"),
            _("applications"),
            names,
            [
                (_("Yellow warnings"), [row.warnings["yellow"] for row in overview.departments]),
                (_("Red warnings"), [row.warnings["red"] for row in overview.departments]),
                (_("Open and overdue"), [row.overdue_open for row in overview.departments]),
            ],
        ),
        _chart(
            "supervision-rate",
            _("On-time rate by month of submission"),
            "%",
            [row.key for row in overview.months],
            [(_("On-time rate"), [_percent_or_none(row.on_time_rate) for row in overview.months])],
            kind="line",
        ),
        _chart(
            "supervision-months",
            _("Applications and warnings by month"),
            _("applications"),
            [row.key for row in overview.months],
            [
                (_("Submitted"), [row.submitted for row in overview.months]),
                (_("Completed"), [row.completed for row in overview.months]),
                (_("Warnings"), [sum(row.warnings.values()) for row in overview.months]),
            ],
        ),
    ]
    filters = {"department": department, "item": item, "date_from": raw_from, "date_to": raw_to}
    context = {
        "overview": overview,
        "total": overview.total,
        "on_time_percent": _percent(overview.total.on_time_rate),
        "charts": charts,
        "items": overview.items[:TOP_ITEMS],
        "departments": choices,
        "filters": filters,
        "problems": problems,
        "api_query": urlencode({k: v for k, v in filters.items() if v}),
        "all_departments": allowed is None,
    }
    return render(request, "govservices/supervision.html", context)


def statistics(request: HttpRequest) -> HttpResponse:
    """Public: 零跑动, 最多跑一次 and 好差评 figures per department or per item (counts and rates only)."""
    group = request.GET.get("group", "department")
    if group not in figures.GROUPS:
        group = "department"
    rows = figures.public_figures(group=group)
    total = figures.public_total(rows)
    chart = _chart(
        "statistics-ratings",
        _("Ratings by score"),
        _("ratings"),
        [str(label) for _value, label in RatingScore.choices],
        [(_("Ratings"), [total.distribution[score] for score in RatingScore.values])],
    )
    chart["category_label"] = _("Score")
    return render(
        request, "govservices/statistics.html", {"rows": rows, "total": total, "group": group, "chart": chart}
    )


# --- the applicant: rating ----------------------------------------------------------------------------------------


def _own(request: HttpRequest, receipt_number: str) -> Application:
    try:
        found = application_selectors.application_get(actor=actor_of(request), receipt_number=receipt_number)
    except NotFound:
        raise Http404 from None
    if found.applicant_id != actor_of(request).user_id:
        raise Http404
    return found


def rating_context(application: Application, **extra: Any) -> dict[str, Any]:
    """The applicant's page's rating panel: the rating and its rectification, or the form when it may be given."""
    return {"application": application, **figures.application_extras(application=application), **extra}


@login_required
@require_POST
def rate(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The applicant's rating (好差评) of a completed application; errors shown on the form (HTMX swaps it)."""
    application = _own(request, receipt_number)
    raw_score = request.POST.get("score", "")
    score: object = int(raw_score) if raw_score.isdigit() else raw_score
    try:
        ratings.rating_submit(
            actor=actor_of(request),
            application=application,
            score=score,
            reasons=request.POST.getlist("reasons"),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        context = rating_context(application, rating_message=exc.detail, errors=_errors(exc), posted=request.POST)
        if request.headers.get("HX-Request"):
            return render(request, "govservices/partials/rating_panel.html", context)
        page = {**case_context(application, actor=actor_of(request), message=""), **context}
        return render(request, "govservices/application.html", page, status=exc.status)
    if request.headers.get("HX-Request"):
        return render(request, "govservices/partials/rating_panel.html", rating_context(application))
    return redirect("govservices:application", receipt_number=receipt_number)


# --- staff: visits and rectifications -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest) -> HttpResponse:
    """The hall's page: a window officer (or a handler) records that an applicant came in person."""
    actor = actor_of(request)
    values = {
        "receipt_number": (request.POST.get("receipt_number") or request.GET.get("receipt_number", "")).strip(),
        "visited_at": request.POST.get("visited_at") or timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": request.POST.get("place", ""),
        "purpose": request.POST.get("purpose", ""),
        "note": request.POST.get("note", ""),
    }
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    recorded = None
    if request.method == "POST":
        try:
            application = figures.application_for_visit(actor=actor, receipt_number=values["receipt_number"])
            moment = _local_datetime(values["visited_at"])
            recorded = ratings.visit_record(
                actor=actor,
                application=application,
                visited_at=moment,
                place=values["place"],
                purpose=values["purpose"],
                note=values["note"],
            )
        except NotFound:
            errors = {"receipt_number": [str(_("No application with this receipt number is open to you."))]}
            message, status = str(_("The visit was not recorded.")), 404
        except DomainError as exc:
            errors, message, status = _errors(exc), exc.detail, exc.status
    context = {
        "values": values,
        "errors": errors,
        "message": message,
        "recorded": recorded,
        "purposes": VisitPurpose.choices,
    }
    return render(request, "govservices/visit_record.html", context, status=status)


def _local_datetime(raw: str) -> dt.datetime | None:
    try:
        moment = parse_datetime(raw)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the hall's clock: Beijing time
    return moment


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    """Staff: the rectifications of the actor's departments (and those they supervise), open ones first."""
    status = request.GET.get("status", RectificationStatus.OPEN)
    if status not in RectificationStatus.values:
        status = ""
    rows = list(figures.rectifications_visible(actor=actor_of(request), status=status)[:RECTIFICATION_PAGE_SIZE])
    return render(
        request,
        "govservices/rectifications.html",
        {"rows": rows, "status": status, "statuses": RectificationStatus.choices, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: one rectification with the rating that opened it, and the form to answer it once."""
    actor = actor_of(request)
    try:
        found = figures.rectification_get(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    if request.method == "POST":
        try:
            found = ratings.rectification_answer(
                actor=actor, rectification=found, answer=request.POST.get("answer", "")
            )
            return redirect("govservices:rectification", pk=found.pk)
        except DomainError as exc:
            errors, message, status = _errors(exc), exc.detail, exc.status
    context = {
        "rectification": found,
        "rating": found.rating,
        "application": found.rating.application,
        "today": timezone.localdate(),
        "errors": errors,
        "message": message,
        "answer": request.POST.get("answer", ""),
        "can_answer": rectification_policy.has(actor, RectificationPerm.ANSWER, found),
    }
    return render(request, "govservices/rectification.html", context, status=status)
