"""Account pages: log-in with the staff second factor, sign-up, TOTP enrolment and one's own sessions. Thin: each
page parses input, calls one service and renders the result."""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from zhizheng.accounts import selectors, services
from zhizheng.accounts.forms import (
    AgentSignUpForm,
    CitizenSignUpForm,
    LoginForm,
    TotpCodeForm,
    add_domain_errors,
    bilingual,
)
from zhizheng.accounts.models import User
from zhizheng.accounts.selectors import SecondFactor, second_factor_state
from zhizheng.core.actor import Actor, ActorKind, actor_of
from zhizheng.core.errors import DomainError, NotFound

logger = logging.getLogger(__name__)

PENDING_KEY = "_zz_totp_pending"
PENDING_SECONDS = 300
MAX_CODE_ATTEMPTS = 5
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path


def _safe_next(request: HttpRequest, candidate: str | None, default: str = "web:home") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _base_template(user: Any) -> str:
    return "web/workbench_base.html" if selectors.is_staff_user(user) else "web/portal_base.html"


# --- log-in with the second factor ------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Password first; staff who enrolled an authenticator then pass a code before they are signed in."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if selectors.is_staff_user(user) and selectors.totp_device_confirmed(user) is not None:
            self.request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", PASSWORD_BACKEND),
                "at": int(time.time()),
                "next": self.get_success_url(),
                "attempts": 0,
            }
            return redirect("accounts:totp_verify")
        return super().form_valid(form)


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending: dict[str, Any] = request.session.get(PENDING_KEY) or {}
    if not pending or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, {}
    return User.objects.filter(pk=int(pending.get("user_id") or 0), is_active=True).first(), pending


def totp_verify(request: HttpRequest) -> HttpResponseBase:
    """The second step of a staff log-in (or of a session opened elsewhere, e.g. the admin's log-in page)."""
    if request.user.is_authenticated:
        user: User | None = request.user  # type: ignore[assignment]
        pending: dict[str, Any] = {}
        state = second_factor_state(request.user)
        if state is SecondFactor.SATISFIED:
            return redirect(_safe_next(request, request.GET.get("next")))
        if state is SecondFactor.ENROL:
            return redirect("accounts:totp_enrol")
    else:
        user, pending = _pending_user(request)
        if user is None:
            messages.error(request, bilingual(_("Your log-in has expired. Enter your password again.")))
            return redirect("accounts:login")
    assert user is not None
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(user=user, code=form.cleaned_data["code"])
        except services.TotpCodeWrong as exc:
            attempts = int(pending.get("attempts", 0)) + 1
            if pending:
                if attempts >= MAX_CODE_ATTEMPTS:
                    request.session.pop(PENDING_KEY, None)
                    messages.error(request, bilingual(_("Too many wrong codes. Log in again.")))
                    return redirect("accounts:login")
                request.session[PENDING_KEY] = {**pending, "attempts": attempts}
            add_domain_errors(form, exc)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            next_url = pending.get("next") or _safe_next(request, request.GET.get("next"))
            if not request.user.is_authenticated:
                auth_login(request, user, backend=pending.get("backend", PASSWORD_BACKEND))
                request.session.pop(PENDING_KEY, None)
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "accounts/totp_verify.html", {"form": form, "base_template": "web/portal_base.html"})


# --- sign-up -------------------------------------------------------------------------------------------------


def _identity_verify(user: User) -> bool:
    """Ask the configured identity verifier (the population registry, by default) to match the new account.

    ``accounts`` sits below the registries, so it reaches them only through this setting; a failing verifier
    leaves the account at level L1 and is logged."""
    path = getattr(settings, "ZHIZHENG_IDENTITY_VERIFIER", "")
    if not path:
        return False
    verify = import_string(path)
    actor = Actor(
        kind=ActorKind.USER,
        user_id=user.pk,
        display=str(user),
        user_kind=user.kind,
        real_name_level=user.real_name_level,
    )
    try:
        return bool(verify(actor=actor, user=user))
    except DomainError:
        logger.warning("identity verification refused for user %s", user.pk, exc_info=True)
        return False


def signup(request: HttpRequest) -> HttpResponse:
    """Choose: sign up as a citizen or for an enterprise."""
    return render(request, "accounts/signup.html")


def _signup(request: HttpRequest, *, agent: bool) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form_class = AgentSignUpForm if agent else CitizenSignUpForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.SignUp(
            real_name=form.cleaned_data["real_name"],
            id_number=form.cleaned_data["id_number"],
            phone=form.cleaned_data["phone"],
            password=form.cleaned_data["password1"],
            username=form.cleaned_data.get("username", ""),
            uscc=form.cleaned_data.get("uscc", ""),
            enterprise_name=form.cleaned_data.get("enterprise_name", ""),
        )
        register = services.agent_register if agent else services.citizen_register
        try:
            user = register(data=data)
        except DomainError as exc:
            add_domain_errors(form, exc, renamed={"password": "password1"})
        else:
            auth_login(request, user, backend=PASSWORD_BACKEND)
            if _identity_verify(user):
                messages.success(
                    request,
                    bilingual(_("Welcome! Your identity matched the population registry: real-name level L2.")),
                )
            else:
                messages.info(
                    request,
                    bilingual(
                        _(
                            "Welcome! Your account is at real-name level L1. Your name and ID number did not match "
                            "the population registry; a service hall can verify you in person."
                        )
                    ),
                )
            return redirect("web:home")
    template = "accounts/signup_agent.html" if agent else "accounts/signup_citizen.html"
    return render(request, template, {"form": form}, status=400 if request.method == "POST" else 200)


