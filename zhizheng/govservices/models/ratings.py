"""好差评 and 最多跑一次: the applicant's rating of a completed application, the rectification a bad rating opens,
and the visits an applicant made to a hall in person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.govservices.choices import RatingScore, RectificationStatus, VisitPurpose
from zhizheng.govservices.models.applications import Application
from zhizheng.orgs.models import Department


class Rating(models.Model):
    """The applicant's one rating (好差评) of a completed (approved or rejected) application: a score 1-5, reason
    codes from ``RatingReason`` and free text. One per application (the one-to-one key)."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=RatingScore.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="ratings"
    )
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1) & models.Q(score__lte=5), name="govservices_rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.score}"

    @property
    def is_bad(self) -> bool:
        """差评: a score of 1 or 2."""
        return self.score <= RatingScore.DISSATISFIED


class Rectification(models.Model):
    """整改: the task a 差评 opens for the responsible department, due in working days, answered once with what the
    department did (the applicant sees the answer). Overdue when unanswered past ``due_on`` or answered late."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="rectification"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="rectifications"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_on = models.DateField(_("due on"))
    answer = models.TextField(_("what the department did"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications_answered",
    )
    opened_ledger_index = models.BigIntegerField(_("ledger entry (opened)"), null=True, blank=True)
    answered_ledger_index = models.BigIntegerField(_("ledger entry (answered)"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["department", "status"], name="govservices_rectif_dept_status")]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"


class Visit(models.Model):
    """One in-person visit of the applicant to a hall for an application, recorded by the staff who served them:
    when, where and why. The count per application gives 零跑动 (none) and 最多跑一次 (at most one)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_at = models.DateTimeField(_("visited at"))
    place = models.CharField(_("place"), max_length=128)
    purpose = models.CharField(_("purpose"), max_length=16, choices=VisitPurpose.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_recorded",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    ledger_index = models.BigIntegerField(_("ledger entry"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["application", "visited_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.visited_at:%Y-%m-%d} {self.purpose}"
