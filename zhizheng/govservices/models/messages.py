"""Messages between an applicant and the department handling their application (留言沟通)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.govservices.choices import MessageSide
from zhizheng.govservices.models.applications import Application


class ApplicationMessage(models.Model):
    """One message on an application, written by its applicant or by staff of its handling department. ``read_at``
    is when the other side first opened the conversation after it was written. A staff message is an official
    communication and is recorded in the ledger (``ledger_index``; the public leaf holds only a salted hash of the
    text); the applicant's are not official acts and are kept here only."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="application_messages",
    )
    side = models.CharField(_("side"), max_length=12, choices=MessageSide.choices)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("application message")
        verbose_name_plural = _("application messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"], name="govservices_message_app_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(side__in=["applicant", "staff"]), name="govservices_message_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.side} {self.created_at:%Y-%m-%d %H:%M}"
