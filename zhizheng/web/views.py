"""Home pages of the three faces. Thin: they read through selectors and render templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "web/portal.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own face after log-in."""
    user = request.user
    if getattr(user, "kind", "") == "staff":
        return redirect("web:workbench")
    return redirect("web:portal")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "web/workbench.html")


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    return render(request, "web/cockpit.html")
