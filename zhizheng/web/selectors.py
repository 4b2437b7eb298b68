"""Reads for the shell: health of dependencies."""

from __future__ import annotations


def broker_status(timeout: float = 2.0) -> str:
    """``ok`` if the Celery broker accepts a connection within ``timeout`` seconds."""
    from zhizheng.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:  # noqa: BLE001 - any failure means unavailable
        return "unavailable"
    return "ok"