def signup_citizen(request: HttpRequest) -> HttpResponse:
    return _signup(request, agent=False)


def signup_agent(request: HttpRequest) -> HttpResponse:
    return _signup(request, agent=True)


# --- TOTP enrolment ----------------------------------------------------------------------------------------------


def _qr_svg(text: str) -> SafeString:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # Generated by qrcode from our own otpauth URL (no user input reaches the markup unescaped).
    return mark_safe(svg)  # noqa: S308


def _grouped_secret(device: Any) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponseBase:
    """Set up (or replace) an authenticator app: scan the QR code, then confirm with a code from the app."""
    user: User = request.user  # type: ignore[assignment]
    if second_factor_state(user) is SecondFactor.VERIFY:
        return redirect(f"{reverse('accounts:totp_verify')}?next={reverse('accounts:totp_enrol')}")
    actor = actor_of(request)
    form = TotpCodeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.totp_enrolment_start(actor=actor, user=user)
                return redirect("accounts:totp_enrol")
            if action == "remove" and not getattr(settings, "ZHIZHENG_STAFF_REQUIRE_TOTP", False):
                services.totp_device_remove(actor=actor, user=user)
                messages.success(request, bilingual(_("The authenticator app was removed.")))
                return redirect("accounts:totp_enrol")
            if action == "confirm":
                form = TotpCodeForm(request.POST)
                if form.is_valid():
                    device = services.totp_enrolment_confirm(actor=actor, user=user, code=form.cleaned_data["code"])
                    otp_login(request, device)
                    messages.success(
                        request,
                        bilingual(_("Your authenticator app is set up. You will be asked for a code at each log-in.")),
                    )
                    return redirect(_safe_next(request, request.GET.get("next"), default="accounts:totp_enrol"))
        except DomainError as exc:
            add_domain_errors(form, exc)
    pending = services.totp_pending_device(user=user)
    context = {
        "base_template": _base_template(user),
        "form": form,
        "confirmed": selectors.totp_device_confirmed(user),
        "pending": pending,
        "qr_svg": _qr_svg(pending.config_url) if pending else "",
        "secret": _grouped_secret(pending) if pending else "",
        "required": getattr(settings, "ZHIZHENG_STAFF_REQUIRE_TOTP", False) and selectors.is_staff_user(user),
    }
    return render(request, "accounts/totp_enrol.html", context)


# --- sessions --------------------------------------------------------------------------------------------------


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """The person's own sessions: browser, IP address, signed-in and last-seen times; end any other one."""
    rows = selectors.session_list(actor=actor_of(request), current_session_key=request.session.session_key)
    return render(request, "accounts/sessions.html", {"sessions": rows, "base_template": _base_template(request.user)})


@login_required
@require_POST
def session_end(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        services.session_end(
            actor=actor_of(request), public_id=public_id, current_session_key=request.session.session_key
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, bilingual(exc.message_template, exc.params))
    else:
        messages.success(request, bilingual(_("The session was ended; that browser is logged out.")))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_others(actor=actor_of(request), current_session_key=request.session.session_key)
    messages.success(request, bilingual(_("Other sessions ended: %(count)d."), {"count": count}))
    return redirect("accounts:sessions")


# --- notifications ---------------------------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


def _inbox_context(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = selectors.notification_list(actor=actor)
    if request.GET.get("unread") == "1":
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "unread_only": request.GET.get("unread") == "1",
        "unread_count": selectors.notification_unread_count(actor=actor),
        "base_template": _base_template(request.user),
    }


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The person's inbox: newest first, unread marked; mark one or all read (HTMX swaps the list in place)."""
    return render(request, "accounts/notifications.html", _inbox_context(request))


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; with ``next`` (the notification's link) the browser then follows it."""
    try:
        notification = services.notification_mark_read(actor=actor_of(request), notification_id=notification_id)
    except NotFound:
        raise Http404 from None
    if request.POST.get("follow") == "1" and notification.link:
        return redirect(notification.link)
    if request.headers.get("HX-Request"):
        return render(request, "accounts/partials/notification_inbox.html", _inbox_context(request))
    return redirect("accounts:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=actor_of(request))
    if request.headers.get("HX-Request"):
        return render(request, "accounts/partials/notification_inbox.html", _inbox_context(request))
    messages.success(request, bilingual(_("Notifications marked read: %(count)d."), {"count": count}))
    return redirect("accounts:notifications")
