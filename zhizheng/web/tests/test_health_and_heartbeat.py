"""The health endpoint and the heartbeat job behind it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from zhizheng import __version__
from zhizheng.core import errors
from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor, ActorKind
from zhizheng.web import tasks
from zhizheng.web.models import WorkerHeartbeat
from zhizheng.web.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def test_health_is_ok_with_database_and_default_broker(client: Client) -> None:
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "database": "ok",
        "broker": "ok",
        "worker_last_beat_at": None,
    }


def test_health_is_degraded_503_when_the_broker_is_unreachable(client: Client, settings: Settings) -> None:
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER

    response = client.get("/api/v1/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"] == "unavailable"


def test_health_reports_the_last_heartbeat(client: Client) -> None:
    at = timezone.now().replace(microsecond=0)
    worker_heartbeat_record(name="web.heartbeat", actor=SYSTEM, at=at)

    body = client.get("/api/v1/health").json()

    assert body["worker_last_beat_at"] == at.isoformat().replace("+00:00", "Z")


def test_heartbeat_task_records_one_row_and_is_idempotent() -> None:
    first = tasks.heartbeat.delay().get(timeout=5)
    second = tasks.heartbeat.delay().get(timeout=5)

    beat = WorkerHeartbeat.objects.get()
    assert beat.name == "web.heartbeat"
    assert beat.beats == 2
    assert beat.beat_at.isoformat() == second
    assert second >= first


def test_a_late_retried_beat_never_moves_time_backwards() -> None:
    now = timezone.now()
    worker_heartbeat_record(name="web.heartbeat", actor=SYSTEM, at=now)

    beat = worker_heartbeat_record(name="web.heartbeat", actor=SYSTEM, at=now - timedelta(minutes=5))

    assert beat.beat_at == now
    assert WorkerHeartbeat.objects.get().beat_at == now


@pytest.mark.parametrize(
    "actor",
    [ANONYMOUS, Actor(kind=ActorKind.USER, user_id=7, is_superuser=True)],
    ids=["anonymous", "superuser"],
)
def test_only_the_system_records_heartbeats(actor: Actor) -> None:
    with pytest.raises(errors.PermissionDenied):
        worker_heartbeat_record(name="web.heartbeat", actor=actor)

    assert WorkerHeartbeat.objects.count() == 0


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_heartbeat_name_is_validated(name: str) -> None:
    with pytest.raises(errors.ValidationFailed) as caught:
        worker_heartbeat_record(name=name, actor=SYSTEM)

    assert caught.value.field_errors.keys() == {"name"}
    assert WorkerHeartbeat.objects.count() == 0


def test_heartbeat_is_scheduled_on_beat() -> None:
    from zhizheng.celery import app

    entry = app.conf.beat_schedule["web.heartbeat"]
    assert entry["task"] == "web.heartbeat"
    assert entry["schedule"] == 60.0
    assert "web.heartbeat" in app.tasks
