"""What the proactive service (主动服务) told whom, so that nobody is told twice for the same reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EligibilityNotice(models.Model):
    """That ``user`` was told they became eligible for a benefit (``benefit``, e.g. ``elderly_allowance_80``) and
    invited to apply for ``item_code``. One row per person and benefit: the job never tells them again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="eligibility_notices"
    )
    benefit = models.CharField(_("benefit"), max_length=32)
    item_code = models.CharField(_("service item"), max_length=16)
    eligible_on = models.DateField(_("eligible since"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("eligibility notice")
        verbose_name_plural = _("eligibility notices")
        ordering = ["-sent_at", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "benefit"], name="govservices_eligibility_notice_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.benefit}"
