"""The periodic checkpoint job: signs when the tree has grown, never without a key, and is on the beat schedule."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings

from zhizheng.ledger import note, tasks
from zhizheng.ledger.models import Checkpoint
from zhizheng.ledger.tests import factories

pytestmark = pytest.mark.django_db


def test_the_job_is_scheduled() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["ledger-checkpoint-sign"]
    assert entry["task"] == "zhizheng.ledger.tasks.checkpoint_sign"
    assert entry["schedule"] == float(settings.LEDGER_CHECKPOINT_INTERVAL)


def test_the_job_signs_only_when_the_tree_has_grown(ledger_key: note.Signer) -> None:
    factories.entries(3)
    assert tasks.checkpoint_sign.delay().get() == 3
    assert tasks.checkpoint_sign.delay().get() == 3
    assert Checkpoint.objects.count() == 1
    factories.entry()
    assert tasks.checkpoint_sign.delay().get() == 4
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [4, 3]


def test_without_a_key_the_job_logs_the_setting_and_signs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    factories.entry()
    with caplog.at_level(logging.ERROR, logger="zhizheng.ledger.tasks"):
        assert tasks.checkpoint_sign.delay().get() is None
    assert "LEDGER_SIGNING_KEY_FILE" in caplog.text
    assert Checkpoint.objects.count() == 0
