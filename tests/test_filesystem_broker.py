"""The filesystem broker (the default for `make run`) never hands a consumer a half-written message."""

from __future__ import annotations

import threading
from pathlib import Path

from kombu import Connection

from zhizheng.celery import AtomicFilesystemTransport

MESSAGES = 400


def test_filesystem_alias_is_the_atomic_transport(tmp_path: Path) -> None:
    with Connection(
        "filesystem://", transport_options={"data_folder_in": str(tmp_path), "control_folder": str(tmp_path)}
    ) as connection:
        assert isinstance(connection.transport, AtomicFilesystemTransport)


def test_consumer_polling_while_a_producer_writes_gets_every_message_whole(tmp_path: Path) -> None:
    # Fast polling makes the race certain: kombu's own transport fails this within the first few messages.
    options = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path / "control"),
        "polling_interval": 0.001,
    }
    payload = {"text": "智政" * 2000}  # big enough that a write is not instantaneous
    failures: list[BaseException] = []

    def produce() -> None:
        try:
            with Connection("filesystem://", transport_options=options) as connection:
                queue = connection.SimpleQueue("race")
                for number in range(MESSAGES):
                    queue.put({**payload, "number": number})
                queue.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    producer = threading.Thread(target=produce)
    received: list[int] = []
    with Connection("filesystem://", transport_options=options) as connection:
        queue = connection.SimpleQueue("race")
        producer.start()
        while len(received) < MESSAGES:
            message = queue.get(timeout=20)
            assert message.payload["text"] == payload["text"]
            received.append(message.payload["number"])
            message.ack()
        queue.close()
    producer.join(timeout=20)

    assert failures == []
    assert sorted(received) == list(range(MESSAGES))
    assert list(tmp_path.glob(".*.part")) == []
