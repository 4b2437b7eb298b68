"""A real Celery worker with embedded beat runs the heartbeat task and the periodic job, writing into the test DB.

The worker is a subprocess, so it cannot see an in-memory SQLite database: on SQLite the migrated test database is
copied to a file that the worker opens; on PostgreSQL the worker connects to the test database itself (which is why
these tests are ``transaction=True``: the worker's commits must be visible, and are flushed afterwards).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from conftest import require_service, tcp_open
from zhizheng.celery import filesystem_queue_folders_create

REDIS_URL = "redis://127.0.0.1:6379/14"
CELERY = str(Path(sys.executable).with_name("celery"))
ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
BEAT_SECONDS = "1"


@dataclass
class WorkerDatabase:
    """Where the worker writes, and how the test reads heartbeats back."""

    url: str
    read: Callable[[], dict[str, int]]


def _worker_database(tmp_path: Path) -> WorkerDatabase:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()

        def read_sqlite() -> dict[str, int]:
            with sqlite3.connect(path, timeout=10) as db:
                return dict(db.execute("SELECT name, beats FROM web_workerheartbeat").fetchall())

        return WorkerDatabase(url=f"sqlite:///{path}", read=read_sqlite)
    if connection.vendor == "postgresql":
        from zhizheng.web.models import WorkerHeartbeat

        user = settings.get("USER") or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        url = f"postgres://{user}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"

        def read_postgres() -> dict[str, int]:
            return dict(WorkerHeartbeat.objects.values_list("name", "beats"))

        return WorkerDatabase(url=url, read=read_postgres)
    pytest.skip(f"no worker database recipe for {connection.vendor}")


@contextmanager
def running_worker(env: dict[str, str], log: Path, queue: str) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        CELERY, "-A", "zhizheng", "worker", "--beat", "--pool=solo", "--loglevel=INFO", "-Q", queue,
        f"--schedule={log.parent / 'beat-schedule'}", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_for(condition: Callable[[], bool], timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def _exercise_worker(tmp_path: Path, *, broker: str, backend: str, transport_options: dict[str, str]) -> None:
    database = _worker_database(tmp_path)
    queue = f"zz-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhizheng.settings.test",
        "DATABASE_URL": database.url,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": backend,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "ZHIZHENG_HEARTBEAT_SECONDS": BEAT_SECONDS,
        "ZHIZHENG_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    client = Celery("zhizheng-test-client", broker=broker, backend=backend)
    client.conf.broker_transport_options = transport_options
    log = tmp_path / "worker.log"

    with running_worker(env, log, queue) as process:
        # A task sent by another process comes back with its result.
        result = client.send_task("web.heartbeat", kwargs={"name": "test.direct"}, queue=queue)
        beat_at = result.get(timeout=START_TIMEOUT)
        assert beat_at.startswith("20")
        assert database.read().get("test.direct") == 1

        # The periodic job, sent by the embedded beat every second, completes more than once.
        _wait_for(lambda: database.read().get("web.heartbeat", 0) >= 2, 30, "two periodic heartbeats", log)
        assert process.poll() is None, "the worker died"
    assert process.returncode is not None


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_redis_worker_runs_the_task_and_the_periodic_heartbeat(tmp_path: Path) -> None:
    require_service("Redis", tcp_open("127.0.0.1", 6379))

    _exercise_worker(tmp_path, broker=REDIS_URL, backend=REDIS_URL, transport_options={})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_filesystem_broker_worker_needs_no_service(tmp_path: Path) -> None:
    queue_dir = tmp_path / "var" / "celery" / "queue"
    results = tmp_path / "results"
    results.mkdir()
    options = {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "control_folder": str(tmp_path / "var" / "celery" / "control"),
    }
    # The same start-up step the web process and the worker run: the transport's folders are created for it.
    ensured = filesystem_queue_folders_create(Celery(broker="filesystem://", broker_transport_options=options))
    assert ensured == [queue_dir, queue_dir, tmp_path / "var" / "celery" / "control"]
    assert queue_dir.is_dir()

    _exercise_worker(
        tmp_path,
        broker="filesystem://",
        backend=f"file://{results}",
        transport_options=options,
    )


def test_no_folders_are_made_for_other_brokers(tmp_path: Path) -> None:
    options = {"data_folder_in": str(tmp_path / "never")}

    assert filesystem_queue_folders_create(Celery(broker=REDIS_URL, broker_transport_options=options)) == []
    assert not (tmp_path / "never").exists()
