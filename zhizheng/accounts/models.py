"""Log-in identities: citizens, agents of legal persons, and staff. Custom user model from the first migration."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.core.masking import mask_name
from zhizheng.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who signs in. ``kind`` says which face of the platform is theirs.

    Citizens and agents carry their real name and 公民身份号码 (unique, validated by ``zhizheng.core.validators``);
    agents also the 统一社会信用代码 of the legal person they act for. ``real_name_level`` only ever rises through
    ``accounts.services.user_real_name_level_raise``. Staff roles live in ``orgs.Membership``.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        AGENT = "agent", _("Business agent")
        STAFF = "staff", _("Civil servant")

    class RealNameLevel(models.IntegerChoices):
        NONE = 0, _("Not verified")
        L1 = 1, _("L1: phone verified")
        L2 = 2, _("L2: identity matched with the population registry")
        L3 = 3, _("L3: verified in person")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    real_name = models.CharField(_("real name"), max_length=64, blank=True)
    id_number = models.CharField(_("citizen ID number"), max_length=18, null=True, blank=True, unique=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    real_name_level = models.PositiveSmallIntegerField(
        _("real-name level"), choices=RealNameLevel.choices, default=RealNameLevel.NONE
    )
    real_name_verified_at = models.DateTimeField(_("real-name level granted at"), null=True, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    enterprise_name = models.CharField(_("enterprise name"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        # Citizens' and agents' names are masked (张*): this string ends up in admin pages, logs and menus.
        # Civil servants act in their official capacity and are named in full.
        if not self.real_name:
            return self.username
        return self.real_name if self.kind == self.Kind.STAFF else mask_name(self.real_name)


class UserSession(AbstractBaseSession):
    """A database session that remembers whose it is, so a person can list and end their own sessions."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=256, blank=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"

    @classmethod
    def get_session_store_class(cls) -> type:
        from zhizheng.accounts.session_store import SessionStore

        return SessionStore


class ApiToken(TimeStampedModel):
    """A bearer token that lets a program act through the API with ``scopes``, on behalf of ``owner``.

    The plain token (``zz_<prefix>_<secret>``) is shown once at creation; only its SHA-256 is stored. Lookup is by
    ``prefix``; a token counts only while not revoked and not expired.
    """

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("SHA-256 of the token"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (zz_{self.prefix}_…)"

    def is_usable(self, at: datetime | None = None) -> bool:
        """True while the token is neither revoked nor expired."""
        now = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Notification(models.Model):
    """A message to one person: kept in their inbox, and sent by e-mail and SMS when asked for.

    ``kind`` is a short dotted code of the reason (``govservices.deadline_warning``) so that pages can group and
    programs can filter; ``title`` and ``body`` are already in the words the person reads. The inbox copy is the
    record: a channel that fails never loses it (see ``NotificationDelivery``).
    """

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="accounts_notif_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class NotificationDelivery(models.Model):
    """Whether a notification went out on one channel (e-mail, SMS): pending until the worker tries after commit,
    then sent, failed (with the error, retried a few times) or skipped (the person has no address for it)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: no address")

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["notification_id", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="accounts_delivery_one_per_channel")
        ]
        indexes = [models.Index(fields=["status", "attempts"], name="accounts_delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.status}"
