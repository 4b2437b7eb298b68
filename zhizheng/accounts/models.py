"""Log-in identities: citizens, agents of legal persons, and staff. Custom user model from the first migration."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. ``kind`` says which face of the platform is theirs."""

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
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    enterprise_name = models.CharField(_("enterprise name"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.real_name or self.username


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
