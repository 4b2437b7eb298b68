"""The Celery application. Tasks live in each app's ``tasks.py`` and only call service functions.

Brokers: Redis or RabbitMQ in production (``CELERY_BROKER_URL``); kombu's filesystem transport by default so that
``make run`` needs no service. The filesystem transport expects its folders to exist, so they are created as soon
as the configuration is loaded, in the web process and in the worker alike.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhizheng.settings.local")

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
