"""The process of one application (办理流程): its steps, derived from the item's catalogue steps when it is
submitted, each with the department and roles that act on it. Steps sharing a ``position`` run in parallel (joint
review, 并联审查); the application moves to the next position when every step at the current one is done."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.govservices.choices import StepKind, StepStatus
from zhizheng.govservices.models.applications import Application
from zhizheng.orgs.models import Department


class ProcessStep(models.Model):
    """One step of an application's process: who acts (``department`` and any of ``roles``), what kind of act, and
    whether it is waiting, active, done or cancelled (a cancelled step belonged to a department that transferred
    the application away, or to a process that ended early)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("step name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="process_steps"
    )
    roles = models.JSONField(_("roles that act"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.WAITING)
    actor_ref = models.CharField(_("done by"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["application", "position", "id"]
        indexes = [models.Index(fields=["department", "status"], name="govservices_step_dept_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position", "department"],
                condition=~models.Q(status="cancelled"),
                name="govservices_step_unique_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.position} {self.name}"
