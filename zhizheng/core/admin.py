"""Administration of the official holiday schedules that the working-day calendar reads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhizheng.core.models import CalendarDay, HolidayYear
from zhizheng.core.workdays import invalidate_calendar_cache


def _refresh_calendar() -> None:
    # Forget cached years once the change is committed; other processes pick it up within the cache period.
    transaction.on_commit(invalidate_calendar_cache)


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ("date", "kind", "name")
    ordering = ("date",)


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ("year", "complete", "published_on", "notice_title", "day_count", "updated_at")
    list_filter = ("complete",)
    search_fields = ("year", "notice_title")
    inlines = (CalendarDayInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (
            None,
            {
                "fields": ("year", "complete"),
                "description": _(
                    "Enter the State Council notice for year N (国务院办公厅关于N年部分节假日安排的通知) as soon "
                    "as it is published, usually in November of the year before: every day off as a holiday, every "
                    "weekend working day as a make-up working day. Tick complete when all are entered; from then on "
                    "the notice replaces the library and the fallback for that year."
                ),
            },
        ),
        (_("Official notice"), {"fields": ("notice_title", "notice_url", "published_on", "notice_text")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidayYear]:
        queryset: QuerySet[HolidayYear] = super().get_queryset(request)
        return queryset.annotate(day_total=Count("days"))

    @admin.display(description=_("days entered"), ordering="day_total")
    def day_count(self, obj: HolidayYear) -> int:
        return int(getattr(obj, "day_total", 0))

    def save_model(self, request: HttpRequest, obj: HolidayYear, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _refresh_calendar()

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        _refresh_calendar()

    def delete_model(self, request: HttpRequest, obj: HolidayYear) -> None:
        super().delete_model(request, obj)
        _refresh_calendar()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayYear]) -> None:
        super().delete_queryset(request, queryset)
        _refresh_calendar()


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "holiday_year")
    list_filter = ("kind", "holiday_year")
    date_hierarchy = "date"
    search_fields = ("name",)
    list_select_related = ("holiday_year",)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _refresh_calendar()

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        _refresh_calendar()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        super().delete_queryset(request, queryset)
        _refresh_calendar()
