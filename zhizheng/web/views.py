"""Home pages of the three faces and the portal search. Thin: they read through selectors and render templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhizheng.core.actor import actor_of
from zhizheng.web import selectors
from zhizheng.web.cockpit import cockpit_overview
from zhizheng.web.forms import SearchForm
from zhizheng.web.navigation import nav_links, portal_search, theme_links
from zhizheng.web.permissions import LEADER_ROLE, can_use_cockpit, can_use_workbench


def portal(request: HttpRequest) -> HttpResponse:
    """The citizens' and businesses' home: search, what the portal offers each audience, the ledger."""
    signed_in = request.user.is_authenticated
    return render(
        request,
        "web/portal.html",
        {
            "form": SearchForm(),
            "sections": nav_links("portal"),
            "individual_links": theme_links("individual", signed_in=signed_in),
            "business_links": theme_links("business", signed_in=signed_in),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Search the portal's sections. An empty or over-long query answers 400 with the reason next to the box."""
    form = SearchForm(request.GET or None)
    if not form.is_valid():
        status = 400 if request.GET else 200
        return render(request, "web/search.html", {"form": form, "results": None}, status=status)
    query = form.cleaned_data["q"]
    return render(request, "web/search.html", {"form": form, "query": query, "results": portal_search(query)})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own face after log-in: leaders to the cockpit, staff to the workbench."""
    actor = actor_of(request)
    if actor.has_role(LEADER_ROLE) or (can_use_cockpit(actor) and not can_use_workbench(actor)):
        return redirect("web:cockpit")
    if can_use_workbench(actor):
        return redirect("web:workbench")
    return redirect("web:portal")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The civil servant's home: the departments and roles they act in."""
    actor = actor_of(request)
    if not can_use_workbench(actor):
        raise PermissionDenied(_("The workbench is for civil servants."))
    return render(
        request,
        "web/workbench.html",
        {
            "memberships": selectors.workbench_memberships(actor=actor),
            "queues": [link for link in nav_links("workbench") if link.url != request.path],
        },
    )


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The leaders' home: city operations from the data that exists."""
    actor = actor_of(request)
    if not can_use_cockpit(actor):
        raise PermissionDenied(_("The cockpit is for leaders."))
    return render(request, "web/cockpit.html", {"overview": cockpit_overview(actor=actor)})
