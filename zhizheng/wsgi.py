"""WSGI entry point for gunicorn. The settings module comes from DJANGO_SETTINGS_MODULE (production by default)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhizheng.settings.production")

application = get_wsgi_application()
