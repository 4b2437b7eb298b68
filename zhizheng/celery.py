"""The Celery application. Tasks live in each app's ``tasks.py`` and only call service functions."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhizheng.settings.local")

app = Celery("zhizheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
