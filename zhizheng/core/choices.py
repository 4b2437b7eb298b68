"""Choices of the core models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """What an entry of the official holiday schedule makes of its date."""

    HOLIDAY = "holiday", _("Holiday (day off)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day (调休上班)")
