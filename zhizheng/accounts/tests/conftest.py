from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_totp_throttle(settings: Any) -> None:
    """TOTP back-off off, so a test may follow a wrong code by a right one; one test turns it back on."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
