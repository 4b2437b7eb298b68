"""Settings for the test suite: same code paths as production, faster password hashing, isolated files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .local import *  # noqa: F403

# Argon2 stays the production hasher (see accounts tests); tests hash with MD5 only to keep the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="zhizheng-media-"))
# Text messages of the demo provider go to a temporary file, never into the checkout's var/.
ZHIZHENG_SMS_LOG = str(Path(tempfile.mkdtemp(prefix="zhizheng-sms-")) / "outbox.log")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_FAILURE_LIMIT = 5
