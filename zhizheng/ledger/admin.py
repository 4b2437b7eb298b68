"""Admin: witnesses are configured here; entries, checkpoints and cosignatures are read-only (the log is
append-only, and only the services write it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhizheng.ledger.models import Checkpoint, Cosignature, Entry, Witness


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "created_at", "act", "subject_type", "subject_id", "actor_ref"]
    list_filter = ["act"]
    search_fields = ["=index", "act", "subject_type", "=subject_id"]
    show_full_result_count = False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "created_at", "key_name", "key_id"]
    show_full_result_count = False


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnlyAdmin):
    list_display = ["checkpoint", "witness", "timestamp", "created_at"]
    list_select_related = ["checkpoint", "witness"]


@admin.register(Witness)
class WitnessAdmin(admin.ModelAdmin):
    list_display = ["name", "required", "active", "url", "created_at"]
    list_filter = ["required", "active"]
    search_fields = ["name"]
