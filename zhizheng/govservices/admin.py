"""Administration of the service catalogue: items with their materials inline, history kept for every change.

Saving an item goes through ``services.item_save`` (validation, permission, re-indexing search after commit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from zhizheng.core.actor import actor_of
from zhizheng.govservices.models import ClickCount, LifeEvent, LifeEventStage, Material, ServiceItem, Theme
from zhizheng.govservices.services import catalogue as services


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("order", "name", "form", "required", "source", "certificate_type", "note")


@admin.register(ServiceItem)
class ServiceItemAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "department", "item_type", "promised_days", "online_level", "published")
    list_filter = ("published", "item_type", "processing_kind", "online_level", "department")
    list_select_related = ("department",)
    search_fields = ("code", "name")
    filter_horizontal = ("themes",)
    inlines = (MaterialInline,)
    history_list_display = ("name", "published", "promised_days")
    fieldsets = (
        (None, {"fields": ("code", "name", "item_type", "department", "published")}),
        ("Audience", {"fields": ("for_individuals", "for_legal_persons", "themes")}),
        ("Guide", {"fields": ("conditions", "description", "keywords", "steps", "legal_basis")}),
        (
            "Time and visits",
            {"fields": ("processing_kind", "statutory_days", "promised_days", "max_visits", "online_level")},
        ),
        ("Fee", {"fields": ("fee_charged", "fee_standard", "fee_basis")}),
        ("Result and hall", {"fields": ("result_name", "result_certificate_type", "hall_address", "hall_hours")}),
    )

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        obj._history_user = request.user  # type: ignore[attr-defined]
        services.item_save(actor=actor_of(request), item=obj)


class LifeEventStageInline(admin.TabularInline):
    model = LifeEventStage
    extra = 0
    fields = ("order", "parallel", "items")
    filter_horizontal = ("items",)


@admin.register(LifeEvent)
class LifeEventAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "for_individuals", "for_legal_persons")
    search_fields = ("code", "name")
    inlines = (LifeEventStageInline,)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "order")
    list_filter = ("audience",)
    search_fields = ("name",)


@admin.register(ClickCount)
class ClickCountAdmin(admin.ModelAdmin):
    list_display = ("query_norm", "code", "count")
    search_fields = ("query_norm", "code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClickCount]:
        return super().get_queryset(request).order_by("-count")
