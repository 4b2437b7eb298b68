"""Request plumbing of ``accounts``: client details on sessions, and the staff second factor.

``SessionClientMiddleware`` hands the client's IP and browser to the session store (so the personal sessions page
can show them) and refreshes the last-seen time at most every ``SEEN_INTERVAL`` seconds. ``SecondFactorMiddleware``
keeps staff who must pass TOTP (enrolled, or required by ``ZHIZHENG_STAFF_REQUIRE_TOTP``) on the verification or
enrolment page until they do, whichever way they signed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from zhizheng.accounts.selectors import SecondFactor, second_factor_state

SEEN_INTERVAL = 300
SEEN_SESSION_KEY = "_zz_seen"


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind a proxy, configure the proxy to set REMOTE_ADDR (e.g. gunicorn's forwarded-allow)."""
    return request.META.get("REMOTE_ADDR") or None


class SessionClientMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and hasattr(session, "set_client"):
            session.set_client(ip_address=client_ip(request), user_agent=request.headers.get("User-Agent", ""))
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and session.session_key:
            now = int(time.time())
            if now - int(session.get(SEEN_SESSION_KEY, 0)) >= SEEN_INTERVAL:
                session[SEEN_SESSION_KEY] = now
        return response


# Paths a staff member who still owes the second factor may reach.
_OPEN_URL_NAMES = ("accounts:totp_verify", "accounts:totp_enrol", "accounts:logout", "set_language")
_OPEN_PREFIXES = ("/static/", "/media/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            state = second_factor_state(user)
            if state is not SecondFactor.SATISFIED and not self._is_open(request.path):
                target = "accounts:totp_verify" if state is SecondFactor.VERIFY else "accounts:totp_enrol"
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # the API's session auth refuses such sessions itself
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith(_OPEN_PREFIXES):
            return True
        return any(path == reverse(name) for name in _OPEN_URL_NAMES)
