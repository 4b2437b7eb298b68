"""Data of the shell itself: the heartbeat that shows background workers are alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a periodic job named ``name`` ran on a worker. One row per name, overwritten on each beat."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    beat_at = models.DateTimeField(_("last beat at"))
    beats = models.PositiveBigIntegerField(_("number of beats"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at.isoformat()}"
