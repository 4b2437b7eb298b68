"""Periodic ledger work for Celery beat (see ``CELERY_BEAT_SCHEDULE`` in settings)."""

from __future__ import annotations

import logging

from celery import shared_task

from zhizheng.core.actor import SYSTEM
from zhizheng.ledger import services
from zhizheng.ledger.errors import SigningKeyInvalid, SigningKeyMissing

logger = logging.getLogger(__name__)


@shared_task(name="zhizheng.ledger.tasks.checkpoint_sign")
def checkpoint_sign() -> int | None:
    """Sign a new checkpoint when the tree has grown; returns the signed size, or None when the key is unusable."""
    try:
        checkpoint = services.checkpoint_sign(actor=SYSTEM)
    except (SigningKeyMissing, SigningKeyInvalid) as exc:
        # Loud but not retried: beat runs this again next interval, and the operator must fix the setting.
        logger.error("ledger checkpoint not signed: %s", exc.detail_en)
        return None
    return checkpoint.size
