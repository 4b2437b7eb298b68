"""Combined applications for a life event (一件事一次办): one form, one receipt number, the items of each stage
started in their departments, the next stage started when the previous one is complete."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.core.models import TimeStampedModel
from zhizheng.govservices.choices import LifeEventCaseStatus
from zhizheng.govservices.models.catalogue import LifeEvent


class LifeEventCase(TimeStampedModel):
    """One combined application (一表申请) for a life event. Its items are ordinary ``Application`` rows linked
    here with their stage; later stages wait as drafts (unseen by departments) until their stage starts."""

    receipt_number = models.CharField(_("receipt number"), max_length=24, unique=True)
    event = models.ForeignKey(LifeEvent, verbose_name=_("life event"), on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="life_event_cases",
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LifeEventCaseStatus.choices, default=LifeEventCaseStatus.IN_PROGRESS
    )
    current_stage = models.PositiveSmallIntegerField(_("current stage"), default=1)
    certificate_consents = models.JSONField(
        _("certificates the applicant agreed to attach"),
        default=list,
        blank=True,
        help_text=_("Serials consented to on the combined form (免提交), used when each stage's items start."),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("life event application")
        verbose_name_plural = _("life event applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="govservices_case_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.event.code}"
