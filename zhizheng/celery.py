"""The Celery application. Tasks live in each app's ``tasks.py`` and only call service functions.

Brokers: Redis or RabbitMQ in production (``CELERY_BROKER_URL``); kombu's filesystem transport by default so that
``make run`` needs no service. The filesystem transport expects its folders to exist, so they are created as soon
as the configuration is loaded, in the web process and in the worker alike; and its messages are written
atomically (see ``AtomicFilesystemTransport``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from time import monotonic
from typing import Any

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhizheng.settings.local")


class _AtomicFilesystemChannel(filesystem.Channel):  # type: ignore[misc]
    """kombu's filesystem channel, except that a message file appears only once it is completely written.

    kombu writes the message file in place, and a consumer polling the folder can move and read it while it is
    still empty: the worker then dies on a JSON decoding error (seen with beat and worker in one process). Here
    the message is written under a name consumers ignore and renamed into place, which is atomic on one file system.
    """

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        folder = Path(self.data_folder_out)
        partial = folder / f".{name}.part"  # consumers only take files named <id>.<queue>.msg
        try:
            partial.write_bytes(dumps(payload).encode())
            os.replace(partial, folder / name)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise filesystem.ChannelError(f"Cannot add file {name!r} to directory {folder}") from exc


class AtomicFilesystemTransport(filesystem.Transport):  # type: ignore[misc]
    """The ``filesystem://`` transport of this project (registered under kombu's own alias below)."""

    Channel = _AtomicFilesystemChannel


TRANSPORT_ALIASES["filesystem"] = "zhizheng.celery:AtomicFilesystemTransport"

app = Celery("zhizheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def filesystem_queue_folders_create(sender: Celery, **kwargs: Any) -> list[Path]:
    """Create the folders of the filesystem transport (nothing for other brokers); returns those it ensured."""
    if not str(sender.conf.broker_url or "").startswith("filesystem"):
        return []
    options = sender.conf.broker_transport_options or {}
    folders = [
        Path(options[key])
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
        if options.get(key)
    ]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return folders


app.on_after_configure.connect(filesystem_queue_folders_create, weak=False)
