"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import socket

import pytest

REQUIRE_SERVICES = os.environ.get("ZHIZHENG_REQUIRE_SERVICES") == "1"


def require_service(name: str, available: bool) -> None:
    """Skip when ``name`` is absent, except under ZHIZHENG_REQUIRE_SERVICES=1, where absence fails the test."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (ZHIZHENG_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{name} not available")


def tcp_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar():
    """The working-day calendar caches each year per process; every test starts from its own database state."""
    from zhizheng.core.workdays import invalidate_calendar_cache

    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


@pytest.fixture(autouse=True)
def _default_language():
    """A request leaves its language active in the test thread (LocaleMiddleware never resets it): every test
    starts, and ends, in the default language so that one test's English cannot leak into the next."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
