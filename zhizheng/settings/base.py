"""Base settings shared by every environment. Everything that differs per deployment comes from the environment.

Defaults here are the safe ones (DEBUG off, secure cookies on); ``local`` relaxes what a laptop demo needs.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("ZHIZHENG_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "ninja",
    # Zhizheng apps, lowest layer first (see docs/architecture.md).
    "zhizheng.core",
    "zhizheng.accounts",
    "zhizheng.orgs",
    "zhizheng.ledger",
    "zhizheng.registries",
    "zhizheng.certificates",
    "zhizheng.govservices",
    "zhizheng.cityevents",
    "zhizheng.datahub",
    "zhizheng.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "zhizheng.web.middleware.ApiProblemMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhizheng.accounts.middleware.SessionClientMiddleware",
    "zhizheng.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhizheng.web.middleware.ActorMiddleware",
    # AxesMiddleware must be last: it turns lock-outs into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhizheng.urls"
WSGI_APPLICATION = "zhizheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------------------------
# SQLite (WAL, IMMEDIATE transactions so writers queue instead of failing) by default; PostgreSQL via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'zhizheng.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity --------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:portal"

# Lock-out after repeated failed log-ins (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Sessions, cookies, security -------------------------------------------------------------------------------
SESSION_ENGINE = "zhizheng.accounts.session_store"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag; keep default semantics
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
X_FRAME_OPTIONS = "DENY"

# --- Language and time -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "zhizheng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Cache -----------------------------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://zhizheng")}

# --- Background work (Celery) ----------------------------------------------------------------------------------
# Production: Redis or RabbitMQ. The default is kombu's filesystem transport so that `make run` needs no service.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_RETRY_DELAY = 10
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Proves a worker consumes the queue; shown by /api/v1/health and the admin (zhizheng/web/tasks.py).
    "web.heartbeat": {"task": "web.heartbeat", "schedule": env.float("ZHIZHENG_HEARTBEAT_SECONDS", default=60.0)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# --- Zhizheng --------------------------------------------------------------------------------------------------
ZHIZHENG_REQUIRE_SERVICES = env.bool("ZHIZHENG_REQUIRE_SERVICES", default=False)
ZHIZHENG_SITE_URL = env.str("ZHIZHENG_SITE_URL", default="http://127.0.0.1:8000")
# Staff must set up a TOTP authenticator before they can work (enrolled staff always pass a code at log-in).
ZHIZHENG_STAFF_REQUIRE_TOTP = env.bool("ZHIZHENG_STAFF_REQUIRE_TOTP", default=False)
OTP_TOTP_ISSUER = "Zhizheng"
# Matches a new account's ID number and name against the population registry (real-name level L2); "" disables.
ZHIZHENG_IDENTITY_VERIFIER = env.str(
    "ZHIZHENG_IDENTITY_VERIFIER", default="zhizheng.registries.services.identity_verify"
)
# The service search page also lists the portal's own pages matching the query (a function query -> links).
GOVSERVICES_PAGE_SEARCH = "zhizheng.web.navigation.portal_search"
# Division codes of this installation that extend the national GB/T 2260 table (code -> name); the default is the
# fictional demo city 示范市. Identity numbers issued here carry these codes.
ZHIZHENG_LOCAL_DIVISION_CODES: dict[str, str] = {
    "990100": "示范市",
    "990102": "东城区",
    "990103": "西城区",
    "990104": "南湖区",
    "990105": "北山区",
    "990106": "高新区",
    "990121": "青河县",
}
# Notifications (docs/accounts.md): e-mail through Django's backend (SMTP in production: EMAIL_BACKEND, EMAIL_HOST…
# settings; files under var/mail by default), SMS through the provider class named here (see accounts/sms.py).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="智政 Zhizheng <noreply@zhizheng.example>")
ZHIZHENG_SMS_PROVIDER = env.str("ZHIZHENG_SMS_PROVIDER", default="zhizheng.accounts.sms.LogFileSmsProvider")
ZHIZHENG_SMS_LOG = env.str("ZHIZHENG_SMS_LOG", default=str(VAR_DIR / "sms" / "outbox.log"))
# Deliveries that failed are tried again (at most ZHIZHENG_NOTIFICATION_MAX_ATTEMPTS times in all).
ZHIZHENG_NOTIFICATION_MAX_ATTEMPTS = env.int("ZHIZHENG_NOTIFICATION_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE["accounts-notification-retry"] = {"task": "accounts.notification_retry", "schedule": 600.0}
# How long a process keeps a year of the working-day calendar before reading the administrators' data again.
ZHIZHENG_CALENDAR_CACHE_SECONDS = env.int("ZHIZHENG_CALENDAR_CACHE_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Transparency ledger (docs/ledger.md) ----------------------------------------------------------------------
# The checkpoint origin line and the signing key's name (they should be equal, per c2sp.org/tlog-checkpoint).
LEDGER_ORIGIN = env.str("LEDGER_ORIGIN", default="zhizheng.example/ledger")
LEDGER_KEY_NAME = env.str("LEDGER_KEY_NAME", default="") or LEDGER_ORIGIN
# The signing key, outside the database: the environment (PRIVATE+KEY+… string) or a 0600 file from `ledger_keygen`.
LEDGER_SIGNING_KEY = env.str("LEDGER_SIGNING_KEY", default="")
LEDGER_SIGNING_KEY_FILE = env.str("LEDGER_SIGNING_KEY_FILE", default=str(VAR_DIR / "ledger" / "signing.key"))
# Verifier keys of rotated-out signing keys stay published: the file `ledger_keygen --rotate` appends to, and a list.
LEDGER_RETIRED_KEYS_FILE = env.str("LEDGER_RETIRED_KEYS_FILE", default=str(VAR_DIR / "ledger" / "retired.vkeys"))
LEDGER_OLD_VERIFIER_KEYS: list[str] = env.list("LEDGER_OLD_VERIFIER_KEYS", default=[])
# Seconds between checkpoint signings (only when the tree has grown).
LEDGER_CHECKPOINT_INTERVAL = env.int("LEDGER_CHECKPOINT_INTERVAL", default=60)
# Payload keys always hashed in the public leaf, whatever the caller declares.
LEDGER_PERSONAL_FIELDS: list[str] = [
    "name", "real_name", "full_name", "applicant_name", "contact_name", "id_number", "id_card", "passport_number",
    "phone", "mobile", "telephone", "contact_phone", "email", "address", "home_address", "birth_date",
    "date_of_birth", "bank_account", "license_plate", "username",
]  # fmt: skip
CELERY_BEAT_SCHEDULE["ledger-checkpoint-sign"] = {
    "task": "zhizheng.ledger.tasks.checkpoint_sign",
    "schedule": float(LEDGER_CHECKPOINT_INTERVAL),
}
# City events past their deadline are escalated (督办) by a periodic job (zhizheng/cityevents/tasks.py).
CELERY_BEAT_SCHEDULE["cityevents-escalate-overdue"] = {"task": "cityevents.escalate_overdue", "schedule": 600.0}

# --- Electronic certificates (docs/certificates.md) --------------------------------------------------------------
# Key-encryption key for the issuers' Ed25519 private keys (base64 of 32 bytes); empty derives one from SECRET_KEY.
CERTIFICATES_KEY_ENCRYPTION_KEY = env.str("CERTIFICATES_KEY_ENCRYPTION_KEY", default="")
# Where `manage.py certificate_fonts` keeps the GB 2312 copy of the PDF font (faster PDFs).
CERTIFICATES_FONT_CACHE = env.str("CERTIFICATES_FONT_CACHE", default=str(VAR_DIR / "fonts"))
# Valid certificates past their end of validity are stored as expired once an hour.
CELERY_BEAT_SCHEDULE["certificates-expire"] = {"task": "certificates.expire", "schedule": 3600.0}
# 主动服务 (proactive service), every morning at 08:00: certificates expiring in 90 / 30 days, and residents who
# became eligible for a benefit (docs/certificates.md, docs/govservices.md).
CELERY_BEAT_SCHEDULE["certificates-expiry-remind"] = {
    "task": "certificates.expiry_remind",
    "schedule": crontab(hour=8, minute=0),
}
CELERY_BEAT_SCHEDULE["govservices-benefit-eligibility"] = {
    "task": "govservices.benefit_eligibility_notify",
    "schedule": crontab(hour=8, minute=5),
}
# The path of the application that renews a certificate type ("" when none): a function type code -> path. The
# catalogue lives above certificates, so the dependency is configured rather than imported.
CERTIFICATES_RENEWAL_LINK = env.str(
    "CERTIFICATES_RENEWAL_LINK", default="zhizheng.govservices.services.proactive.renewal_apply_path"
)
# Conditional sharing requests that used 80 % of their 10 working days are flagged (zhizheng/datahub/tasks.py).
CELERY_BEAT_SCHEDULE["datahub-request-deadlines"] = {"task": "datahub.request_deadlines", "schedule": 3600.0}
# Supervision (电子监察) of applications: yellow at 80 % of the promised time, red and statutory when overdue, each
# raised once per application and level (zhizheng/govservices/tasks.py; also `manage.py supervision_warnings`).
CELERY_BEAT_SCHEDULE["govservices-supervision-warnings"] = {
    "task": "govservices.supervision_warnings",
    "schedule": 3600.0,
}
# Working days a department has to answer a 差评 with its rectification (国办发〔2019〕51号: 15).
GOVSERVICES_RECTIFICATION_DAYS = env.int("GOVSERVICES_RECTIFICATION_DAYS", default=15)
# Data hub: quality rules of every uploaded table once a day; the access log's Merkle root of each finished day in the
# ledger (the job seals every unsealed day of the past week, so an hourly run catches up after downtime).
CELERY_BEAT_SCHEDULE["datahub-quality"] = {"task": "datahub.quality_scheduled", "schedule": 86400.0}
CELERY_BEAT_SCHEDULE["datahub-access-log-seal"] = {"task": "datahub.access_log_seal", "schedule": 3600.0}
# Largest upload accepted by the data hub (bytes); files are streamed, so this bounds disk, not memory.
DATAHUB_UPLOAD_MAX_BYTES = env.int("DATAHUB_UPLOAD_MAX_BYTES", default=1024 * 1024 * 1024)

# Message classifier (cityevents): an artefact directory, or a directory whose newest artefact is loaded.
MESSAGE_CLASSIFIER_ARTEFACT = env.str(
    "MESSAGE_CLASSIFIER_ARTEFACT", default=str(BASE_DIR / "zhizheng" / "cityevents" / "artefacts")
)

# --- Fees and payment (docs/govservices.md) ----------------------------------------------------------------------
# The payment provider class (a zhizheng.govservices.payments.PaymentProvider); the sandbox stands in for the demo.
GOVSERVICES_PAYMENT_PROVIDER = env.str(
    "GOVSERVICES_PAYMENT_PROVIDER", default="zhizheng.govservices.payments.sandbox.SandboxProvider"
)
# The sandbox's HMAC secret for signed notifications; empty derives one from SECRET_KEY.
GOVSERVICES_PAYMENT_SANDBOX_SECRET = env.str("GOVSERVICES_PAYMENT_SANDBOX_SECRET", default="")
# Minutes before an unpaid payment order expires; overdue orders are closed every five minutes.
GOVSERVICES_PAYMENT_EXPIRY_MINUTES = env.int("GOVSERVICES_PAYMENT_EXPIRY_MINUTES", default=30)
CELERY_BEAT_SCHEDULE["govservices-payments-expire"] = {"task": "govservices.payments_expire", "schedule": 300.0}
# --- Open data (datahub: /data/, CKAN Action API, DCAT) -----------------------------------------------------------
DATAHUB_SITE_TITLE = env.str("DATAHUB_SITE_TITLE", default="智政开放数据 Zhizheng Open Data")
DATAHUB_SITE_DESCRIPTION = env.str(
    "DATAHUB_SITE_DESCRIPTION", default="政府开放数据目录 · The government's open data catalogue"
)
# The licence of open datasets (CKAN license_id/title/url; dct:license in DCAT).
DATAHUB_OPEN_LICENSE = {
    "id": env.str("DATAHUB_LICENSE_ID", default="CC-BY-4.0"),
    "title": env.str("DATAHUB_LICENSE_TITLE", default="Creative Commons Attribution 4.0"),
    "url": env.str("DATAHUB_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/"),
}
# Calls per minute per client address for callers without an app key (apps have their own limit).
DATAHUB_ANONYMOUS_RATE_LIMIT = env.int("DATAHUB_ANONYMOUS_RATE_LIMIT", default=60)
