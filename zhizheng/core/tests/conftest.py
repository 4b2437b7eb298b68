"""Fixtures of the core tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zhizheng.core.workdays import invalidate_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Each test sees the calendar of its own database state, and leaves no cached year behind."""
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()
