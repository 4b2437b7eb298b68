"""Base models shared by every app, and the official holiday schedule that the working-day calendar reads."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizheng.core.choices import DayKind

FIRST_CALENDAR_YEAR = 2000
LAST_CALENDAR_YEAR = 2100


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed (timezone-aware)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class HolidayYear(TimeStampedModel):
    """One State Council notice on a year's public holidays and make-up working days (国务院办公厅关于N年部分节假日
    安排的通知). While ``complete`` is off the entries are a draft and the calendar ignores them."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_CALENDAR_YEAR), MaxValueValidator(LAST_CALENDAR_YEAR)],
        help_text=_("The year the State Council notice is for, e.g. 2027."),
    )
    notice_title = models.CharField(
        _("notice title"),
        max_length=200,
        blank=True,
        help_text=_("Enter the State Council notice for this year, e.g. 国务院办公厅关于2027年部分节假日安排的通知."),
    )
    notice_url = models.URLField(
        _("notice address"), blank=True, help_text=_("Where the official notice is published.")
    )
    notice_text = models.TextField(
        _("notice text"), blank=True, help_text=_("The text of the notice, copied from the official publication.")
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    complete = models.BooleanField(
        _("complete"),
        default=False,
        help_text=_(
            "Tick when every holiday and every make-up working day of the notice is entered below. Only complete "
            "years are used; until then the year comes from the chinesecalendar library or, for years it does not "
            "know, from weekends and the fixed-date holidays, with a warning."
        ),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_CALENDAR_YEAR) & models.Q(year__lte=LAST_CALENDAR_YEAR),
                name="core_holidayyear_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarDay(TimeStampedModel):
    """One date of a notice: a holiday (day off) or a make-up working day on a weekend (调休上班). A notice may
    reach into the neighbouring years (the New Year holiday can start on 30 December)."""

    holiday_year = models.ForeignKey(
        HolidayYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("holiday schedule")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=50, help_text=_("The festival the day belongs to, as in the notice, e.g. 春节.")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="core_calendarday_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        super().clean()
        errors: list[ValidationError] = []
        if isinstance(self.date, dt.date):
            # In the admin's inline forms the notice may not be saved yet; its year is known all the same.
            notice = self.holiday_year if self.holiday_year_id is not None or _has_notice(self) else None
            if notice is not None and notice.year is not None:
                year = notice.year
                near = (self.date.year == year - 1 and self.date.month == 12) or (
                    self.date.year == year + 1 and self.date.month == 1
                )
                if self.date.year != year and not near:
                    errors.append(
                        ValidationError(
                            _("The date must fall in %(year)s (or in the December before or the January after)."),
                            code="core.calendar_day.outside_year",
                            params={"year": year},
                        )
                    )
            if self.kind == DayKind.MAKEUP_WORKDAY and self.date.weekday() < 5:
                errors.append(
                    ValidationError(
                        _("A make-up working day falls on a Saturday or Sunday; this date is a weekday."),
                        code="core.calendar_day.makeup_on_weekday",
                    )
                )
        if errors:
            raise ValidationError({"date": errors})


def _has_notice(day: CalendarDay) -> bool:
    return CalendarDay.holiday_year.is_cached(day)
