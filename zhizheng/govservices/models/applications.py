"""Applications (办件): what an applicant filed for a service item, where it stands, its clock and its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.certificates.models import Certificate
from zhizheng.core.models import TimeStampedModel
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus
from zhizheng.govservices.models.catalogue import ServiceItem
from zhizheng.govservices.models.life_event_cases import LifeEventCase
from zhizheng.orgs.models import Department


class Application(TimeStampedModel):
    """One application for a service item (办件): the form as filled, where it stands and its clock.

    ``receipt_number`` is given when the draft is created and shown on the receipt. ``idempotency_key`` (when the
    client sends one) is unique per applicant, so a retried submission finds the first one. ``deadline_on`` is the
    promised time limit counted in working days from submission; ``calendar_warnings`` keeps the calendar's
    warnings when that count used a year without an official holiday schedule. While the applicant is asked for
    supplements the clock stops (``clock_paused_on``); on resubmission the deadline moves by the working days it
    stood still (summed in ``paused_working_days``)."""

    receipt_number = models.CharField(_("receipt number"), max_length=24, unique=True)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("The department whose queue holds the application: the item's, until it is transferred."),
    )
    life_event_case = models.ForeignKey(
        LifeEventCase,
        verbose_name=_("life event application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    stage = models.PositiveSmallIntegerField(_("life event stage"), null=True, blank=True)
    fee_fen = models.PositiveIntegerField(_("fee assessed (fen)"), null=True, blank=True)
    fee_note = models.CharField(_("fee assessment"), max_length=200, blank=True)
    acting_for_uscc = models.CharField(_("acting for (USCC)"), max_length=18, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    form_version = models.CharField(_("form version"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    deadline_on = models.DateField(_("promised deadline"), null=True, blank=True)
    calendar_warnings = models.JSONField(_("calendar warnings"), default=list, blank=True)
    clock_paused_on = models.DateField(_("clock paused on"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("working days paused"), default=0)
    supplement_request = models.TextField(_("supplementary materials requested"), blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate issued"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="govservices_application_unique_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["item", "status"], name="govservices_app_item_status")]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.get_status_display()}"

    @property
    def fee_yuan(self) -> str:
        """The amount in yuan with two decimals, for pages."""
        return f"{(self.fee_fen or 0) / 100:.2f}"

    @property
    def handling_department(self) -> Department:
        """The department whose queue holds the application (the item's until a transfer)."""
        if self.department is not None:
            return self.department
        return self.item.department


class ApplicationEvent(models.Model):
    """One row of an application's timeline: what was done, by whom, when, and the ledger entry recording it."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=24, choices=ApplicationAction.choices)
    status_after = models.CharField(_("status after"), max_length=24, choices=ApplicationStatus.choices)
    actor_ref = models.CharField(_("actor"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"
