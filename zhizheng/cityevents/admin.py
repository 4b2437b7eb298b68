"""Administration of city events: read-only views (events change only through the loop's services, which record
every act in the ledger); categories' limits and departments are editable; Open311 keys are made with
``manage.py open311_key``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhizheng.cityevents.models import Category, ClassificationOverride, Event, EventStep, Open311Client


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "department_code", "limit_days", "urgent_limit_hours", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
    fields = ("code", "name", "level", "parent", "department_code", "limit_days", "urgent_limit_hours", "active")
    readonly_fields = ("code", "name", "level", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("number", "source", "status", "urgency", "category", "responsible_department", "deadline_at")
    list_filter = ("status", "source", "urgency")
    search_fields = ("number",)
    exclude = ("reporter_phone_hash", "tracking_token_hash")
    list_select_related = ("category", "responsible_department")


@admin.register(EventStep)
class EventStepAdmin(ReadOnlyAdmin):
    list_display = ("event", "action", "from_status", "to_status", "actor_ref", "department_code", "at")
    list_filter = ("action",)


@admin.register(ClassificationOverride)
class ClassificationOverrideAdmin(ReadOnlyAdmin):
    list_display = ("event", "suggested_category", "suggested_confidence", "chosen_category", "created_at")
    list_filter = ("chosen_category",)


@admin.register(Open311Client)
class Open311ClientAdmin(ReadOnlyAdmin):
    list_display = ("name", "key_prefix", "active", "created_at")
    exclude = ("key_hash",)
