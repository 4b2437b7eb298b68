"""Supervision (电子监察): the warnings raised on an application's clock, once per application and level."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.govservices.choices import WarningLevel
from zhizheng.govservices.models.applications import Application
from zhizheng.orgs.models import Department


class SupervisionWarning(models.Model):
    """One warning on an application's clock: yellow at 80 % of the promised working days, red past the promised
    deadline, statutory past the statutory one. ``(application, level)`` is unique, so the periodic job that raises
    them can run any number of times. ``department`` is the one responsible when the warning was raised (kept, so a
    later transfer does not rewrite history); ``recipients`` are the user ids told (the handler and the department
    heads); ``notified_at`` is set once the notifications went out."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="supervision_warnings"
    )
    level = models.CharField(_("level"), max_length=16, choices=WarningLevel.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="supervision_warnings"
    )
    raised_on = models.DateField(_("raised on"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    deadline_on = models.DateField(_("deadline concerned"))
    working_days_used = models.PositiveIntegerField(_("working days used"))
    working_days_allowed = models.PositiveIntegerField(_("working days allowed"))
    recipients = models.JSONField(_("recipients (user ids)"), default=list, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision warning")
        verbose_name_plural = _("supervision warnings")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "level"], name="govservices_warning_once_per_level"),
        ]
        indexes = [
            models.Index(fields=["department", "level"], name="govservices_warning_dept_level"),
            models.Index(fields=["raised_on"], name="govservices_warning_raised_on"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.level}"
